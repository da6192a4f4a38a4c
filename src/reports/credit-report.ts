// Assembles a credit report from a subject's file: accounts with payment grids, negative events, alternative
// data, inquiries and annotations, showing only what the consent covers and masking rival furnishers.
import type { Category } from "../consent/consents.ts";
import type { CreditFile, FileAccount, FileStatement } from "../furnishing/credit-file.ts";
import { maskIdentifier, maskName, type PersonalData } from "../identity/vault.ts";

export const grid_months = 24;
export const alternative_months = 12;
export const inquiry_years = 2;

/** The oldest inquiry a report at `now` lists. */
export function inquiriesShownSince(now: Date): Date {
  return new Date(now.getTime() - inquiry_years * 365.25 * 86_400_000);
}

/** One cell of the payment grid, in the notation of the central bank's reports. */
export const gridCodes: Record<string, string> = {
  current: "N",
  late_1_30: "1",
  late_31_60: "2",
  late_61_90: "3",
  late_91_180: "4",
  late_180_plus: "7",
  charged_off: "B",
  closed: "C",
};
const negative = new Set([
  "late_1_30",
  "late_31_60",
  "late_61_90",
  "late_91_180",
  "late_180_plus",
  "charged_off",
]);

export type FurnisherView = { id: string; name: string } | { masked: true; kind: string };

export interface ReportViewer {
  /** The querying lender, or null when the subject reads their own report. */
  readonly institution_id: string | null;
  readonly is_furnisher: boolean;
}

export interface ReportOptions {
  readonly viewer: ReportViewer;
  readonly categories: readonly Category[];
  readonly mask_competing_furnishers: boolean;
  readonly institutions: ReadonlyMap<string, { name: string; kind: string }>;
  readonly now: Date;
}

export interface ReportAnnotations {
  readonly disputes: readonly { item: string; status: string; opened_at: string; reason?: string }[];
  readonly personal_statements: readonly { text: string; added_at: string }[];
  /** Items suppressed while a dispute is unanswered past its deadline; keys as in `disputes[].item`. */
  readonly suppressed_items: ReadonlySet<string>;
}

export interface InquiryView {
  readonly at: string;
  readonly institution: FurnisherView;
  readonly purpose: string;
  readonly product: string;
}

export const noAnnotations: ReportAnnotations = {
  disputes: [],
  personal_statements: [],
  suppressed_items: new Set(),
};

/** Months from `last` backwards, oldest first, as YYYY-MM. */
export function monthsEnding(last: string, count: number): string[] {
  const [year, month] = last.split("-").map(Number) as [number, number];
  const months: string[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const index = year * 12 + (month - 1) - i;
    months.push(`${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`);
  }
  return months;
}

/** The last complete month before `now`, YYYY-MM. */
export function lastCompleteMonth(now: Date): string {
  return monthsEnding(now.toISOString().slice(0, 7), 2)[0] as string;
}

export function accountItemKey(account: Pick<FileAccount, "furnisher_id" | "account_ref">): string {
  return `account:${account.furnisher_id}:${account.account_ref}`;
}
export function statementItemKey(
  statement: Pick<FileStatement, "furnisher_id" | "account_ref" | "period">,
): string {
  return `statement:${statement.furnisher_id}:${statement.account_ref}:${statement.period}`;
}

function furnisherView(id: string, options: ReportOptions): FurnisherView {
  const institution = options.institutions.get(id);
  const kind = institution?.kind ?? "unknown";
  const viewer = options.viewer;
  // A lender that furnishes too must not learn which rival holds its customers' accounts.
  if (
    options.mask_competing_furnishers &&
    viewer.institution_id !== null &&
    viewer.is_furnisher &&
    id !== viewer.institution_id
  ) {
    return { masked: true, kind };
  }
  return { id, name: institution?.name ?? id };
}

