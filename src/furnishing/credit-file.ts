// Reads a subject's current credit file: the latest version of every account, statement and activity.
import { type Database, prepared } from "../db/database.ts";

export interface FileAccount {
  readonly furnisher_id: string;
  readonly account_ref: string;
  readonly kind: string;
  readonly opened_on: string | null;
  readonly closed_on: string | null;
  readonly currency: string | null;
  readonly credit_limit_minor: bigint | null;
  readonly principal_minor: bigint | null;
  readonly term_months: number | null;
  readonly co_lender_id: string | null;
  readonly seq: bigint;
}

export interface FileStatement {
  readonly furnisher_id: string;
  readonly account_ref: string;
  /** The statement month, YYYY-MM. */
  readonly period: string;
  readonly balance_minor: bigint | null;
  readonly past_due_minor: bigint | null;
  readonly days_past_due: number | null;
  readonly scheduled_payment_minor: bigint | null;
  readonly actual_payment_minor: bigint | null;
  readonly status: string | null;
  readonly notified_on: string | null;
  readonly seq: bigint;
}

export interface FileActivity {
  readonly furnisher_id: string;
  readonly category: string;
  readonly period: string;
  readonly count: number | null;
  readonly amount_minor: bigint | null;
  readonly on_time_share: number | null;
  readonly seq: bigint;
}

export interface CreditFile {
  readonly accounts: FileAccount[];
  readonly statements: FileStatement[];
  readonly activities: FileActivity[];
}

const date = (value: unknown): string | null =>
  value === null || value === undefined
    ? null
    : value instanceof Date
      ? value.toISOString().slice(0, 10)
      : String(value).slice(0, 10);

/**
 * The subject's file as one JSON value, for a statement that reads more at once (a lender's query): `subject`
 * and `since` are the composing statement's placeholders for the subject key and the first period's date.
 * Each part is a JSON array of its rows. Statements are read for every account the subject ever had and kept
 * only for the accounts in the file (latest version not withdrawn, still the subject's) in JavaScript.
 */
export function creditFileJson(subject: string, since: string): string {
  return `json_build_object(
   'accounts', (SELECT coalesce(json_agg(a ORDER BY a.opened_on, a.furnisher_id, a.account_ref), '[]')
      FROM (
        SELECT furnisher_id, account_ref, kind, opened_on, closed_on, currency, credit_limit_minor,
          principal_minor, term_months, co_lender_id, seq
        FROM (
          SELECT DISTINCT ON (a.furnisher_id, a.account_ref) a.*
          FROM accounts a
          WHERE (a.furnisher_id, a.account_ref) IN (SELECT furnisher_id, account_ref FROM accounts WHERE subject_key = ${subject})
          ORDER BY a.furnisher_id, a.account_ref, a.seq DESC
        ) latest
        WHERE subject_key = ${subject} AND NOT deleted
      ) a),
   'statements', (SELECT coalesce(json_agg(s ORDER BY s.furnisher_id, s.account_ref, s.period), '[]')
      FROM (
        SELECT furnisher_id, account_ref, period, balance_minor, past_due_minor, days_past_due,
          scheduled_payment_minor, actual_payment_minor, status, notified_on, seq
        FROM (
          SELECT DISTINCT ON (s.furnisher_id, s.account_ref, s.period) s.*
          FROM statements s
          WHERE (s.furnisher_id, s.account_ref) IN (SELECT furnisher_id, account_ref FROM accounts WHERE subject_key = ${subject})
            AND s.period >= ${since}::date
          ORDER BY s.furnisher_id, s.account_ref, s.period, s.seq DESC
        ) latest
        WHERE NOT deleted
      ) s),
   'activities', (SELECT coalesce(json_agg(v ORDER BY v.category, v.period), '[]')
      FROM (
        SELECT furnisher_id, category, period, count, amount_minor, on_time_share, seq
        FROM (
          SELECT DISTINCT ON (category, period, furnisher_id) *
          FROM activities
          WHERE subject_key = ${subject} AND period >= ${since}::date
          ORDER BY category, period, furnisher_id, seq DESC
        ) latest
        WHERE NOT deleted
      ) v))`;
}

