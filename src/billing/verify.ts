// Verification: recomputes a month's charges and earnings from the disclosure log and the price book, and
// compares them with the ledger to the minor unit. Anyone holding the log and the book can do the same.
import type { RegimeCode } from "../config/regimes.ts";
import type { Database } from "../db/database.ts";
import { decodeEntry, type LogEntry } from "../disclosure-log/entry.ts";
import { listInstitutions } from "../institutions/index.ts";
import { type BillingMonth, parseMonth, utcDay } from "./calendar.ts";
import { type AccountKey, type AccountKind, balancedLegs } from "./ledger.ts";
import { chargeFor, foldedThrough } from "./metering.ts";
import { findPrice, type PriceEntry } from "./price-book.ts";
import { loadPriceBook, loadTierOverrides, type TierOverride, tierOn } from "./price-store.ts";
import { loadRevenueShares, type RevenueShare, shareOn } from "./revenue-share.ts";

type Reader = Pick<Database, "query" | "kysely">;

/** The most mismatches a report lists; `mismatches_total` still counts them all. */
export const verify_mismatches_max = 1_000;
/** Log entries read per round trip. */
const verify_page_rows = 5_000;

export type Mismatch =
  /** The log entry carries another price than the book and the same-day rule give. */
  | {
      kind: "price";
      log_idx: number;
      lender_id: string;
      product: string;
      expected_minor: bigint;
      expected_currency: string;
      logged_minor: bigint;
      logged_currency: string;
    }
  /** The book has no price for the entry's product and tier on its day. */
  | { kind: "no_price"; log_idx: number; lender_id: string; product: string; tier: string }
  /** The entry is after the fold's cursor, so the ledger cannot hold it yet. */
  | { kind: "unfolded"; log_idx: number }
  | { kind: "charge_missing"; log_idx: number }
  | { kind: "charge_unexpected"; log_idx: number }
  /** One account's leg of a charge differs from the recomputed one (0 where absent). */
  | { kind: "leg"; log_idx: number; account: AccountKey; expected_minor: bigint; ledger_minor: bigint }
  /** A transaction dated in the month whose legs do not sum to zero (or that has fewer than two). */
  | { kind: "unbalanced"; transaction_id: bigint }
  /** A refund booked in the month that does not exactly reverse the charge it names. */
  | { kind: "refund"; log_idx: number };

export interface TotalCheck {
  /** The lender or furnisher; null for the bureau. */
  readonly institution_id: string | null;
  readonly currency: string;
  readonly expected_minor: bigint;
  readonly ledger_minor: bigint;
  readonly matches: boolean;
}

export interface VerifyReport {
  readonly regime: RegimeCode;
  readonly month: string;
  /** Log entries dated in the month, their priced and free parts by the book. */
  readonly entries: number;
  readonly charged: number;
  readonly free: number;
  readonly folded_through: number;
  readonly matches: boolean;
  /** Charges per lender, earnings per furnisher, revenue of the bureau: recomputed and booked. */
  readonly lenders: readonly TotalCheck[];
  readonly furnishers: readonly TotalCheck[];
  readonly bureau: readonly TotalCheck[];
  readonly mismatches: readonly Mismatch[];
  readonly mismatches_total: number;
}

interface Context {
  readonly regime: RegimeCode;
  readonly book: readonly PriceEntry[];
  readonly overrides: readonly TierOverride[];
  readonly kinds: ReadonlyMap<string, string>;
  readonly shares: readonly RevenueShare[];
  readonly folded_through: number;
  /** Lender, subject, product and day of every entry seen: a later one on the same day is free. */
  readonly seen: Set<string>;
  readonly expected: Map<string, bigint>;
  readonly mismatches: Mismatch[];
  counts: { entries: number; charged: number; free: number; mismatches: number };
}

const legKey = (account: AccountKey) =>
  `${account.kind}\u0000${account.institution_id ?? ""}\u0000${account.currency}`;

function keyAccount(key: string): AccountKey {
  const [kind, institution_id, currency] = key.split("\u0000") as [AccountKind, string, string];
  return { kind, institution_id: kind === "bureau_revenue" ? null : institution_id, currency };
}

function report(ctx: Context, mismatch: Mismatch): void {
  ctx.counts.mismatches += 1;
  if (ctx.mismatches.length < verify_mismatches_max) ctx.mismatches.push(mismatch);
}