export function assembleReport(
  file: CreditFile,
  identity: PersonalData | undefined,
  inquiries: readonly { at: Date; institution_id: string; purpose: string; product: string }[],
  annotations: ReportAnnotations,
  options: ReportOptions,
) {
  const lastMonth = lastCompleteMonth(options.now);
  const months = monthsEnding(lastMonth, grid_months);
  const disputed = new Map(annotations.disputes.map((dispute) => [dispute.item, dispute]));
  const statementsByAccount = new Map<string, FileStatement[]>();
  for (const statement of file.statements) {
    if (annotations.suppressed_items.has(statementItemKey(statement))) continue;
    const key = accountItemKey(statement);
    const list = statementsByAccount.get(key) ?? [];
    list.push(statement);
    statementsByAccount.set(key, list);
  }

  const accounts = options.categories.includes("credit_accounts")
    ? file.accounts
        .filter((account) => !annotations.suppressed_items.has(accountItemKey(account)))
        .map((account) => {
          const key = accountItemKey(account);
          const statements = statementsByAccount.get(key) ?? [];
          const byPeriod = new Map(statements.map((statement) => [statement.period, statement]));
          const latest = statements.at(-1);
          return {
            item: key,
            furnisher: furnisherView(account.furnisher_id, options),
            kind: account.kind,
            account_ref:
              account.furnisher_id === options.viewer.institution_id || options.viewer.institution_id === null
                ? account.account_ref
                : undefined,
            opened_on: account.opened_on,
            closed_on: account.closed_on,
            currency: account.currency,
            credit_limit_minor: account.credit_limit_minor,
            principal_minor: account.principal_minor,
            term_months: account.term_months,
            balance_minor: latest?.balance_minor ?? null,
            past_due_minor: latest?.past_due_minor ?? null,
            status: latest?.status ?? null,
            last_period: latest?.period ?? null,
            disputed: disputed.has(key),
            payment_grid: months.map((period) => {
              const statement = byPeriod.get(period);
              return {
                period,
                code: statement?.status ? (gridCodes[statement.status] ?? "#") : "/",
                status: statement?.status ?? null,
                disputed: statement ? disputed.has(statementItemKey(statement)) : false,
              };
            }),
          };
        })
    : undefined;

  const negative_events = options.categories.includes("credit_accounts")
    ? file.statements
        .filter((statement) => statement.status && negative.has(statement.status))
        .filter((statement) => !annotations.suppressed_items.has(statementItemKey(statement)))
        .map((statement) => {
          const account = file.accounts.find(
            (candidate) =>
              candidate.furnisher_id === statement.furnisher_id &&
              candidate.account_ref === statement.account_ref,
          );
          return {
            item: statementItemKey(statement),
            period: statement.period,
            status: statement.status,
            days_past_due: statement.days_past_due,
            past_due_minor: statement.past_due_minor,
            account_kind: account?.kind ?? null,
            furnisher: furnisherView(statement.furnisher_id, options),
            notified_on: statement.notified_on,
            disputed: disputed.has(statementItemKey(statement)),
          };
        })
    : undefined;

  const alternativeMonths = new Set(monthsEnding(lastMonth, alternative_months));
  const alternative_data = options.categories.includes("alternative_data")
    ? summariseActivities(
        file.activities.filter((activity) => alternativeMonths.has(activity.period)),
        options,
      )
    : undefined;

  const inquirySince = inquiriesShownSince(options.now);
  return {
    generated_at: options.now.toISOString(),
    as_of_period: lastMonth,
    categories: [...options.categories],
    subject: identity
      ? {
          name: maskName(identity.name),
          id_type: identity.id_type,
          id_number: maskIdentifier(identity.id_number),
          birth_year: identity.birth_date?.slice(0, 4) ?? null,
        }
      : null,
    summary: accounts
      ? {
          accounts_open: accounts.filter((account) => !account.closed_on && account.status !== "closed")
            .length,
          accounts_total: accounts.length,
          accounts_by_kind: countBy(accounts.map((account) => account.kind)),
          negative_events: negative_events?.length ?? 0,
        }
      : undefined,
    accounts,
    negative_events,
    alternative_data,
    inquiries: inquiries
      .filter((inquiry) => inquiry.at >= inquirySince)
      .map(
        (inquiry): InquiryView => ({
          at: inquiry.at.toISOString(),
          institution: furnisherView(inquiry.institution_id, {
            ...options,
            mask_competing_furnishers: false,
          }),
          purpose: inquiry.purpose,
          product: inquiry.product,
        }),
      ),
    disputes: annotations.disputes,
    personal_statements: annotations.personal_statements,
  };
}

export type CreditReport = ReturnType<typeof assembleReport>;

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

function summariseActivities(activities: CreditFile["activities"], options: ReportOptions) {
  const byCategory = new Map<string, CreditFile["activities"]>();
  for (const activity of activities) {
    const list = byCategory.get(activity.category) ?? [];
    list.push(activity);
    byCategory.set(activity.category, list);
  }
  return [...byCategory.entries()].map(([category, list]) => {
    const shares = list
      .map((activity) => activity.on_time_share)
      .filter((share): share is number => share !== null);
    return {
      category,
      months_reported: new Set(list.map((activity) => activity.period)).size,
      events: list.reduce((sum, activity) => sum + (activity.count ?? 0), 0),
      amount_minor: list.reduce((sum, activity) => sum + (activity.amount_minor ?? 0n), 0n),
      on_time_share: shares.length
        ? Math.round((shares.reduce((a, b) => a + b, 0) / shares.length) * 1000) / 1000
        : null,
      furnishers: [...new Set(list.map((activity) => activity.furnisher_id))].map((id) =>
        furnisherView(id, options),
      ),
    };
  });
}
