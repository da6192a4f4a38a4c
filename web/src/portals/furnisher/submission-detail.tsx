// One submission, watched until the bureau has checked every line, then its rejected lines with code, field and
// line number.
import { useEffect, useRef } from "react";
import { apiNdjson } from "../../api/client.ts";
import type { RejectedLine, Submission } from "../../api/types.ts";
import { useApi } from "../../api/use-api.ts";
import { DataTable } from "../../components/data-table.tsx";
import { LoadedView } from "../../components/loaded.tsx";
import { Section } from "../../components/section.tsx";
import { formatBytes, formatDateTime, formatNumber } from "../../format.ts";
import { useLabels } from "../../labels.ts";
import { SubmissionStatus } from "./submission-status.tsx";

/** How often a submission still being checked is asked for again. */
const poll_interval_ms = 1_000;
/** The most rejected lines the page reads; the rest stay on the server. */
export const rejected_lines_shown_max = 1_000;

function RejectedLines(props: { submission: Submission }) {
  const { t, lineCode, locale } = useLabels();
  const errors = useApi(props.submission.id, (id, signal) =>
    apiNdjson<RejectedLine>(`/v1/submissions/${id}/errors`, rejected_lines_shown_max, { signal }),
  );
  return (
    <LoadedView loaded={errors}>
      {(page) => (
        <>
          <DataTable
            caption={t("furnisher.submission.rejectedLines")}
            rows={page.items}
            rowKey={(row, index) => `${row.line}-${row.field}-${index}`}
            empty={t("furnisher.submission.noRejected")}
            testId="rejected-lines"
            columns={[
              {
                header: t("furnisher.submission.line"),
                numeric: true,
                cell: (row) => formatNumber(row.line, locale),
              },
              {
                header: t("furnisher.submission.field"),
                cell: (row) => (row.field ? <code>{row.field}</code> : "—"),
              },
              {
                header: t("furnisher.submission.code"),
                cell: (row) => <code className="code">{row.code}</code>,
              },
              { header: t("furnisher.submission.message"), cell: (row) => lineCode(row.code, row.message) },
            ]}
          />
          {!page.complete && (
            <p className="hint">
              {formatNumber(page.items.length, locale)} /{" "}
              {formatNumber(props.submission.lines_rejected, locale)}
            </p>
          )}
        </>
      )}
    </LoadedView>
  );
}

export function SubmissionDetail(props: { id: string; onFinished: () => void }) {
  const { t, locale } = useLabels();
  const loaded = useApi<Submission>(`/v1/submissions/${props.id}`);
  const { data, reload } = loaded;
  const onFinished = useRef(props.onFinished);
  onFinished.current = props.onFinished;
  const processing = data?.status === "processing";
  useEffect(() => {
    if (!data) return;
    if (!processing) {
      onFinished.current();
      return;
    }
    const timer = setTimeout(reload, poll_interval_ms);
    return () => clearTimeout(timer);
  }, [data, processing, reload]);

  return (
    <Section title={t("furnisher.submission.heading", { id: props.id })} testId="submission">
      <LoadedView loaded={loaded}>
        {(submission) => (
          <>
            <dl className="facts">
              <div>
                <dt>{t("furnisher.submission.status")}</dt>
                <dd>
                  <SubmissionStatus status={submission.status} />
                </dd>
              </div>
              <div>
                <dt>{t("furnisher.submission.received")}</dt>
                <dd>{formatDateTime(submission.received_at, locale)}</dd>
              </div>
              <div>
                <dt>{t("furnisher.submission.size")}</dt>
                <dd>{formatBytes(submission.bytes, locale)}</dd>
              </div>
              <div>
                <dt>{t("furnisher.submission.lines")}</dt>
                <dd>{formatNumber(submission.lines_total, locale)}</dd>
              </div>
              <div>
                <dt>{t("furnisher.submission.accepted")}</dt>
                <dd data-testid="lines-accepted">{formatNumber(submission.lines_accepted, locale)}</dd>
              </div>
              <div>
                <dt>{t("furnisher.submission.rejected")}</dt>
                <dd data-testid="lines-rejected">{formatNumber(submission.lines_rejected, locale)}</dd>
              </div>
            </dl>
            {submission.status === "processing" && (
              <p className="loading" role="status">
                {t("furnisher.submission.checking")}
              </p>
            )}
            {submission.rejection_reason && (
              <p className="notice notice-bad">
                <strong>{t("furnisher.submission.reason")}</strong> {submission.rejection_reason}
              </p>
            )}
            {submission.rejected_by_code && Object.keys(submission.rejected_by_code).length > 0 && (
              <p className="code-counts">
                <span className="visually-hidden">{t("furnisher.submission.byCode")}</span>
                {Object.entries(submission.rejected_by_code).map(([code, count]) => (
                  <span key={code} className="code-count">
                    <code>{code}</code> × {formatNumber(count, locale)}
                  </span>
                ))}
              </p>
            )}
            {submission.status !== "processing" && <RejectedLines submission={submission} />}
          </>
        )}
      </LoadedView>
    </Section>
  );
}
