// The furnisher's latest submissions; choosing one shows its detail and rejected lines.
import type { Submission } from "../../api/types.ts";
import { useApi } from "../../api/use-api.ts";
import { DataTable } from "../../components/data-table.tsx";
import { LoadedView } from "../../components/loaded.tsx";
import { Section } from "../../components/section.tsx";
import { formatBytes, formatDateTime, formatNumber } from "../../format.ts";
import { useLabels } from "../../labels.ts";
import { SubmissionStatus } from "./submission-status.tsx";

export function SubmissionsList(props: { selected: string | null; onSelect: (id: string) => void }) {
  const { t, locale } = useLabels();
  const loaded = useApi<{ items: Submission[] }>("/v1/submissions");
  return (
    <Section title={t("furnisher.submissions.heading")}>
      <LoadedView loaded={loaded}>
        {({ items }) => (
          <DataTable
            caption={t("furnisher.submissions.heading")}
            rows={items}
            rowKey={(row) => row.id}
            empty={t("furnisher.submissions.empty")}
            columns={[
              {
                header: t("furnisher.submission.received"),
                cell: (row) => formatDateTime(row.received_at, locale),
              },
              {
                header: t("furnisher.submission.status"),
                cell: (row) => <SubmissionStatus status={row.status} />,
              },
              {
                header: t("furnisher.submission.size"),
                numeric: true,
                cell: (row) => formatBytes(row.bytes, locale),
              },
              {
                header: t("furnisher.submission.accepted"),
                numeric: true,
                cell: (row) => formatNumber(row.lines_accepted, locale),
              },
              {
                header: t("furnisher.submission.rejected"),
                numeric: true,
                cell: (row) => formatNumber(row.lines_rejected, locale),
              },
              {
                header: t("furnisher.submission.view"),
                cell: (row) => (
                  <button
                    type="button"
                    className="button-small"
                    aria-pressed={row.id === props.selected}
                    onClick={() => props.onSelect(row.id)}
                  >
                    {t("app.show")}
                  </button>
                ),
              },
            ]}
          />
        )}
      </LoadedView>
    </Section>
  );
}