/** The legs the ledger should hold for one entry, or null when it should hold none (free or unknown price). */
function expectedLegs(ctx: Context, entry: LogEntry, subject_hex: string): Map<string, bigint> | null {
  const day = utcDay(new Date(entry.time));
  const repeat_key = `${entry.recipient}\u0000${subject_hex}\u0000${entry.product}\u0000${day}`;
  const repeat = ctx.seen.has(repeat_key);
  ctx.seen.add(repeat_key);
  const tier = tierOn(ctx.overrides, entry.recipient, ctx.kinds.get(entry.recipient), day);
  const listed = findPrice(ctx.book, ctx.regime, entry.product, tier, new Date(entry.time));
  if (!listed) {
    report(ctx, {
      kind: "no_price",
      log_idx: entry.sequence,
      lender_id: entry.recipient,
      product: entry.product,
      tier,
    });
    return null;
  }
  const price_minor = repeat ? 0n : listed.price_minor;
  if (price_minor !== entry.price_minor || listed.currency !== entry.currency) {
    report(ctx, {
      kind: "price",
      log_idx: entry.sequence,
      lender_id: entry.recipient,
      product: entry.product,
      expected_minor: price_minor,
      expected_currency: listed.currency,
      logged_minor: entry.price_minor,
      logged_currency: entry.currency,
    });
  }
  if (price_minor === 0n) {
    ctx.counts.free += 1;
    return null;
  }
  ctx.counts.charged += 1;
  const charge = chargeFor(entry, price_minor, listed.currency, shareOn(ctx.shares, day));
  return new Map(balancedLegs(charge).map((leg) => [legKey(leg.account), leg.amount_minor]));
}

async function ledgerLegs(
  db: Reader,
  log_indices: readonly number[],
): Promise<Map<number, Map<string, bigint>>> {
  const rows = await db.query<AccountKey & { log_idx: bigint; amount_minor: bigint }>(
    `SELECT t.log_idx, a.kind, a.institution_id, a.currency, p.amount_minor
       FROM billing_transactions t
       JOIN billing_postings p ON p.transaction_id = t.id
       JOIN billing_accounts a ON a.id = p.account_id
      WHERE t.kind = 'charge' AND t.log_idx = ANY($1::int8[])`,
    [log_indices.map(String)],
  );
  const legs = new Map<number, Map<string, bigint>>();
  for (const row of rows) {
    const idx = Number(row.log_idx);
    const of = legs.get(idx) ?? new Map<string, bigint>();
    of.set(legKey(row), BigInt(row.amount_minor));
    legs.set(idx, of);
  }
  return legs;
}

function compareLegs(
  ctx: Context,
  log_idx: number,
  expected: Map<string, bigint> | null,
  booked: Map<string, bigint> | undefined,
): void {
  if (!expected || !booked) {
    if (expected) report(ctx, { kind: "charge_missing", log_idx });
    if (booked) report(ctx, { kind: "charge_unexpected", log_idx });
    return;
  }
  for (const key of new Set([...expected.keys(), ...booked.keys()])) {
    const expected_minor = expected.get(key) ?? 0n;
    const ledger_minor = booked.get(key) ?? 0n;
    if (expected_minor !== ledger_minor) {
      report(ctx, { kind: "leg", log_idx, account: keyAccount(key), expected_minor, ledger_minor });
    }
  }
}

async function checkEntries(db: Reader, ctx: Context, span: BillingMonth): Promise<void> {
  let after = -1;
  for (;;) {
    const rows = await db.query<{ idx: bigint; entry_bytes: Uint8Array; subject_key: Uint8Array }>(
      `SELECT idx, entry_bytes, subject_key FROM log_entries
        WHERE at >= $1 AND at < $2 AND idx > $3 ORDER BY idx LIMIT $4`,
      [span.start, span.end, after, verify_page_rows],
    );
    if (rows.length === 0) return;
    const folded: { log_idx: number; expected: Map<string, bigint> | null }[] = [];
    for (const row of rows) {
      const entry = decodeEntry(new Uint8Array(row.entry_bytes));
      ctx.counts.entries += 1;
      const expected = expectedLegs(ctx, entry, Buffer.from(row.subject_key).toString("hex"));
      if (Number(row.idx) >= ctx.folded_through) {
        report(ctx, { kind: "unfolded", log_idx: Number(row.idx) });
        continue;
      }
      for (const [key, amount] of expected ?? [])
        ctx.expected.set(key, (ctx.expected.get(key) ?? 0n) + amount);
      folded.push({ log_idx: Number(row.idx), expected });
    }
    const booked = await ledgerLegs(
      db,
      folded.map((entry) => entry.log_idx),
    );
    for (const entry of folded) compareLegs(ctx, entry.log_idx, entry.expected, booked.get(entry.log_idx));
    after = Number(rows.at(-1)?.idx);
  }
}

