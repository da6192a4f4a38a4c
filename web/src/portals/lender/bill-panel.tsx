// The lender's bill for a month: queries by product, free ones, charges, refunds and the net amount.
import { useState } from "react";
import { downloadText } from "../../api/client.ts";
import type { LenderStatement } from "../../api/types.ts";
import { useApi } from "../../api/use-api.ts";
import { useAppState, useInstitutionId } from "../../app-state.ts";
import { DataTable } from "../../components/data-table.tsx";
import { LoadedView } from "../../components/loaded.tsx";
import { MonthPicker } from "../../components/month-picker.tsx";
import { Section } from "../../components/section.tsx";
import { TotalsLine } from "../../components/totals-line.tsx";
import { formatMoney, formatNumber, monthOf } from "../../format.ts";
import { useLabels } from "../../labels.ts";

export function BillPanel() {
  const { t, label, locale } = useLabels();
  const { meta } = useAppState();
  const id = useInstitutionId();
  const [month, setMonth] = useState(monthOf(meta.server_time));
  const statement = useApi<LenderStatement>(`/v1/billing/statements/lenders/${id}?month=${month}`);
  return (
    <Section
      title={t("lender.bill.heading")}
      testId="bill"
      actions={
        <>
          <MonthPicker value={month} onChange={setMonth} />
          <button
            type="button"
            className="button-quiet"
            onClick={() =>
              void downloadText(
                `/v1/billing/statements/lenders/${id}?month=${month}&format=csv`,
                `statement-${id}-${month}.csv`,
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
              caption={t("lender.bill.heading")}
              rows={data.lines}
              rowKey={(row) => `${row.product}-${row.currency}`}
              empty={t("lender.bill.empty")}
              columns={[
                { header: t("lender.bill.product"), cell: (row) => label("product", row.product) },
                {
                  header: t("lender.bill.count"),
                  numeric: true,
                  cell: (row) => formatNumber(row.count, locale),
                },
                {
                  header: t("lender.bill.free"),
                  numeric: true,
                  cell: (row) => formatNumber(row.free_count, locale),
                },
                {
                  header: t("lender.bill.gross"),
                  numeric: true,
                  cell: (row) => formatMoney(row.gross_minor, row.currency, locale),
                },
                {
                  header: t("lender.bill.refunds"),
                  numeric: true,
                  cell: (row) => formatMoney(row.refunds_minor, row.currency, locale),
                },
                {
                  header: t("lender.bill.net"),
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
  );
}
