// Retention: negative information is deleted when the regime says (5 years after the event ends in cn, 7 in
// us), closed accounts past retention go whole, and a subject with nothing left is crypto-shredded. The
// disclosure log is never touched: its entries name no one, and its hashes must stay verifiable.
import { randomBytes } from "node:crypto";
import type { Clock } from "../config/clock.ts";
import type { RegimeCode, RegimeProfile } from "../config/regimes.ts";
import { consentStatus, listConsentsOfSubject } from "../consent/consents.ts";
import type { Database, Tx } from "../db/database.ts";
import { negativeStatuses } from "../furnishing/index.ts";
import { shredPersonalData } from "../identity/vault.ts";

/** Natural keys (accounts, statements or subjects) one batch handles; each batch is one transaction. */
export const retention_batch_keys_max = 1_000;

const negative = [...negativeStatuses];
// A last statement in one of these states means the account's story has ended.
const ended_statuses = ["charged_off", "closed"];

export interface RetentionOptions {
  /** Count what would be deleted, inside a transaction that is rolled back. */
  readonly dry_run: boolean;
  readonly batch_keys?: number | undefined;
}

export interface RetentionResult {
  readonly run_id: string;
  readonly dry_run: boolean;
  readonly regime: RegimeCode;
  readonly retention_years: number;
  /** Statements of months before this one (YYYY-MM) are past retention. */
  readonly cutoff_period: string;
  /** Accounts closed on or before this day (YYYY-MM-DD) are past retention. */
  readonly cutoff_date: string;
  readonly accounts_deleted: number;
  readonly account_versions_deleted: number;
  readonly statement_versions_deleted: number;
  readonly subjects_shredded: number;
  readonly batches: number;
}

type Counts = {
  accounts_deleted: number;
  account_versions_deleted: number;
  statement_versions_deleted: number;
  subjects_shredded: number;
  batches: number;
};

type Cutoffs = { period: string; date: string };
type Step = (tx: Tx) => Promise<boolean>;
type BatchRunner = (step: Step) => Promise<boolean>;

/** The cutoffs at `now`: an event ending N years or more before now is past retention. */
export function retentionCutoffs(now: Date, years: number): Cutoffs {
  const shifted = new Date(now);
  shifted.setUTCFullYear(shifted.getUTCFullYear() - years);
  const day = shifted.toISOString().slice(0, 10);
  // A statement's event ends when its month ends, so its month must end on or before the shifted day.
  return { period: `${day.slice(0, 7)}-01`, date: day };
}

/** Accounts whose latest version is live, closed or ended past retention, with no statement inside it. */
function eligibleAccountsSql(limit: string): string {
  return `
    WITH candidates AS (
      SELECT furnisher_id, account_ref FROM accounts WHERE closed_on <= $1::date
      UNION
      SELECT furnisher_id, account_ref FROM statements WHERE status = ANY($3::text[]) AND period < $2::date
    ), heads AS (
      SELECT DISTINCT ON (a.furnisher_id, a.account_ref) a.furnisher_id, a.account_ref, a.subject_key, a.deleted,
             a.closed_on
      FROM accounts a JOIN candidates c USING (furnisher_id, account_ref)
      ORDER BY a.furnisher_id, a.account_ref, a.seq DESC
    ), statement_heads AS (
      SELECT DISTINCT ON (s.furnisher_id, s.account_ref, s.period) s.furnisher_id, s.account_ref, s.period,
             s.status, s.deleted
      FROM statements s JOIN candidates c USING (furnisher_id, account_ref)
      ORDER BY s.furnisher_id, s.account_ref, s.period, s.seq DESC
    ), last_statements AS (
      SELECT DISTINCT ON (furnisher_id, account_ref) furnisher_id, account_ref, period, status
      FROM statement_heads WHERE NOT deleted
      ORDER BY furnisher_id, account_ref, period DESC
    )
    SELECT h.furnisher_id, h.account_ref, h.subject_key
    FROM heads h LEFT JOIN last_statements l USING (furnisher_id, account_ref)
    WHERE NOT h.deleted
      AND (l.period IS NULL OR l.period < $2::date)
      AND (h.closed_on <= $1::date OR l.status = ANY($3::text[]))
    ORDER BY h.furnisher_id, h.account_ref
    ${limit}`;
}

const count = async (tx: Pick<Tx, "query">, sql: string, params: unknown[]): Promise<number> => {
  const [row] = await tx.query<{ n: bigint }>(sql, params);
  return Number(row?.n ?? 0n);
};

