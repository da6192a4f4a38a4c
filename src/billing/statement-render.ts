// Statements as CSV (one line per statement line, amounts in minor units) and as a printable,
// self-contained HTML page (no scripts, no external assets), and the JSON form with amounts as strings.
import type { BillingTotals, FurnisherStatement, InstitutionTotal, LenderStatement } from "./statements.ts";

/** JSON for billing answers: minor units as decimal strings, since JSON numbers cannot hold every bigint. */
export function billingJson(value: unknown): string {
  return JSON.stringify(value, (_key, field) => (typeof field === "bigint" ? field.toString() : field));
}

function csvCell(value: string | number | bigint | null): string {
  const text = value === null ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csv(
  header: readonly string[],
  rows: readonly (readonly (string | number | bigint | null)[])[],
): string {
  return [header, ...rows].map((row) => `${row.map(csvCell).join(",")}\r\n`).join("");
}

export function lenderStatementCsv(statement: LenderStatement): string {
  return csv(
    [
      "month",
      "lender_id",
      "product",
      "currency",
      "count",
      "free_count",
      "gross_minor",
      "refund_count",
      "refunds_minor",
      "net_minor",
    ],
    statement.lines.map((line) => [
      statement.month,
      statement.institution_id,
      line.product,
      line.currency,
      line.count,
      line.free_count,
      line.gross_minor,
      line.refund_count,
      line.refunds_minor,
      line.net_minor,
    ]),
  );
}

export function furnisherStatementCsv(statement: FurnisherStatement): string {
  return csv(
    [
      "month",
      "furnisher_id",
      "lender_id",
      "product",
      "currency",
      "count",
      "earned_minor",
      "reversal_count",
      "reversed_minor",
      "net_minor",
    ],
    statement.lines.map((line) => [
      statement.month,
      statement.institution_id,
      line.lender_id,
      line.product,
      line.currency,
      line.count,
      line.earned_minor,
      line.reversal_count,
      line.reversed_minor,
      line.net_minor,
    ]),
  );
}

export function totalsCsv(totals: BillingTotals): string {
  const row = (role: string, total: Omit<InstitutionTotal, "institution_id">, id: string | null) => [
    totals.month,
    role,
    id,
    total.currency,
    total.count,
    total.gross_minor,
    total.refund_count,
    total.refunds_minor,
    total.net_minor,
  ];
  return csv(
    [
      "month",
      "role",
      "institution_id",
      "currency",
      "count",
      "gross_minor",
      "refund_count",
      "refunds_minor",
      "net_minor",
    ],
    [
      ...totals.lenders.map((total) => row("lender", total, total.institution_id)),
      ...totals.furnishers.map((total) => row("furnisher", total, total.institution_id)),
      ...totals.bureau.map((total) => row("bureau", total, null)),
    ],
  );
}

const escapeHtml = (value: unknown): string =>
  String(value ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );

const fraction_digits = new Map<string, number>();

/** Minor units as a decimal amount of the currency (130 CNY minor → "1.30 CNY"), exact at any size. */
export function formatMinor(amount_minor: bigint, currency: string): string {
  let digits = fraction_digits.get(currency);
  if (digits === undefined) {
    digits =
      new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ??
      2;
    fraction_digits.set(currency, digits);
  }
  const sign = amount_minor < 0n ? "-" : "";
  const text = (amount_minor < 0n ? -amount_minor : amount_minor).toString().padStart(digits + 1, "0");
  const whole = text.slice(0, text.length - digits).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}${whole}${digits > 0 ? `.${text.slice(text.length - digits)}` : ""} ${currency}`;
}

/** Counts and amounts are right-aligned so their digits line up. */
const numeric = /^-?[\d,.]+( [A-Z]{3})?$/;

function table(header: readonly string[], rows: readonly (readonly string[])[], empty: string): string {
  if (rows.length === 0) return `<p class="empty">${escapeHtml(empty)}</p>`;
  const head = header.map((cell) => `<th>${escapeHtml(cell)}</th>`).join("");
  const body = rows
    .map(
      (row) =>
        `<tr>${row.map((cell) => `<td${numeric.test(cell) ? ' class="n"' : ""}>${escapeHtml(cell)}</td>`).join("")}</tr>`,
    )
    .join("\n");
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function page(title: string, subtitle: string, sections: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#111}table{border-collapse:collapse;margin:.5em 0 1.5em}
th,td{border-bottom:1px solid #ccc;padding:.3em .8em;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
p.note{color:#555}@media print{body{margin:0}}</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(subtitle)}</p>
${sections}
</body></html>`;
}

