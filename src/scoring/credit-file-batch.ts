// Reads the feature-relevant part of many subjects' credit files in a few queries, for training.
import assert from "node:assert/strict";
import type { Database } from "../db/database.ts";
import type { FeatureFile } from "./feature-extraction.ts";

// One query per table per batch: large enough to amortise a round trip, small enough that one batch's
// key arrays and result text stay a few megabytes. Each query walks the tables' primary-key indexes
// from the batch's keys (LATERAL), so its cost follows the batch, not the size of the tables.
export const subjects_per_batch = 1_000;

type MutableFile = {
  accounts: FeatureFile["accounts"][number][];
  statements: FeatureFile["statements"][number][];
  activities: FeatureFile["activities"][number][];
};

const period_pattern = /^\d{4}-(0[1-9]|1[0-2])$/;

// Each query returns its rows as one JSON array text: the embedded database hands over one large value
// several times faster than tens of thousands of rows. Amounts fit a double exactly (the furnishing
// format caps them well below 2^53).
async function jsonRows<T>(
  db: Pick<Database, "query">,
  sql: string,
  params: readonly unknown[],
): Promise<T[]> {
  const [row] = await db.query<{ rows: string }>(
    `SELECT coalesce(json_agg(r.row), '[]')::text AS rows FROM (${sql}) r`,
    params,
  );
  return JSON.parse((row as { rows: string }).rows) as T[];
}

const bigintOrNull = (value: number | null): bigint | null => (value === null ? null : BigInt(value));

/**
 * The files of `subject_keys` with statements and activities of the months from `since_period` up to,
 * not including, `until_period` (both YYYY-MM), keyed by the subject key in hex. The same
 * latest-version rules as the furnishing domain's loadCreditFile: the newest version of each record
 * wins, a tombstone removes it, and an account belongs to the subject its newest version names. Reads
 * the furnishing domain's public tables only.
 */
export async function loadFeatureFiles(
  db: Pick<Database, "query">,
  subject_keys: readonly Buffer[],
  since_period: string,
  until_period: string,
): Promise<Map<string, FeatureFile>> {
  assert.match(since_period, period_pattern, "since_period is YYYY-MM");
  assert.match(until_period, period_pattern, "until_period is YYYY-MM");
  const files = new Map<string, MutableFile>();
  for (const key of subject_keys) {
    files.set(key.toString("hex"), { accounts: [], statements: [], activities: [] });
  }
  const window = [`${since_period}-01`, `${until_period}-01`] as const;
  for (let start = 0; start < subject_keys.length; start += subjects_per_batch) {
    const keys = subject_keys.slice(start, start + subjects_per_batch);
    await loadAccountsAndStatements(db, keys, window, files);
    await loadActivities(db, keys, window, files);
  }
  return files;
}

type AccountRow = [string, string, string, string, string | null, string | null, number | null];
type StatementRow = [string, string, string, number | null, number | null, string | null];
type ActivityRow = [
  string,
  string,
  string,
  number | null,
  number | null,
  number | null,
  string,
  number,
  boolean,
];

async function loadAccountsAndStatements(
  db: Pick<Database, "query">,
  keys: readonly Buffer[],
  [since, until]: readonly [string, string],
  files: Map<string, MutableFile>,
): Promise<void> {
  const accounts = await jsonRows<AccountRow>(
    db,
    `SELECT json_build_array(encode(subject_key, 'hex'), furnisher_id, account_ref, kind, opened_on, closed_on,
              credit_limit_minor) AS row
     FROM (
       SELECT DISTINCT ON (a.furnisher_id, a.account_ref) a.*
       FROM unnest($1::bytea[]) AS k (subject_key)
       JOIN LATERAL (SELECT furnisher_id, account_ref FROM accounts WHERE subject_key = k.subject_key) named ON true
       JOIN accounts a ON a.furnisher_id = named.furnisher_id AND a.account_ref = named.account_ref
       ORDER BY a.furnisher_id, a.account_ref, a.seq DESC
     ) latest
     WHERE subject_key = ANY($1::bytea[]) AND NOT deleted`,
    [keys],
  );
  if (accounts.length === 0) return;
  const owner = new Map<string, MutableFile>();
  for (const [subject, furnisher_id, account_ref, kind, opened_on, closed_on, limit] of accounts) {
    const file = files.get(subject) as MutableFile;
    file.accounts.push({
      furnisher_id,
      account_ref,
      kind,
      opened_on,
      closed_on,
      credit_limit_minor: bigintOrNull(limit),
    });
    owner.set(`${furnisher_id}\u0000${account_ref}`, file);
  }
  const statements = await jsonRows<StatementRow>(
    db,
    `SELECT json_build_array(k.furnisher_id, k.account_ref, to_char(s.period, 'YYYY-MM'), s.balance_minor,
              s.days_past_due, s.status) AS row
     FROM unnest($1::text[], $2::text[]) AS k (furnisher_id, account_ref)
     JOIN LATERAL (
       SELECT DISTINCT ON (period) * FROM statements
       WHERE furnisher_id = k.furnisher_id AND account_ref = k.account_ref AND period >= $3::date AND period < $4::date
       ORDER BY period, seq DESC
     ) s ON true
     WHERE NOT s.deleted`,
    [accounts.map((row) => row[1]), accounts.map((row) => row[2]), since, until],
  );
  for (const [furnisher_id, account_ref, period, balance, days_past_due, status] of statements) {
    (owner.get(`${furnisher_id}\u0000${account_ref}`) as MutableFile).statements.push({
      furnisher_id,
      account_ref,
      period,
      balance_minor: bigintOrNull(balance),
      days_past_due,
      status,
    });
  }
}

// Activities are the largest table, and sorting them for DISTINCT ON costs more than the query
// itself; every version comes back and the newest per natural key is kept here instead.
async function loadActivities(
  db: Pick<Database, "query">,
  keys: readonly Buffer[],
  [since, until]: readonly [string, string],
  files: Map<string, MutableFile>,
): Promise<void> {
  const rows = await jsonRows<ActivityRow>(
    db,
    `SELECT json_build_array(encode(k.subject_key, 'hex'), a.category, to_char(a.period, 'YYYY-MM'), a.count,
              a.amount_minor, a.on_time_share, a.furnisher_id, a.seq, a.deleted) AS row
     FROM unnest($1::bytea[]) AS k (subject_key)
     JOIN LATERAL (
       SELECT * FROM activities WHERE subject_key = k.subject_key AND period >= $2::date AND period < $3::date
     ) a ON true`,
    [keys, since, until],
  );
  const newest = new Map<string, ActivityRow>();
  for (const row of rows) {
    const key = `${row[0]}\u0000${row[1]}\u0000${row[2]}\u0000${row[6]}`;
    const seen = newest.get(key);
    if (seen === undefined || seen[7] < row[7]) newest.set(key, row);
  }
  for (const [subject, category, period, count, amount, on_time_share, , , deleted] of newest.values()) {
    if (deleted) continue;
    (files.get(subject) as MutableFile).activities.push({
      category,
      period,
      count,
      amount_minor: bigintOrNull(amount),
      on_time_share,
    });
  }
}
