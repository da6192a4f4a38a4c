// The bureau features of one subject at a point in time, computed from their credit file and inquiry times.
import assert from "node:assert/strict";
import type { FileAccount, FileActivity, FileStatement } from "../furnishing/index.ts";
import {
  type AccountKind,
  account_kinds,
  bureau_features,
  everyday_spending_categories,
  feature_window_months,
  thin_file_feature_names,
} from "./bureau-features.ts";

// What the features read of a credit file; a whole CreditFile fits, and so does the batch loader's
// narrower rows.
export type FeatureFile = {
  readonly accounts: readonly Pick<
    FileAccount,
    "furnisher_id" | "account_ref" | "kind" | "opened_on" | "closed_on" | "credit_limit_minor"
  >[];
  readonly statements: readonly Pick<
    FileStatement,
    "furnisher_id" | "account_ref" | "period" | "balance_minor" | "days_past_due" | "status"
  >[];
  readonly activities: readonly Pick<
    FileActivity,
    "category" | "period" | "count" | "amount_minor" | "on_time_share"
  >[];
};

// One value per bureau feature; null means missing (no data for it), which the scorecard bins apart.
export type FeatureValues = Record<string, number | null>;

// Whole months as integers (year * 12 + month - 1), so that windows are plain subtraction.
export function monthIndex(period: string): number {
  return Number(period.slice(0, 4)) * 12 + Number(period.slice(5, 7)) - 1;
}

export function monthIndexOfDate(date: Date): number {
  return date.getUTCFullYear() * 12 + date.getUTCMonth();
}

// The first month (YYYY-MM) of the window the features at `as_of` may see.
export function featureWindowStart(as_of: Date): string {
  const first = monthIndexOfDate(as_of) - feature_window_months;
  return `${Math.floor(first / 12)}-${String((first % 12) + 1).padStart(2, "0")}`;
}

const months_per_year = 12;

// The same instant `months` calendar months earlier (the day is capped at the shorter month's end).
export function monthsBefore(date: Date, months: number): Date {
  const target = new Date(date.getTime());
  const day = target.getUTCDate();
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() - months);
  const last_day = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, last_day));
  return target;
}

// Whole months from one YYYY-MM-DD date to another.
function wholeMonths(from_day: string, to_day: string): number {
  const months = monthIndex(to_day) - monthIndex(from_day);
  return Number(to_day.slice(8, 10)) < Number(from_day.slice(8, 10)) ? months - 1 : months;
}

// Days-past-due bucket: 0 none, 1: 1-29, 2: 30-59, 3: 60-89, 4: 90 or more (and charged off).
export function delinquencyBucket(statement: Pick<FileStatement, "days_past_due" | "status">): number {
  if (statement.status === "charged_off") return 4;
  const days = statement.days_past_due ?? 0;
  if (days >= 90) return 4;
  if (days >= 60) return 3;
  if (days >= 30) return 2;
  return days >= 1 ? 1 : 0;
}

const serious_bucket_min = 2;

// Accounts the bureau knew of at `as_of`: opened before it. Tombstones never reach a file.
function accountsAt(file: FeatureFile, as_of_day: string): FeatureFile["accounts"] {
  return file.accounts.filter((account) => account.opened_on !== null && account.opened_on < as_of_day);
}

// Whether the subject held any credit account, open or since closed, before `as_of`: the test that
// routes a subject to the full scorecard rather than the thin-file one.
export function hasCreditAccounts(file: FeatureFile, as_of: Date): boolean {
  return accountsAt(file, as_of.toISOString().slice(0, 10)).length > 0;
}

const accountKey = (row: { furnisher_id: string; account_ref: string }) =>
  `${row.furnisher_id}\u0000${row.account_ref}`;

export function bureauFeaturesAt(
  file: FeatureFile,
  inquiry_times: readonly Date[],
  as_of: Date,
): FeatureValues {
  const as_of_day = as_of.toISOString().slice(0, 10);
  const as_of_month = monthIndexOfDate(as_of);
  const first_month = as_of_month - feature_window_months;
  const values: FeatureValues = {
    ...creditFeatures(file, as_of_day, as_of_month, first_month),
    ...inquiryFeatures(inquiry_times, as_of),
    ...alternativeFeatures(file, as_of_month, first_month),
  };
  assert.equal(Object.keys(values).length, bureau_features.length, "every bureau feature has a value");
  return values;
}