function accruedTable(totals: LenderStatement["totals"], accrued_label: string): string {
  return table(
    ["Currency", "Gross", "Refunds", "Net", accrued_label],
    totals.map((total) => [
      total.currency,
      formatMinor(total.gross_minor, total.currency),
      formatMinor(total.refunds_minor, total.currency),
      formatMinor(total.net_minor, total.currency),
      formatMinor(total.accrued_minor, total.currency),
    ]),
    "No account yet.",
  );
}

const foldNote = (folded_through: number) =>
  `<p class="note">Includes every disclosure in the log below entry ${folded_through}. Charges are dated by the disclosure, refunds by the day they were booked.</p>`;

export function lenderStatementHtml(statement: LenderStatement): string {
  const lines = table(
    ["Product", "Charged", "Free repeats", "Gross", "Refunds", "Refunded", "Net"],
    statement.lines.map((line) => [
      line.product,
      String(line.count),
      String(line.free_count),
      formatMinor(line.gross_minor, line.currency),
      String(line.refund_count),
      formatMinor(line.refunds_minor, line.currency),
      formatMinor(line.net_minor, line.currency),
    ]),
    "No disclosures or refunds in this month.",
  );
  return page(
    `Statement ${statement.month}: ${statement.institution_name}`,
    `Charges to lender ${statement.institution_id} for disclosures in ${statement.month} (UTC).`,
    `<h2>Charges by product</h2>${lines}<h2>Totals</h2>${accruedTable(statement.totals, "Owed at month end")}${foldNote(statement.folded_through)}`,
  );
}

export function furnisherStatementHtml(statement: FurnisherStatement): string {
  const lines = table(
    ["Lender", "Product", "Disclosures", "Earned", "Reversals", "Reversed", "Net"],
    statement.lines.map((line) => [
      line.lender_id,
      line.product,
      String(line.count),
      formatMinor(line.earned_minor, line.currency),
      String(line.reversal_count),
      formatMinor(line.reversed_minor, line.currency),
      formatMinor(line.net_minor, line.currency),
    ]),
    "No earnings in this month.",
  );
  return page(
    `Earnings ${statement.month}: ${statement.institution_name}`,
    `Revenue share earned by furnisher ${statement.institution_id} from disclosures in ${statement.month} (UTC).`,
    `<h2>Earnings by lender and product</h2>${lines}<h2>Totals</h2>${accruedTable(statement.totals, "Payable at month end")}${foldNote(statement.folded_through)}`,
  );
}

export function totalsHtml(totals: BillingTotals): string {
  const rows = (list: readonly InstitutionTotal[]) =>
    list.map((total) => [
      total.institution_id,
      String(total.count),
      formatMinor(total.gross_minor, total.currency),
      String(total.refund_count),
      formatMinor(total.refunds_minor, total.currency),
      formatMinor(total.net_minor, total.currency),
    ]);
  const header = ["Institution", "Count", "Gross", "Refunds", "Refunded", "Net"];
  const balance = table(
    ["Currency", "Sum of the month's postings"],
    totals.balance.map((row) => [row.currency, formatMinor(row.total_minor, row.currency)]),
    "Nothing was booked in this month.",
  );
  return page(
    `Billing totals ${totals.month}`,
    `Charges, revenue share and bureau revenue of the exchange in ${totals.month} (UTC).`,
    `<h2>Lenders</h2>${table(header, rows(totals.lenders), "No charges.")}
<h2>Furnishers</h2>${table(header, rows(totals.furnishers), "No earnings.")}
<h2>Bureau</h2>${table(header, rows(totals.bureau.map((total) => ({ ...total, institution_id: "bureau" }))), "No revenue.")}
<h2>Balance</h2>${balance}${foldNote(totals.folded_through)}`,
  );
}
