// The disputes I filed, their deadlines and the furnishers' answers.
import type { Dispute } from "../../api/types.ts";
import { useApi } from "../../api/use-api.ts";
import { Badge, type Tone } from "../../components/badge.tsx";
import { DataTable } from "../../components/data-table.tsx";
import { LoadedView } from "../../components/loaded.tsx";
import { Section } from "../../components/section.tsx";
import { formatDate } from "../../format.ts";
import { useLabels } from "../../labels.ts";

const tones: Record<Dispute["status"], Tone> = { open: "warn", overdue: "bad", answered: "good" };

export function MyDisputes() {
  const { t, label, locale } = useLabels();
  const loaded = useApi<{ items: Dispute[] }>("/v1/me/disputes");
  return (
    <Section title={t("personal.disputes.heading")} intro={t("personal.disputes.intro")} testId="my-disputes">
      <LoadedView loaded={loaded}>
        {({ items }) => (
          <DataTable
            caption={t("personal.disputes.heading")}
            rows={items}
            rowKey={(row) => row.id}
            empty={t("personal.disputes.empty")}
            testId="disputes-table"
            columns={[
              { header: t("personal.disputes.item"), cell: (row) => <code>{row.item}</code> },
              { header: t("personal.disputes.filed"), cell: (row) => formatDate(row.opened_at, locale) },
              { header: t("personal.disputes.due"), cell: (row) => formatDate(row.due_at, locale) },
              {
                header: t("personal.disputes.status"),
                cell: (row) => <Badge tone={tones[row.status]}>{label("disputeStatus", row.status)}</Badge>,
              },
              {
                header: t("personal.disputes.answer"),
                cell: (row) =>
                  row.outcome ? (
                    <>
                      <strong>{label("outcome", row.outcome)}</strong>
                      {row.answer_note && <q>{row.answer_note}</q>}
                    </>
                  ) : (
                    "—"
                  ),
              },
            ]}
          />
        )}
      </LoadedView>
    </Section>
  );
}