/** Deletes one batch of accounts past retention with all their versions and statements. */
function accountStep(cutoffs: Cutoffs, batch: number, counts: Counts, now: Date): Step {
  return async (tx) => {
    const rows = await tx.query<{ furnisher_id: string; account_ref: string; subject_key: Uint8Array }>(
      eligibleAccountsSql("LIMIT $4"),
      [cutoffs.date, cutoffs.period, ended_statuses, batch],
    );
    if (rows.length === 0) return false;
    const keys = [rows.map((row) => row.furnisher_id), rows.map((row) => row.account_ref)];
    const deleteFrom = (table: string) =>
      `DELETE FROM ${table} t USING unnest($1::text[], $2::text[]) AS k (furnisher_id, account_ref)
       WHERE t.furnisher_id = k.furnisher_id AND t.account_ref = k.account_ref`;
    counts.statement_versions_deleted += await count(
      tx,
      `WITH gone AS (${deleteFrom("statements")} RETURNING 1) SELECT count(*)::int8 AS n FROM gone`,
      keys,
    );
    counts.account_versions_deleted += await count(
      tx,
      `WITH gone AS (${deleteFrom("accounts")} RETURNING 1) SELECT count(*)::int8 AS n FROM gone`,
      keys,
    );
    await tx.query(deleteFrom("subject_disputes"), keys);
    // Marked in the same transaction as the deletion, so an interrupted run still shreds them later.
    await tx.query(
      `INSERT INTO retention_pending_subjects (subject_key, marked_at)
       SELECT DISTINCT unnest($1::bytea[]), $2::timestamptz ON CONFLICT DO NOTHING`,
      [rows.map((row) => row.subject_key), now],
    );
    counts.accounts_deleted += rows.length;
    return true;
  };
}

/**
 * Deletes one batch of negative statements past retention. A statement whose current version is negative
 * goes with every version (an older, positive one must not resurface); otherwise only its superseded
 * negative versions go, which changes nothing a report shows.
 */
function statementStep(cutoffs: Cutoffs, batch: number, counts: Counts): Step {
  return async (tx) => {
    const rows = await tx.query<{ furnisher_id: string; account_ref: string; period: Date }>(
      `SELECT DISTINCT furnisher_id, account_ref, period FROM statements
       WHERE period < $1::date AND status = ANY($2::text[])
       ORDER BY furnisher_id, account_ref, period LIMIT $3`,
      [cutoffs.period, negative, batch],
    );
    if (rows.length === 0) return false;
    const keys = [
      rows.map((row) => row.furnisher_id),
      rows.map((row) => row.account_ref),
      rows.map((row) => row.period),
    ];
    const keyed = "unnest($1::text[], $2::text[], $3::date[]) AS k (furnisher_id, account_ref, period)";
    counts.statement_versions_deleted += await count(
      tx,
      `WITH heads AS (
         SELECT DISTINCT ON (s.furnisher_id, s.account_ref, s.period) s.furnisher_id, s.account_ref, s.period,
                s.status, s.deleted
         FROM statements s JOIN ${keyed} USING (furnisher_id, account_ref, period)
         ORDER BY s.furnisher_id, s.account_ref, s.period, s.seq DESC
       ), gone AS (
         DELETE FROM statements s USING heads h
         WHERE s.furnisher_id = h.furnisher_id AND s.account_ref = h.account_ref AND s.period = h.period
           AND (s.status = ANY($4::text[]) OR (NOT h.deleted AND h.status = ANY($4::text[])))
         RETURNING 1
       )
       SELECT count(*)::int8 AS n FROM gone`,
      [...keys, negative],
    );
    // A dispute about a statement that no longer exists has nothing left to contest.
    await tx.query(
      `DELETE FROM subject_disputes d USING ${keyed}
       WHERE d.furnisher_id = k.furnisher_id AND d.account_ref = k.account_ref AND d.period = k.period
         AND NOT EXISTS (SELECT 1 FROM statements s WHERE s.furnisher_id = k.furnisher_id
                           AND s.account_ref = k.account_ref AND s.period = k.period)`,
      keys,
    );
    return true;
  };
}

async function holdsLiveRecords(tx: Pick<Tx, "query">, subject_key: Uint8Array): Promise<boolean> {
  const rows = await tx.query(
    `SELECT 1 FROM (
       SELECT DISTINCT ON (a.furnisher_id, a.account_ref) a.subject_key, a.deleted
       FROM accounts a
       WHERE (a.furnisher_id, a.account_ref) IN (SELECT furnisher_id, account_ref FROM accounts WHERE subject_key = $1)
       ORDER BY a.furnisher_id, a.account_ref, a.seq DESC
     ) latest WHERE subject_key = $1 AND NOT deleted
     UNION ALL
     SELECT 1 FROM (
       SELECT DISTINCT ON (category, period, furnisher_id) deleted FROM activities WHERE subject_key = $1
       ORDER BY category, period, furnisher_id, seq DESC
     ) latest WHERE NOT deleted
     LIMIT 1`,
    [subject_key],
  );
  return rows.length > 0;
}