/** Charges dated in the month for entries that are not, transactions that do not balance, refunds that do not reverse. */
async function checkLedger(db: Reader, ctx: Context, span: BillingMonth): Promise<void> {
  const [strays, unbalanced, refunds] = await Promise.all([
    db.query<{ log_idx: bigint }>(
      `SELECT t.log_idx FROM billing_transactions t
         LEFT JOIN log_entries e ON e.idx = t.log_idx AND e.at >= $1 AND e.at < $2
        WHERE t.kind = 'charge' AND t.at >= $1 AND t.at < $2 AND e.idx IS NULL ORDER BY t.log_idx`,
      [span.start, span.end],
    ),
    db.query<{ id: bigint }>(
      `SELECT t.id FROM billing_transactions t LEFT JOIN billing_postings p ON p.transaction_id = t.id
        WHERE t.at >= $1 AND t.at < $2 GROUP BY t.id
       HAVING count(p.amount_minor) < 2 OR coalesce(sum(p.amount_minor::numeric), 0) <> 0 ORDER BY t.id`,
      [span.start, span.end],
    ),
    db.query<{ log_idx: bigint }>(
      `SELECT r.log_idx FROM billing_transactions r JOIN billing_transactions c ON c.id = r.reverses_id
        WHERE r.kind = 'refund' AND r.at >= $1 AND r.at < $2
          AND (c.kind <> 'charge' OR c.log_idx <> r.log_idx OR EXISTS (
                SELECT 1 FROM (
                  SELECT account_id, amount_minor::numeric AS amount FROM billing_postings WHERE transaction_id = r.id
                  UNION ALL
                  SELECT account_id, amount_minor::numeric FROM billing_postings WHERE transaction_id = c.id
                ) legs GROUP BY account_id HAVING sum(amount) <> 0))
        ORDER BY r.log_idx`,
      [span.start, span.end],
    ),
  ]);
  for (const row of strays) report(ctx, { kind: "charge_unexpected", log_idx: Number(row.log_idx) });
  for (const row of unbalanced) report(ctx, { kind: "unbalanced", transaction_id: BigInt(row.id) });
  for (const row of refunds) report(ctx, { kind: "refund", log_idx: Number(row.log_idx) });
}

/** Booked charge legs dated in the month, summed per account. */
async function bookedTotals(db: Reader, span: BillingMonth): Promise<Map<string, bigint>> {
  const rows = await db.query<AccountKey & { total: string }>(
    `SELECT a.kind, a.institution_id, a.currency, sum(p.amount_minor)::text AS total
       FROM billing_transactions t
       JOIN billing_postings p ON p.transaction_id = t.id
       JOIN billing_accounts a ON a.id = p.account_id
      WHERE t.kind = 'charge' AND t.at >= $1 AND t.at < $2
      GROUP BY a.kind, a.institution_id, a.currency`,
    [span.start, span.end],
  );
  return new Map(rows.map((row) => [legKey(row), BigInt(row.total)]));
}

/** Compares per-account totals; credits are shown positive, as earnings and revenue. */
function totalChecks(
  kind: AccountKind,
  expected: Map<string, bigint>,
  booked: Map<string, bigint>,
): TotalCheck[] {
  const sign = kind === "lender_receivable" ? 1n : -1n;
  return [...new Set([...expected.keys(), ...booked.keys()])]
    .filter((key) => key.startsWith(`${kind}\u0000`))
    .sort()
    .map((key) => {
      const account = keyAccount(key);
      const expected_minor = sign * (expected.get(key) ?? 0n);
      const ledger_minor = sign * (booked.get(key) ?? 0n);
      return {
        institution_id: account.institution_id,
        currency: account.currency,
        expected_minor,
        ledger_minor,
        matches: expected_minor === ledger_minor,
      };
    });
}

/**
 * Recomputes the month from the log: each entry's price by the book, the lender's tier on its day and the
 * same-day rule (the first disclosure of a subject to a lender for a product on a UTC day is charged, later
 * ones are free); each charge's split by the revenue share in force; and compares every leg and every
 * total with the ledger exactly. Refunds are not in the log; they are checked to reverse their charges.
 * Errors: BAD_QUERY (month).
 */
export async function verifyMonth(db: Reader, regime: RegimeCode, month: string): Promise<VerifyReport> {
  const span = parseMonth(month);
  const [book, overrides, institutions, shares, folded_through] = await Promise.all([
    loadPriceBook(db, regime),
    loadTierOverrides(db),
    listInstitutions(db.kysely),
    loadRevenueShares(db),
    foldedThrough(db),
  ]);
  const ctx: Context = {
    regime,
    book,
    overrides,
    kinds: new Map(institutions.map((institution) => [institution.id, institution.kind])),
    shares,
    folded_through,
    seen: new Set(),
    expected: new Map(),
    mismatches: [],
    counts: { entries: 0, charged: 0, free: 0, mismatches: 0 },
  };
  await checkEntries(db, ctx, span);
  await checkLedger(db, ctx, span);
  const booked = await bookedTotals(db, span);
  const lenders = totalChecks("lender_receivable", ctx.expected, booked);
  const furnishers = totalChecks("furnisher_payable", ctx.expected, booked);
  const bureau = totalChecks("bureau_revenue", ctx.expected, booked);
  const totals_match = [...lenders, ...furnishers, ...bureau].every((check) => check.matches);
  return {
    regime,
    month: span.month,
    entries: ctx.counts.entries,
    charged: ctx.counts.charged,
    free: ctx.counts.free,
    folded_through,
    matches: totals_match && ctx.counts.mismatches === 0,
    lenders,
    furnishers,
    bureau,
    mismatches: ctx.mismatches,
    mismatches_total: ctx.counts.mismatches,
  };
}
