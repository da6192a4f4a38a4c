// A modal dialog to dispute one item of my report: the native <dialog> keeps focus inside and Escape closes it.
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { apiJson } from "../../api/client.ts";
import { ProblemNotice } from "../../components/problem-notice.tsx";
import type { DisputeTarget } from "../../components/report-view.tsx";
import { useLabels } from "../../labels.ts";

/** The longest reason the server accepts. */
const reason_chars_max = 1_000;

export function DisputeDialog(props: {
  target: DisputeTarget | null;
  onClose: () => void;
  onFiled: () => void;
}) {
  const { t } = useLabels();
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (props.target && !element.open) {
      setReason("");
      setError(undefined);
      element.showModal();
    }
    if (!props.target && element.open) element.close();
  }, [props.target]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!props.target) return;
    setBusy(true);
    setError(undefined);
    try {
      await apiJson("/v1/me/disputes", { body: { item: props.target.item, reason: reason.trim() } });
      props.onFiled();
    } catch (problem) {
      setError(problem);
    } finally {
      setBusy(false);
    }
  }

  return (
    <dialog ref={dialog} className="dialog" aria-labelledby={`${id}-title`} onClose={props.onClose}>
      <form className="form" onSubmit={submit}>
        <h2 id={`${id}-title`}>{t("personal.report.disputeHeading", { item: props.target?.label ?? "" })}</h2>
        <p className="hint">
          <code>{props.target?.item}</code>
        </p>
        <div className="field">
          <label htmlFor={`${id}-reason`}>{t("personal.report.reason")}</label>
          <textarea
            id={`${id}-reason`}
            required
            rows={4}
            maxLength={reason_chars_max}
            value={reason}
            onChange={(event) => setReason(event.target.value)}
          />
        </div>
        <ProblemNotice error={error} />
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy || reason.trim() === ""}>
            {t("personal.report.submitDispute")}
          </button>
          <button type="button" className="button-quiet" onClick={props.onClose}>
            {t("app.cancel")}
          </button>
        </div>
      </form>
    </dialog>
  );
}
