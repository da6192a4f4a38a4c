// The payment grid of an account, as the central bank's reports print it: one cell per month, a letter or digit
// per status, coloured by how late the payment was, with a legend.
import { useTranslation } from "react-i18next";
import type { GridCell } from "../api/types.ts";
import { formatMonth } from "../format.ts";
import { useLabels } from "../labels.ts";

/** Grid codes in legend order, with the status each stands for (null: no statement that month). */
export const grid_legend: readonly { code: string; status: string | null }[] = [
  { code: "N", status: "current" },
  { code: "1", status: "late_1_30" },
  { code: "2", status: "late_31_60" },
  { code: "3", status: "late_61_90" },
  { code: "4", status: "late_91_180" },
  { code: "7", status: "late_180_plus" },
  { code: "B", status: "charged_off" },
  { code: "C", status: "closed" },
  { code: "/", status: null },
];

function cellClass(code: string): string {
  const known = grid_legend.some((entry) => entry.code === code);
  return `grid-cell grid-${known ? (code === "/" ? "none" : code) : "unknown"}`;
}

export function PaymentGrid(props: { cells: readonly GridCell[]; account: string }) {
  const { t, label, locale } = useLabels();
  return (
    <figure className="payment-grid">
      <figcaption className="visually-hidden">
        {t("report.gridCaption", { account: props.account })}
      </figcaption>
      <ol className="grid-cells">
        {props.cells.map((cell) => {
          const meaning = cell.status ? label("statementStatus", cell.status) : t("report.legendNoData");
          const text = `${formatMonth(cell.period, locale)}: ${meaning}${cell.disputed ? ` (${t("report.disputed")})` : ""}`;
          return (
            <li
              key={cell.period}
              className={`${cellClass(cell.code)}${cell.disputed ? " grid-disputed" : ""}`}
              title={text}
              data-code={cell.code}
            >
              <span aria-hidden="true">{cell.code}</span>
              <span className="visually-hidden">{text}</span>
            </li>
          );
        })}
      </ol>
      <div className="grid-span" aria-hidden="true">
        <span>{props.cells[0] ? formatMonth(props.cells[0].period, locale) : ""}</span>
        <span>{props.cells.at(-1) ? formatMonth(props.cells.at(-1)?.period ?? "", locale) : ""}</span>
      </div>
    </figure>
  );
}

export function GridLegend() {
  const { t } = useTranslation();
  const { label } = useLabels();
  return (
    <div className="grid-legend">
      <h3 className="legend-title">{t("report.legend")}</h3>
      <ul>
        {grid_legend.map((entry) => (
          <li key={entry.code}>
            <span className={cellClass(entry.code)} aria-hidden="true">
              {entry.code}
            </span>
            {entry.status ? label("statementStatus", entry.status) : t("report.legendNoData")}
          </li>
        ))}
      </ul>
    </div>
  );
}
