// Shows a failed request: what it means in the reader's language, the server's detail and the stable code.
import { useTranslation } from "react-i18next";
import { ApiProblem } from "../api/client.ts";
import { useLabels } from "../labels.ts";

export function ProblemNotice(props: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const { problem } = useLabels();
  if (props.error === undefined || props.error === null) return null;
  const known = props.error instanceof ApiProblem ? props.error : undefined;
  const code = known?.code ?? "NETWORK_ERROR";
  const headline = known ? problem(known.code, known.title) : t("errors.network");
  const detail = known ? known.message : props.error instanceof Error ? props.error.message : "";
  return (
    <div className="notice notice-bad" role="alert" data-testid="problem" data-code={code}>
      <strong>{headline}</strong>
      {detail && detail !== headline && <span className="notice-detail">{detail}</span>}
      <span className="notice-code">
        {t("errors.code")}: <code>{code}</code>
      </span>
      {props.onRetry && (
        <button type="button" className="button-link" onClick={props.onRetry}>
          {t("app.retry")}
        </button>
      )}
    </div>
  );
}