/** The first day of a YYYY-MM period, as the `since` parameter of creditFileJson takes it. */
export function creditFileSince(since_period: string): string {
  return `${since_period}-01`;
}

const credit_file = prepared("credit_file", `SELECT ${creditFileJson("$1", "$2")} AS file`);

type JsonRow = Record<string, string | number | null>;

/** A bigint column as JSON gives it (a number: amounts are below 2^53), back to bigint. */
const big = (value: unknown): bigint | null =>
  value === null || value === undefined ? null : BigInt(value as number);

/** The subject's file with statements and activities from `since_period` (YYYY-MM) on, as of now. */
export async function loadCreditFile(
  db: Pick<Database, "query">,
  subject_key: Buffer,
  since_period: string,
): Promise<CreditFile> {
  const [row] = await db.query<{ file: unknown }>(credit_file, [subject_key, creditFileSince(since_period)]);
  return creditFileFromJson(row?.file);
}

/** The CreditFile of creditFileJson's value. */
export function creditFileFromJson(value: unknown): CreditFile {
  const { accounts, statements, activities } = value as {
    accounts: JsonRow[];
    statements: JsonRow[];
    activities: JsonRow[];
  };
  const fileAccounts: FileAccount[] = accounts.map((row) => ({
    furnisher_id: row.furnisher_id as string,
    account_ref: row.account_ref as string,
    kind: row.kind as string,
    opened_on: date(row.opened_on),
    closed_on: date(row.closed_on),
    currency: (row.currency as string | null) ?? null,
    credit_limit_minor: big(row.credit_limit_minor),
    principal_minor: big(row.principal_minor),
    term_months: (row.term_months as number | null) ?? null,
    co_lender_id: (row.co_lender_id as string | null) ?? null,
    seq: big(row.seq) as bigint,
  }));
  const inFile = new Set(fileAccounts.map((a) => `${a.furnisher_id}\u0000${a.account_ref}`));
  return {
    accounts: fileAccounts,
    statements: statements
      .filter((row) => inFile.has(`${row.furnisher_id}\u0000${row.account_ref}`))
      .map((row) => ({
        furnisher_id: row.furnisher_id as string,
        account_ref: row.account_ref as string,
        period: (date(row.period) as string).slice(0, 7),
        balance_minor: big(row.balance_minor),
        past_due_minor: big(row.past_due_minor),
        days_past_due: (row.days_past_due as number | null) ?? null,
        scheduled_payment_minor: big(row.scheduled_payment_minor),
        actual_payment_minor: big(row.actual_payment_minor),
        status: (row.status as string | null) ?? null,
        notified_on: date(row.notified_on),
        seq: big(row.seq) as bigint,
      })),
    activities: activities.map((row) => ({
      furnisher_id: row.furnisher_id as string,
      category: row.category as string,
      period: (date(row.period) as string).slice(0, 7),
      count: (row.count as number | null) ?? null,
      amount_minor: big(row.amount_minor),
      on_time_share: (row.on_time_share as number | null) ?? null,
      seq: big(row.seq) as bigint,
    })),
  };
}

/** Whether the bureau knows the subject at all: a vault entry, an account or an activity. */
export async function subjectIsKnown(db: Pick<Database, "query">, subject_key: Buffer): Promise<boolean> {
  const rows = await db.query(
    `SELECT 1 FROM subjects WHERE subject_key = $1
     UNION ALL SELECT 1 FROM accounts WHERE subject_key = $1
     UNION ALL SELECT 1 FROM activities WHERE subject_key = $1
     LIMIT 1`,
    [subject_key],
  );
  return rows.length > 0;
}
