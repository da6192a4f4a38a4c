// Uploads a furnishing file with a progress bar; the submission it creates is then watched by SubmissionDetail.
import { type FormEvent, useId, useRef, useState } from "react";
import { uploadSubmission } from "../../api/upload.ts";
import { ProblemNotice } from "../../components/problem-notice.tsx";
import { Section } from "../../components/section.tsx";
import { formatBytes } from "../../format.ts";
import { useLabels } from "../../labels.ts";

export function UploadPanel(props: { onSubmitted: (submission_id: string) => void }) {
  const { t, locale } = useLabels();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [progress, setProgress] = useState<{ sent: number; total: number } | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [replay, setReplay] = useState(false);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const file = input.current?.files?.[0];
    if (!file) return;
    setBusy(true);
    setError(undefined);
    setReplay(false);
    setProgress({ sent: 0, total: file.size });
    try {
      const submission = await uploadSubmission(file, (sent, total) => setProgress({ sent, total }));
      setProgress({ sent: file.size, total: file.size });
      setReplay(submission.replay);
      props.onSubmitted(submission.id);
    } catch (reason) {
      setError(reason);
      setProgress(null);
    } finally {
      setBusy(false);
    }
  }

  const done = progress !== null && progress.sent >= progress.total && !busy;
  return (
    <Section
      title={t("furnisher.upload.heading")}
      intro={t("furnisher.upload.intro")}
      actions={
        <a href="/v1/schemas/furnishing.json" target="_blank" rel="noreferrer">
          {t("furnisher.upload.schema")}
        </a>
      }
    >
      <form className="form form-inline" onSubmit={submit}>
        <div className="field">
          <label htmlFor={id}>{t("furnisher.upload.file")}</label>
          <input
            id={id}
            ref={input}
            type="file"
            name="file"
            required
            accept=".ndjson,.jsonl,.json,.csv,.gz,application/x-ndjson,text/csv,application/gzip"
          />
        </div>
        <div className="form-actions">
          <button type="submit" className="button-primary" disabled={busy}>
            {t("furnisher.upload.submit")}
          </button>
        </div>
      </form>
      {progress && (
        <div className="upload-progress">
          <progress
            max={Math.max(progress.total, 1)}
            value={progress.sent}
            aria-label={t("furnisher.upload.progress")}
            data-testid="upload-progress"
          />
          <p role="status" aria-live="polite">
            {done
              ? t("furnisher.upload.sent", { total: formatBytes(progress.total, locale) })
              : t("furnisher.upload.sending", {
                  sent: formatBytes(progress.sent, locale),
                  total: formatBytes(progress.total, locale),
                })}
          </p>
        </div>
      )}
      {replay && <p className="notice notice-info">{t("furnisher.upload.replay")}</p>}
      <ProblemNotice error={error} />
    </Section>
  );
}
