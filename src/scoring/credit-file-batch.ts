// Reads the feature-relevant part of many subjects' credit files in a few queries, for training.
import assert from "node:assert/strict";
import type { Database } from "../db/database.ts";
import type { FeatureFile } from "./feature-extraction.ts";

// One query per table per batch: large enough to amortise a round trip, small enough that the key
// arrays and the result rows of one batch stay a few megabytes.
export const subjects_per_batch = 1_000;

type MutableFile = {
  accounts: FeatureFile["accounts"][number][];
  statements: FeatureFile["statements"][number][];
  activities: FeatureFile["activities"][number][];
};

const dateText = (value: unknown): string | null =>
  value === null || value === undefined
    ? null
    : value instanceof Date
      ? value.toISOString().slice(0, 10)
      : String(value).slice(0, 10);

const bigintOrNull = (value: unknown): bigint | null =>
  value === null || value === undefined ? null : BigInt(value as bigint);

/**
 * The files of `subject_keys` with statements and activities from `since_period` (YYYY-MM) on, keyed by
 * the subject key in hex. The same latest-version rules as the furnishing domain's loadCreditFile: the
 * newest version of each record wins, a tombstone removes it, and an account belongs to the subject
 * its newest version names. Reads the furnishing domain's public tables only.
 */
export async function loadFeatureFiles(
  db: Pick<Database, "query">,
  subject_keys: readonly Buffer[],
  since_period: string,
): Promise<Map<string, FeatureFile>> {
  assert.match(since_period, /^\d{4}-(0[1-9]|1[0-2])$/, "since_period is YYYY-MM");
  const files = new Map<string, MutableFile>();
  for (const key of subject_keys)
    files.set(key.toString("hex"), { accounts: [], statements: [], activities: [] });
  for (let start = 0; start < subject_keys.length; start += subjects_per_batch) {
    await loadBatch(db, subject_keys.slice(start, start + subjects_per_batch), `${since_period}-01`, files);
  }
  return files;
}

async function loadBatch(
  db: Pick<Database, "query">,
  keys: readonly Buffer[],
  since: string,
  files: Map<string, MutableFile>,
): Promise<void> {
  const accounts = await db.query<Record<string, unknown>>(
    `SELECT subject_key, furnisher_id, account_ref, kind, opened_on, closed_on, credit_limit_minor FROM (
       SELECT DISTINCT ON (a.furnisher_id, a.account_ref) a.*
       FROM accounts a
       WHERE (a.furnisher_id, a.account_ref) IN (
         SELECT furnisher_id, account_ref FROM accounts WHERE subject_key = ANY($1::bytea[]))
       ORDER BY a.furnisher_id, a.account_ref, a.seq DESC
     ) latest
     WHERE subject_key = ANY($1::bytea[]) AND NOT deleted`,
    [keys],
  );
  const owner = new Map<string, MutableFile>();
  for (const row of accounts) {
    const file = files.get((row.subject_key as Buffer).toString("hex")) as MutableFile;
    const account = {
      furnisher_id: row.furnisher_id as string,
      account_ref: row.account_ref as string,
      kind: row.kind as string,
      opened_on: dateText(row.opened_on),
      closed_on: dateText(row.closed_on),
      credit_limit_minor: bigintOrNull(row.credit_limit_minor),
    };
    file.accounts.push(account);
    owner.set(`${account.furnisher_id}\u0000${account.account_ref}`, file);
  }
  if (accounts.length > 0) {
    const statements = await db.query<Record<string, unknown>>(
      `SELECT furnisher_id, account_ref, period, balance_minor, days_past_due, status FROM (
         SELECT DISTINCT ON (s.furnisher_id, s.account_ref, s.period) s.*
         FROM statements s
         JOIN unnest($1::text[], $2::text[]) AS k (furnisher_id, account_ref)
           ON s.furnisher_id = k.furnisher_id AND s.account_ref = k.account_ref
         WHERE s.period >= $3::date
         ORDER BY s.furnisher_id, s.account_ref, s.period, s.seq DESC
       ) latest
       WHERE NOT deleted`,
      [accounts.map((row) => row.furnisher_id), accounts.map((row) => row.account_ref), since],
    );
    for (const row of statements) {
      const file = owner.get(`${row.furnisher_id}\u0000${row.account_ref}`) as MutableFile;
      file.statements.push({
        furnisher_id: row.furnisher_id as string,
        account_ref: row.account_ref as string,
        period: (dateText(row.period) as string).slice(0, 7),
        balance_minor: bigintOrNull(row.balance_minor),
        days_past_due: (row.days_past_due as number | null) ?? null,
        status: (row.status as string | null) ?? null,
      });
    }
  }
  const activities = await db.query<Record<string, unknown>>(
    `SELECT subject_key, category, period, count, amount_minor, on_time_share FROM (
       SELECT DISTINCT ON (subject_key, category, period, furnisher_id) *
       FROM activities
       WHERE subject_key = ANY($1::bytea[]) AND period >= $2::date
       ORDER BY subject_key, category, period, furnisher_id, seq DESC
     ) latest
     WHERE NOT deleted`,
    [keys, since],
  );
  for (const row of activities) {
    const file = files.get((row.subject_key as Buffer).toString("hex")) as MutableFile;
    file.activities.push({
      category: row.category as string,
      period: (dateText(row.period) as string).slice(0, 7),
      count: (row.count as number | null) ?? null,
      amount_minor: bigintOrNull(row.amount_minor),
      on_time_share: (row.on_time_share as number | null) ?? null,
    });
  }
}
