// Metering as a fold over the disclosure log: each priced entry becomes one charge in the ledger, in log
// order, exactly once. The entry's canonical bytes are the source, so the books follow what is provable.
import assert from "node:assert/strict";
import type { Clock } from "../config/clock.ts";
import type { Database, Tx } from "../db/database.ts";
import { decodeEntry, type LogEntry } from "../disclosure-log/entry.ts";
import { utcDay } from "./calendar.ts";
import { bookTransactions, type Leg, type NewTransaction } from "./ledger.ts";
import { loadRevenueShares, shareOn, splitRevenue } from "./revenue-share.ts";

/** Log entries folded per database transaction; bounds the transaction and how long the lock is held. */
export const fold_batch_max = 1_000;
const fold_lock_id = 7262007;

export interface FoldResult {
  /** Log entries read by this call, priced or free. */
  readonly folded: number;
  /** Charges booked by this call. */
  readonly posted: number;
  /** The highest log index folded so far, -1 before the first. */
  readonly last_idx: number;
}

/**
 * The charge for one disclosure at `price_minor`: the lender owes the price; each contributing furnisher
 * is credited its share and the bureau the rest. A disclosure priced 0 is not a charge.
 */
export function chargeFor(
  entry: LogEntry,
  price_minor: bigint,
  currency: string,
  share_bp: number,
): NewTransaction {
  assert.ok(price_minor > 0n, "only a priced disclosure is charged");
  const split = splitRevenue(price_minor, share_bp, entry.furnishers);
  const legs: Leg[] = [
    {
      account: { kind: "lender_receivable", institution_id: entry.recipient, currency },
      amount_minor: price_minor,
    },
    {
      account: { kind: "bureau_revenue", institution_id: null, currency },
      amount_minor: -split.bureau_minor,
    },
    ...split.furnishers.map((part) => ({
      account: { kind: "furnisher_payable" as const, institution_id: part.institution, currency },
      amount_minor: -part.amount_minor,
    })),
  ];
  return {
    kind: "charge",
    log_idx: entry.sequence,
    lender_id: entry.recipient,
    product: entry.product,
    currency,
    at: new Date(entry.time),
    reason: null,
    reverses_id: null,
    legs,
  };
}

/**
 * Folds every log entry after the last one folded. Entries priced 0 (a repeat query of the same subject
 * on the same day) book nothing: a zero transaction would move no money and only pad the ledger. Safe to
 * run concurrently and to repeat: one fold holds the lock at a time, and a charge is booked at most once
 * per log index.
 */
export async function foldLog(db: Database, clock: Clock): Promise<FoldResult> {
  let folded = 0;
  let posted = 0;
  for (;;) {
    const batch = await db.transaction((tx) => foldBatch(tx, clock));
    folded += batch.folded;
    posted += batch.posted;
    if (batch.folded < fold_batch_max) return { folded, posted, last_idx: batch.last_idx };
  }
}

async function foldBatch(tx: Tx, clock: Clock): Promise<FoldResult> {
  await tx.query(`SELECT pg_advisory_xact_lock(${fold_lock_id})`);
  const [cursor] = await tx.query<{ next_idx: bigint }>("SELECT next_idx FROM billing_fold_cursor");
  assert.ok(cursor, "the fold cursor row exists");
  const next_idx = Number(cursor.next_idx);
  const rows = await tx.query<{ idx: bigint; entry_bytes: Uint8Array }>(
    "SELECT idx, entry_bytes FROM log_entries WHERE idx >= $1 ORDER BY idx LIMIT $2",
    [next_idx, fold_batch_max],
  );
  if (rows.length === 0) return { folded: 0, posted: 0, last_idx: next_idx - 1 };
  const shares = await loadRevenueShares(tx);
  const charges: NewTransaction[] = [];
  rows.forEach((row, i) => {
    const entry = decodeEntry(new Uint8Array(row.entry_bytes));
    assert.equal(Number(row.idx), next_idx + i, "log indices are dense");
    assert.equal(entry.sequence, Number(row.idx), "an entry's sequence is its log index");
    if (entry.price_minor === 0n) return;
    charges.push(
      chargeFor(entry, entry.price_minor, entry.currency, shareOn(shares, utcDay(new Date(entry.time)))),
    );
  });
  const booked = await bookTransactions(tx, charges, clock.now());
  const last_idx = next_idx + rows.length - 1;
  await tx.query("UPDATE billing_fold_cursor SET next_idx = $1", [last_idx + 1]);
  return { folded: rows.length, posted: booked.size, last_idx };
}

/** The next log index the fold will read; entries below it are in the ledger. */
export async function foldedThrough(db: Pick<Database, "query">): Promise<number> {
  const [cursor] = await db.query<{ next_idx: bigint }>("SELECT next_idx FROM billing_fold_cursor");
  assert.ok(cursor, "the fold cursor row exists");
  return Number(cursor.next_idx);
}

/**
 * Folds now and then every `interval_ms` until stopped, so statements follow the log closely. A failed
 * fold is reported to `on_error` and retried on the next tick; stop() waits for a fold in progress.
 */
export function startFolding(
  db: Database,
  clock: Clock,
  interval_ms: number,
  on_error: (error: unknown) => void,
): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = foldLog(db, clock)
      .then(() => {}, on_error)
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, interval_ms);
      });
  };
  tick();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
