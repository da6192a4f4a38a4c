// Issues a personal token for a person after the operator has checked their identity, and can sign in as that
// person at once (which is how the demo tour reaches the personal portal).
import { type FormEvent, useId, useState } from "react";
import { apiJson } from "../../api/client.ts";
import { useAppState } from "../../app-state.ts";
import { ProblemNotice } from "../../components/problem-notice.tsx";
import { Section } from "../../components/section.tsx";
import { formatDate } from "../../format.ts";
import { useLabels } from "../../labels.ts";

/** The longest validity the server grants. */
const token_days_max = 365;

export function TokenPanel() {
  const { t, label, locale } = useLabels();
  const { meta, signIn } = useAppState();
  const id = useId();
  const [idType, setIdType] = useState(meta.identifier_types[0] ?? "");
  const [idNumber, setIdNumber] = useState("");
  const [days, setDays] = useState(90);
  const [issued, setIssued] = useState<{ token: string; expires_at: string } | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [copied, setCopied] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setIssued(null);
    setCopied(false);
    try {
      setIssued(
        await apiJson<{ token: string; expires_at: string }>("/v1/subjects/tokens", {
          body: { subject: { id_type: idType, id_number: idNumber.trim() }, valid_days: days },
        }),
      );
    } catch (reason) {
      setError(reason);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Section title={t("operator.tokens.heading")} intro={t("operator.tokens.intro")} testId="tokens">
      <form className="form form-grid" onSubmit={submit}>
        <div className="field">
          <label htmlFor={`${id}-type`}>{t("operator.tokens.idType")}</label>
          <select id={`${id}-type`} value={idType} onChange={(event) => setIdType(event.target.value)}>
            {meta.identifier_types.map((type) => (
              <option key={type} value={type}>
                {label("idType", type)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-number`}>{t("operator.tokens.idNumber")}</label>
          <input
            id={`${id}-number`}
            required
            autoComplete="off"
            spellCheck={false}
            maxLength={64}
            value={idNumber}
            onChange={(event) => setIdNumber(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-days`}>{t("operator.tokens.days")}</label>
          <input
            id={`${id}-days`}
            type="number"
            min={1}
            max={token_days_max}
            required
            value={days}
            onChange={(event) => setDays(Number(event.target.value))}
          />
        </div>
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {t("operator.tokens.submit")}
          </button>
        </div>
      </form>
      <ProblemNotice error={error} />
      {issued && (
        <div className="notice notice-warn" role="status" data-testid="token-issued">
          <span>{t("operator.tokens.issued", { until: formatDate(issued.expires_at, locale) })}</span>
          <code className="wrap" data-testid="token">
            {issued.token}
          </code>
          <span className="row-actions">
            <button
              type="button"
              className="button-small"
              onClick={() => void navigator.clipboard?.writeText(issued.token).then(() => setCopied(true))}
            >
              {copied ? t("app.copied") : t("app.copy")}
            </button>
            <button type="button" className="button-small" onClick={() => void signIn(issued.token)}>
              {t("operator.tokens.openAs")}
            </button>
          </span>
        </div>
      )}
    </Section>
  );
}
