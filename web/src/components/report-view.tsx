// A credit report laid out for a person to read: who it is about, a summary, each account with its payment grid,
// late payments, alternative data, who asked, disputes and statements. The person's own copy offers a Dispute
// button on each item.
import type { CreditReport, ReportAccount } from "../api/types.ts";
import { useAppState } from "../app-state.ts";
import {
  formatDate,
  formatDateTime,
  formatMoney,
  formatMonth,
  formatNumber,
  formatShare,
} from "../format.ts";
import { useLabels } from "../labels.ts";
import { Badge } from "./badge.tsx";
import { DataTable } from "./data-table.tsx";
import { GridLegend, PaymentGrid } from "./payment-grid.tsx";
import { Section } from "./section.tsx";

export interface DisputeTarget {
  readonly item: string;
  readonly label: string;
}

interface ReportViewProps {
  readonly report: CreditReport;
  /** Offered on the person's own report: opens a dispute about the item. */
  readonly onDispute?: (target: DisputeTarget) => void;
}

function statusTone(status: string | null): "good" | "warn" | "bad" | "neutral" {
  if (status === "current") return "good";
  if (status === "closed" || status === null) return "neutral";
  if (status === "late_1_30" || status === "late_31_60") return "warn";
  return "bad";
}

function AccountCard(props: { account: ReportAccount; onDispute?: ReportViewProps["onDispute"] }) {
  const { t, label, locale, furnisher } = useLabels();
  const account = props.account;
  const title = `${label("accountKind", account.kind)} · ${furnisher(account.furnisher)}`;
  const money = (minor: ReportAccount["balance_minor"]) => formatMoney(minor, account.currency, locale);
  return (
    <article className="account" data-testid="account">
      <header className="account-head">
        <h3>
          {title}
          {account.account_ref && <span className="muted"> · {account.account_ref}</span>}
        </h3>
        <div className="account-badges">
          <Badge tone={statusTone(account.status)}>{label("statementStatus", account.status)}</Badge>
          {account.disputed && <Badge tone="info">{t("report.disputed")}</Badge>}
          {props.onDispute && (
            <button
              type="button"
              className="button-small"
              onClick={() => props.onDispute?.({ item: account.item, label: title })}
            >
              {t("report.dispute")}
            </button>
          )}
        </div>
      </header>
      <dl className="facts">
        <div>
          <dt>{t("report.opened")}</dt>
          <dd>{formatDate(account.opened_on, locale)}</dd>
        </div>
        {account.closed_on && (
          <div>
            <dt>{t("report.closed")}</dt>
            <dd>{formatDate(account.closed_on, locale)}</dd>
          </div>
        )}
        {account.credit_limit_minor !== null && (
          <div>
            <dt>{t("report.limit")}</dt>
            <dd>{money(account.credit_limit_minor)}</dd>
          </div>
        )}
        {account.principal_minor !== null && (
          <div>
            <dt>{t("report.principal")}</dt>
            <dd>
              {money(account.principal_minor)}
              {account.term_months !== null && ` · ${t("report.term", { months: account.term_months })}`}
            </dd>
          </div>
        )}
        <div>
          <dt>{t("report.balance")}</dt>
          <dd>{money(account.balance_minor)}</dd>
        </div>
        <div>
          <dt>{t("report.pastDue")}</dt>
          <dd>{money(account.past_due_minor)}</dd>
        </div>
      </dl>
      <h4 className="grid-title">{t("report.grid")}</h4>
      <PaymentGrid cells={account.payment_grid} account={title} />
    </article>
  );
}