/**
 * Shreds one batch of marked subjects that have nothing left: no live account, no activity, no open consent.
 * A subject with records again is unmarked; one with an open consent stays marked for a later run.
 */
function shredStep(batch: number, counts: Counts, now: Date, progress: { after: Uint8Array }): Step {
  return async (tx) => {
    const marked = await tx.query<{ subject_key: Uint8Array }>(
      "SELECT subject_key FROM retention_pending_subjects WHERE subject_key > $1 ORDER BY subject_key LIMIT $2",
      [progress.after, batch],
    );
    if (marked.length === 0) return false;
    for (const row of marked) {
      const subject_key = Buffer.from(row.subject_key);
      if (await holdsLiveRecords(tx, subject_key)) {
        await tx.query("DELETE FROM retention_pending_subjects WHERE subject_key = $1", [subject_key]);
        continue;
      }
      const consents = await listConsentsOfSubject(tx.kysely, subject_key);
      const open = consents.some((consent) => {
        const status = consentStatus(consent, now);
        return status === "active" || status === "not_yet_valid";
      });
      if (open) continue;
      await shredPersonalData(tx.kysely, subject_key);
      await tx.query("DELETE FROM personal_statements WHERE subject_key = $1", [subject_key]);
      await tx.query("DELETE FROM subject_disputes WHERE subject_key = $1", [subject_key]);
      await tx.query("DELETE FROM retention_pending_subjects WHERE subject_key = $1", [subject_key]);
      counts.subjects_shredded += 1;
    }
    progress.after = (marked.at(-1) as { subject_key: Uint8Array }).subject_key;
    return true;
  };
}

async function runSteps(runBatch: BatchRunner, steps: readonly Step[], counts: Counts): Promise<void> {
  for (const step of steps) {
    while (await runBatch(step)) counts.batches += 1;
  }
}

/** Carries a dry run's counts out of the transaction it rolls back. */
class DryRunRollback extends Error {
  readonly counts: Counts;
  constructor(counts: Counts) {
    super("dry run rolled back");
    this.counts = counts;
  }
}

/**
 * Runs retention at the clock's now. Each batch is one transaction, and every step finds its work from what
 * is stored, so an interrupted run loses nothing and running again finishes it; a second run finds nothing.
 * A dry run does the same work in one transaction and rolls it back, so its counts are exactly what a real
 * run would delete. Every run is recorded in retention_runs.
 */
export async function runRetention(
  db: Database,
  clock: Clock,
  regime: Pick<RegimeProfile, "code" | "negative_retention_years">,
  options: RetentionOptions,
): Promise<RetentionResult> {
  const now = clock.now();
  const batch = Math.min(options.batch_keys ?? retention_batch_keys_max, retention_batch_keys_max);
  const cutoffs = retentionCutoffs(now, regime.negative_retention_years);
  const run_id = `rr_${randomBytes(12).toString("hex")}`;
  await db.query("INSERT INTO retention_runs (id, started_at, dry_run, regime) VALUES ($1, $2, $3, $4)", [
    run_id,
    now,
    options.dry_run,
    regime.code,
  ]);
  const counts: Counts = {
    accounts_deleted: 0,
    account_versions_deleted: 0,
    statement_versions_deleted: 0,
    subjects_shredded: 0,
    batches: 0,
  };
  const steps = [
    // Accounts first: whether an account has ended is read from its last statement, which the statement step
    // may delete.
    accountStep(cutoffs, batch, counts, now),
    statementStep(cutoffs, batch, counts),
    shredStep(batch, counts, now, { after: Buffer.alloc(0) }),
  ];
  if (options.dry_run) {
    try {
      await db.transaction(async (tx) => {
        await runSteps((step) => step(tx), steps, counts);
        throw new DryRunRollback(counts);
      });
    } catch (error) {
      if (!(error instanceof DryRunRollback)) throw error;
    }
  } else {
    await runSteps((step) => db.transaction(step), steps, counts);
  }
  const result: RetentionResult = {
    run_id,
    dry_run: options.dry_run,
    regime: regime.code,
    retention_years: regime.negative_retention_years,
    cutoff_period: cutoffs.period.slice(0, 7),
    cutoff_date: cutoffs.date,
    ...counts,
  };
  await db.query("UPDATE retention_runs SET finished_at = $2, result = $3 WHERE id = $1", [
    run_id,
    clock.now(),
    JSON.stringify(result),
  ]);
  return result;
}
