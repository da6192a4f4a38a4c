// A printable HTML rendering of a credit report: self-contained, no scripts, no external assets.
import type { CreditReport } from "./credit-report.ts";

const escapeHtml = (value: unknown): string =>
  String(value ?? "").replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );

const cellColours: Record<string, string> = {
  N: "#2e7d32",
  "1": "#f9a825",
  "2": "#ef6c00",
  "3": "#d84315",
  "4": "#c62828",
  "7": "#8e0000",
  B: "#4a0000",
  C: "#607d8b",
  "/": "#e0e0e0",
};

const money = (minor: unknown, currency: unknown) =>
  minor === null || minor === undefined
    ? "—"
    : `${(Number(minor) / 100).toFixed(2)} ${escapeHtml(currency ?? "")}`;

function furnisher(view: { masked: true; kind: string } | { id: string; name: string }): string {
  return "masked" in view ? `(another ${escapeHtml(view.kind)})` : escapeHtml(view.name);
}

export function renderReportHtml(report: CreditReport, title = "Credit report"): string {
  const accounts = (report.accounts ?? [])
    .map(
      (
        account,
      ) => `<section class="account"><h3>${escapeHtml(account.kind)} — ${furnisher(account.furnisher)}${account.disputed ? " <em>(disputed)</em>" : ""}</h3>
<p>Opened ${escapeHtml(account.opened_on)}${account.closed_on ? `, closed ${escapeHtml(account.closed_on)}` : ""}. Limit/principal ${money(account.credit_limit_minor ?? account.principal_minor, account.currency)}; balance ${money(account.balance_minor, account.currency)}; status ${escapeHtml(account.status ?? "—")}.</p>
<table class="grid"><tr>${account.payment_grid
        .map(
          (cell) =>
            `<td title="${escapeHtml(cell.period)} ${escapeHtml(cell.status ?? "no statement")}" style="background:${cellColours[cell.code] ?? "#9e9e9e"}">${escapeHtml(cell.code)}</td>`,
        )
        .join("")}</tr></table></section>`,
    )
    .join("\n");
  const negatives = (report.negative_events ?? [])
    .map(
      (event) =>
        `<li>${escapeHtml(event.period)} ${escapeHtml(event.status)} — ${escapeHtml(event.account_kind)}, ${furnisher(event.furnisher)}</li>`,
    )
    .join("");
  const alternative = (report.alternative_data ?? [])
    .map(
      (row) =>
        `<tr><td>${escapeHtml(row.category)}</td><td>${row.months_reported}</td><td>${row.events}</td><td>${row.on_time_share ?? "—"}</td></tr>`,
    )
    .join("");
  const inquiries = report.inquiries
    .map(
      (inquiry) =>
        `<li>${escapeHtml(inquiry.at.slice(0, 10))} ${furnisher(inquiry.institution)} — ${escapeHtml(inquiry.purpose)}</li>`,
    )
    .join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#111}table.grid td{width:1.6em;text-align:center;color:#fff;font-weight:bold}
section.account{border-top:1px solid #ccc;margin-top:1em}@media print{body{margin:0}}</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p>Generated ${escapeHtml(report.generated_at)}, data to ${escapeHtml(report.as_of_period)}.${report.subject ? ` Subject ${escapeHtml(report.subject.name)}, ${escapeHtml(report.subject.id_number)}.` : ""}</p>
${report.accounts ? `<h2>Accounts</h2>${accounts || "<p>No credit accounts.</p>"}` : ""}
${report.negative_events ? `<h2>Negative events</h2><ul>${negatives || "<li>None</li>"}</ul>` : ""}
${report.alternative_data ? `<h2>Alternative data (12 months)</h2><table><tr><th>Category</th><th>Months</th><th>Events</th><th>On-time share</th></tr>${alternative}</table>` : ""}
<h2>Inquiries (2 years)</h2><ul>${inquiries || "<li>None</li>"}</ul>
${report.personal_statements.length ? `<h2>Personal statements</h2>${report.personal_statements.map((s) => `<blockquote>${escapeHtml(s.text)}</blockquote>`).join("")}` : ""}
</body></html>`;
}