export function ReportView(props: ReportViewProps) {
  const { t, label, locale, furnisher } = useLabels();
  const { meta } = useAppState();
  const report = props.report;
  const covers = (category: string) => (report.categories as string[]).includes(category);
  return (
    <div className="report" data-testid="report">
      <Section
        title={t("report.heading")}
        intro={t("report.generated", {
          at: formatDateTime(report.generated_at, locale),
          period: formatMonth(report.as_of_period, locale),
        })}
      >
        {report.subject && (
          <dl className="facts">
            <div>
              <dt>{t("report.subject")}</dt>
              <dd>{report.subject.name}</dd>
            </div>
            <div>
              <dt>{t("report.idNumber")}</dt>
              <dd>
                {label("idType", report.subject.id_type)} {report.subject.id_number}
              </dd>
            </div>
            {report.subject.birth_year && (
              <div>
                <dt>{t("report.birthYear")}</dt>
                <dd>{report.subject.birth_year}</dd>
              </div>
            )}
          </dl>
        )}
        {report.summary && (
          <ul className="stats" aria-label={t("report.summary")}>
            <li>
              <span className="stat-value">{report.summary.accounts_open}</span>
              <span className="stat-label">{t("report.accountsOpen")}</span>
            </li>
            <li>
              <span className="stat-value">{report.summary.accounts_total}</span>
              <span className="stat-label">{t("report.accountsTotal")}</span>
            </li>
            <li className={report.summary.negative_events > 0 ? "stat-bad" : undefined}>
              <span className="stat-value">{report.summary.negative_events}</span>
              <span className="stat-label">{t("report.negativeCount")}</span>
            </li>
            <li>
              <span className="stat-value">{report.inquiries.length}</span>
              <span className="stat-label">{t("report.inquiryCount")}</span>
            </li>
          </ul>
        )}
      </Section>

      <Section title={t("report.accounts")}>
        {!covers("credit_accounts") ? (
          <p className="empty">{t("report.notCovered")}</p>
        ) : report.accounts && report.accounts.length > 0 ? (
          <>
            {report.accounts.map((account) => (
              <AccountCard key={account.item} account={account} onDispute={props.onDispute} />
            ))}
            <GridLegend />
          </>
        ) : (
          <p className="empty">{t("report.noAccounts")}</p>
        )}
      </Section>

      {covers("credit_accounts") && (
        <Section title={t("report.negative")}>
          <DataTable
            caption={t("report.negative")}
            rows={report.negative_events ?? []}
            rowKey={(event) => event.item}
            empty={t("report.noNegative")}
            testId="negative-events"
            columns={[
              { header: t("report.period"), cell: (event) => formatMonth(event.period, locale) },
              {
                header: t("report.status"),
                cell: (event) => (
                  <>
                    <Badge tone={statusTone(event.status)}>{label("statementStatus", event.status)}</Badge>
                    {event.disputed && <Badge tone="info">{t("report.disputed")}</Badge>}
                  </>
                ),
              },
              { header: t("report.account"), cell: (event) => label("accountKind", event.account_kind) },
              { header: t("report.furnisher"), cell: (event) => furnisher(event.furnisher) },
              {
                header: t("report.daysPastDue"),
                numeric: true,
                cell: (event) => formatNumber(event.days_past_due, locale),
              },
              { header: t("report.notified"), cell: (event) => formatDate(event.notified_on, locale) },
              ...(props.onDispute
                ? [
                    {
                      header: t("report.dispute"),
                      cell: (event: NonNullable<CreditReport["negative_events"]>[number]) => (
                        <button
                          type="button"
                          className="button-small"
                          onClick={() =>
                            props.onDispute?.({
                              item: event.item,
                              label: `${label("statementStatus", event.status)} · ${formatMonth(event.period, locale)}`,
                            })
                          }
                        >
                          {t("report.dispute")}
                        </button>
                      ),
                    },
                  ]
                : []),
            ]}
          />
        </Section>
      )}

      <Section title={t("report.alternative")}>
        {!covers("alternative_data") ? (
          <p className="empty">{t("report.notCovered")}</p>
        ) : (
          <DataTable
            caption={t("report.alternative")}
            rows={report.alternative_data ?? []}
            rowKey={(row) => row.category}
            empty={t("report.noAlternative")}
            columns={[
              { header: t("report.activityCategory"), cell: (row) => label("activity", row.category) },
              { header: t("report.monthsReported"), numeric: true, cell: (row) => row.months_reported },
              { header: t("report.events"), numeric: true, cell: (row) => formatNumber(row.events, locale) },
              {
                header: t("report.amount"),
                numeric: true,
                cell: (row) => formatMoney(row.amount_minor, meta.currency, locale),
              },
              {
                header: t("report.onTime"),
                numeric: true,
                cell: (row) => formatShare(row.on_time_share, locale),
              },
              { header: t("report.furnisher"), cell: (row) => row.furnishers.map(furnisher).join(", ") },
            ]}
          />
        )}
      </Section>

      <Section title={t("report.inquiries")}>
        <DataTable
          caption={t("report.inquiries")}
          rows={report.inquiries}
          rowKey={(row, index) => `${row.at}-${index}`}
          empty={t("report.noInquiries")}
          columns={[
            { header: t("report.at"), cell: (row) => formatDateTime(row.at, locale) },
            { header: t("report.institution"), cell: (row) => furnisher(row.institution) },
            { header: t("report.purpose"), cell: (row) => label("purpose", row.purpose) },
            { header: t("report.product"), cell: (row) => label("product", row.product) },
          ]}
        />
      </Section>

      {(report.disputes.length > 0 || report.personal_statements.length > 0) && (
        <Section title={t("report.disputes")}>
          <ul className="plain-list">
            {report.disputes.map((dispute) => (
              <li key={dispute.item}>
                <Badge tone="info">{label("disputeStatus", dispute.status)}</Badge>{" "}
                <code>{dispute.item}</code> {formatDate(dispute.opened_at, locale)}
                {dispute.reason && <q>{dispute.reason}</q>}
              </li>
            ))}
          </ul>
          {report.personal_statements.length > 0 && (
            <>
              <h3>{t("report.statements")}</h3>
              {report.personal_statements.map((statement) => (
                <blockquote key={statement.added_at}>{statement.text}</blockquote>
              ))}
            </>
          )}
        </Section>
      )}
    </div>
  );
}
