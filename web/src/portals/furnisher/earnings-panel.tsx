// What the furnisher's data earned in a month, by lender and product, and which lenders received its records.
import { useState } from "react";
import { downloadText } from "../../api/client.ts";
import type { FurnisherDisclosureRow, FurnisherStatement } from "../../api/types.ts";
import { useApi } from "../../api/use-api.ts";
import { useAppState, useInstitutionId } from "../../app-state.ts";
import { DataTable } from "../../components/data-table.tsx";
import { LoadedView } from "../../components/loaded.tsx";
import { MonthPicker } from "../../components/month-picker.tsx";
import { Section } from "../../components/section.tsx";
import { TotalsLine } from "../../components/totals-line.tsx";
import { formatMoney, formatMonth, formatNumber, monthOf } from "../../format.ts";
import { useLabels } from "../../labels.ts";

export function EarningsPanel() {
  const { t, label, locale } = useLabels();
  const { meta } = useAppState();
  const id = useInstitutionId();
  const [month, setMonth] = useState(monthOf(meta.server_time));
  const statement = useApi<FurnisherStatement>(`/v1/billing/statements/furnishers/${id}?month=${month}`);
  const disclosures = useApi<{ items: FurnisherDisclosureRow[] }>(
    `/v1/furnishers/me/disclosures?month=${month}`,
  );
  return (
    <>
      <Section
        title={t("furnisher.earnings.heading")}
        intro={t("furnisher.earnings.intro")}
        testId="earnings"
        actions={
          <>
            <MonthPicker value={month} onChange={setMonth} />
            <button
              type="button"
              className="button-quiet"
              onClick={() =>
                void downloadText(
                  `/v1/billing/statements/furnishers/${id}?month=${month}&format=csv`,
                  `earnings-${id}-${month}.csv`,
                )
              }
            >
              {t("app.downloadCsv")}
            </button>
          </>
        }
      >
        <LoadedView loaded={statement}>
          {(data) => (
            <>
              <DataTable
                caption={t("furnisher.earnings.heading")}
                rows={data.lines}
                rowKey={(row) => `${row.lender_id}-${row.product}-${row.currency}`}
                empty={t("furnisher.earnings.empty")}
                columns={[
                  { header: t("furnisher.earnings.lender"), cell: (row) => row.lender_id },
                  { header: t("furnisher.earnings.product"), cell: (row) => label("product", row.product) },
                  {
                    header: t("furnisher.earnings.count"),
                    numeric: true,
                    cell: (row) => formatNumber(row.count, locale),
                  },
                  {
                    header: t("furnisher.earnings.earned"),
                    numeric: true,
                    cell: (row) => formatMoney(row.earned_minor, row.currency, locale),
                  },
                  {
                    header: t("furnisher.earnings.reversed"),
                    numeric: true,
                    cell: (row) => formatMoney(row.reversed_minor, row.currency, locale),
                  },
                  {
                    header: t("furnisher.earnings.net"),
                    numeric: true,
                    cell: (row) => formatMoney(row.net_minor, row.currency, locale),
                  },
                ]}
              />
              <TotalsLine totals={data.totals} />
            </>
          )}
        </LoadedView>
      </Section>
      <Section title={t("furnisher.earnings.disclosures")}>
        <LoadedView loaded={disclosures}>
          {({ items }) => (
            <DataTable
              caption={t("furnisher.earnings.disclosures")}
              rows={items}
              rowKey={(row) => `${row.lender}-${row.month}`}
              empty={t("furnisher.earnings.noDisclosures")}
              columns={[
                { header: t("app.month"), cell: (row) => formatMonth(row.month, locale) },
                { header: t("furnisher.earnings.lender"), cell: (row) => row.lender },
                {
                  header: t("furnisher.earnings.count"),
                  numeric: true,
                  cell: (row) => formatNumber(row.disclosures, locale),
                },
                {
                  header: t("furnisher.earnings.records"),
                  numeric: true,
                  cell: (row) => formatNumber(row.records, locale),
                },
              ]}
            />
          )}
        </LoadedView>
      </Section>
    </>
  );
}