function creditFeatures(
  file: FeatureFile,
  as_of_day: string,
  as_of_month: number,
  first_month: number,
): FeatureValues {
  const accounts = accountsAt(file, as_of_day);
  const known = new Set(accounts.map(accountKey));
  // The latest statement of each account before the observation month, and the delinquency features.
  const latest = new Map<string, FeatureFile["statements"][number]>();
  let worst_12m: number | null = null;
  let worst_3m: number | null = null;
  let last_serious_month: number | null = null;
  for (const statement of file.statements) {
    const month = monthIndex(statement.period);
    if (month >= as_of_month || month < first_month) continue;
    const key = accountKey(statement);
    if (!known.has(key)) continue;
    const previous = latest.get(key);
    if (previous === undefined || previous.period < statement.period) latest.set(key, statement);
    const bucket = delinquencyBucket(statement);
    if (month >= as_of_month - months_per_year) worst_12m = Math.max(worst_12m ?? 0, bucket);
    if (month >= as_of_month - 3) worst_3m = Math.max(worst_3m ?? 0, bucket);
    if (bucket >= serious_bucket_min) last_serious_month = Math.max(last_serious_month ?? month, month);
  }
  const counts = new Map<string, number>(account_kinds.map((kind) => [kind, 0]));
  let limit_total = 0;
  let revolving_balance = 0;
  let balance_total: number | null = null;
  const exposure: Record<"bnpl" | "micro_loan", number | null> = { bnpl: null, micro_loan: null };
  let opened_first: string | null = null;
  for (const account of accounts) {
    const opened_on = account.opened_on as string;
    if (opened_first === null || opened_on < opened_first) opened_first = opened_on;
    const statement = latest.get(accountKey(account));
    const closed =
      (account.closed_on !== null && account.closed_on < as_of_day) || statement?.status === "closed";
    if (closed) continue;
    const kind = account.kind as AccountKind;
    if (counts.has(kind)) counts.set(kind, (counts.get(kind) as number) + 1);
    if (statement === undefined || statement.balance_minor === null) continue;
    const balance = Number(statement.balance_minor);
    balance_total = (balance_total ?? 0) + balance;
    if (kind === "bnpl" || kind === "micro_loan") exposure[kind] = (exposure[kind] ?? 0) + balance;
    const limit = account.credit_limit_minor === null ? 0 : Number(account.credit_limit_minor);
    if (limit > 0) {
      limit_total += limit;
      revolving_balance += balance;
    }
  }
  const values: FeatureValues = {
    utilisation: limit_total > 0 ? revolving_balance / limit_total : null,
    balance_total_minor: balance_total,
    worst_delinquency_12m: worst_12m,
    recent_delinquency_3m: worst_3m,
    months_since_last_delinquency: last_serious_month === null ? null : as_of_month - last_serious_month,
    oldest_account_age_months: opened_first === null ? null : wholeMonths(opened_first, as_of_day),
    bnpl_exposure_minor: exposure.bnpl,
    microloan_exposure_minor: exposure.micro_loan,
  };
  for (const [kind, count] of counts) values[`accounts_count_${kind}`] = count;
  return values;
}

function inquiryFeatures(inquiry_times: readonly Date[], as_of: Date): FeatureValues {
  const values: FeatureValues = {};
  for (const months of [3, 6, 12]) {
    const since = monthsBefore(as_of, months).getTime();
    values[`inquiries_${months}m`] = inquiry_times.filter(
      (time) => time.getTime() >= since && time.getTime() < as_of.getTime(),
    ).length;
  }
  return values;
}

const everyday = new Set<string>(everyday_spending_categories);

function alternativeFeatures(file: FeatureFile, as_of_month: number, first_month: number): FeatureValues {
  const year_start = as_of_month - months_per_year;
  let first_activity: number | null = null;
  // Per everyday category: the first month seen in the window and the months with a purchase in the year.
  const first_seen = new Map<string, number>();
  const active_months = new Map<string, Set<number>>();
  let spend_year = 0;
  let spend_quarter = 0;
  let bills_on_time = 0;
  let bills_due = 0;
  for (const activity of file.activities) {
    const month = monthIndex(activity.period);
    if (month >= as_of_month || month < first_month) continue;
    first_activity = Math.min(first_activity ?? month, month);
    if (month >= year_start && activity.on_time_share !== null) {
      const due = activity.count ?? 1;
      bills_due += due;
      bills_on_time += due * activity.on_time_share;
    }
    if (!everyday.has(activity.category)) continue;
    first_seen.set(activity.category, Math.min(first_seen.get(activity.category) ?? month, month));
    const amount = activity.amount_minor === null ? 0 : Number(activity.amount_minor);
    const purchased = (activity.count ?? 0) > 0 || amount > 0;
    if (month < year_start || !purchased) continue;
    const months = active_months.get(activity.category) ?? new Set<number>();
    months.add(month);
    active_months.set(activity.category, months);
    spend_year += amount;
    if (month >= as_of_month - 3) spend_quarter += amount;
  }
  let months_used = 0;
  let months_active = 0;
  for (const [category, first] of first_seen) {
    months_used += as_of_month - Math.max(first, year_start);
    months_active += active_months.get(category)?.size ?? 0;
  }
  return {
    platform_tenure_months: first_activity === null ? null : as_of_month - first_activity,
    spending_regularity: months_used === 0 ? null : months_active / months_used,
    bill_on_time_share: bills_due === 0 ? null : bills_on_time / bills_due,
    spending_trend: spend_year === 0 ? null : spend_quarter / (spend_year / 4) - 1,
  };
}

export type ScorecardRoute = "full" | "thin_file" | "none";

// Which scorecard serves a subject: the full one when they have held credit, the thin-file one when
// they have only platform activity, and none when the window holds nothing to score.
export function scorecardRoute(
  file: FeatureFile,
  values: FeatureValues,
  as_of: Date,
  thin_features: readonly string[] = thin_file_feature_names,
): ScorecardRoute {
  if (hasCreditAccounts(file, as_of)) return "full";
  return thin_features.some((name) => values[name] !== null && values[name] !== undefined)
    ? "thin_file"
    : "none";
}
