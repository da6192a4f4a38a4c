// The revenue share: what part of each price goes to the furnishers whose records were disclosed, and
// the exact split of it, pro rata by records and balanced to the last minor unit.
import assert from "node:assert/strict";
import type { Clock } from "../config/clock.ts";
import type { Database } from "../db/database.ts";
import type { FurnisherContribution } from "../disclosure-log/entry.ts";
import { ApiError } from "../http/errors.ts";
import { requireFutureDay } from "./calendar.ts";
import "./errors.ts";

type Queryable = Pick<Database, "query">;

export const share_bp_max = 10_000;

export interface RevenueShare {
  /** First UTC day the share applies, YYYY-MM-DD. */
  readonly effective_from: string;
  /** Basis points of the price credited to furnishers (3000 = 30%). */
  readonly share_bp: number;
}

export interface Split {
  /** Every contributing furnisher in institution order, with what it earns (possibly 0). */
  readonly furnishers: readonly { institution: string; amount_minor: bigint }[];
  /** The rest of the price. */
  readonly bureau_minor: bigint;
}

export async function loadRevenueShares(db: Queryable): Promise<RevenueShare[]> {
  return db.query<RevenueShare>(
    "SELECT effective_from::text AS effective_from, share_bp FROM billing_revenue_shares ORDER BY effective_from",
  );
}

/** The share in force on a UTC day. The migration seeds one from 2020, so every later day has one. */
export function shareOn(shares: readonly RevenueShare[], day: string): number {
  let best: RevenueShare | undefined;
  for (const share of shares) {
    if (share.effective_from <= day && (!best || share.effective_from > best.effective_from)) best = share;
  }
  assert.ok(best, `a revenue share is in force on ${day}`);
  return best.share_bp;
}

/**
 * Sets the furnishers' share from a future day on, or replaces a change not yet in effect.
 * Errors: BILLING_SHARE_OUT_OF_RANGE, BILLING_EFFECTIVE_DATE_INVALID.
 */
export async function setRevenueShare(
  db: Queryable,
  share: RevenueShare,
  clock: Clock,
): Promise<RevenueShare> {
  if (!Number.isInteger(share.share_bp) || share.share_bp < 0 || share.share_bp > share_bp_max) {
    throw new ApiError(
      "BILLING_SHARE_OUT_OF_RANGE",
      `A share is a whole number of basis points, 0 to ${share_bp_max}.`,
    );
  }
  requireFutureDay(share.effective_from, clock.now());
  await db.query(
    `INSERT INTO billing_revenue_shares (effective_from, share_bp, set_at) VALUES ($1, $2, $3)
     ON CONFLICT (effective_from) DO UPDATE SET share_bp = EXCLUDED.share_bp, set_at = EXCLUDED.set_at`,
    [share.effective_from, share.share_bp, clock.now()],
  );
  return share;
}

/**
 * Splits a price: floor(price × share) is the furnishers' pool, divided pro rata by records. Each gets the
 * floor of its exact part; the few minor units those floors leave go one each to the largest fractional
 * parts, ties to the smaller institution id, so the split is exact and the same on every run. The bureau
 * keeps the rest, and everything when no furnisher contributed.
 */
export function splitRevenue(
  price_minor: bigint,
  share_bp: number,
  furnishers: readonly FurnisherContribution[],
): Split {
  assert.ok(price_minor >= 0n, "a price is not negative");
  assert.ok(
    Number.isInteger(share_bp) && share_bp >= 0 && share_bp <= share_bp_max,
    "a share is 0 to 10000 bp",
  );
  const records_total = furnishers.reduce((sum, f) => {
    assert.ok(Number.isSafeInteger(f.records) && f.records >= 1, "a contribution has at least one record");
    return sum + BigInt(f.records);
  }, 0n);
  if (records_total === 0n) return { furnishers: [], bureau_minor: price_minor };
  const pool = (price_minor * BigInt(share_bp)) / BigInt(share_bp_max);
  const parts = furnishers.map((f) => {
    const exact = pool * BigInt(f.records);
    return {
      institution: f.institution,
      amount_minor: exact / records_total,
      fraction: exact % records_total,
    };
  });
  let leftover = pool - parts.reduce((sum, part) => sum + part.amount_minor, 0n);
  assert.ok(
    leftover >= 0n && leftover < BigInt(parts.length),
    "the floors leave fewer units than furnishers",
  );
  const byFraction = [...parts].sort((a, b) =>
    a.fraction !== b.fraction ? (a.fraction > b.fraction ? -1 : 1) : a.institution < b.institution ? -1 : 1,
  );
  for (const part of byFraction) {
    if (leftover === 0n) break;
    part.amount_minor += 1n;
    leftover -= 1n;
  }
  const sorted = parts
    .sort((a, b) => (a.institution < b.institution ? -1 : a.institution > b.institution ? 1 : 0))
    .map(({ institution, amount_minor }) => ({ institution, amount_minor }));
  const bureau_minor = price_minor - pool;
  assert.equal(
    sorted.reduce((sum, part) => sum + part.amount_minor, bureau_minor),
    price_minor,
    "the split adds up to the price",
  );
  return { furnishers: sorted, bureau_minor };
}
