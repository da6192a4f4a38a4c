// The price book and per-lender tier overrides as dated rows in the database, and priceFor, the price
// the query service charges: the book's rule (findPrice) applied to the database book and the lender's tier.

import type { Clock } from "../config/clock.ts";
import type { RegimeCode } from "../config/regimes.ts";
import type { Database } from "../db/database.ts";
import { referenceDataChanged } from "../db/reference-cache.ts";
import { ApiError } from "../http/errors.ts";
import { findInstitution, getInstitution } from "../institutions/index.ts";
import { requireFutureDay, utcDay } from "./calendar.ts";
import "./errors.ts";
import { type BilledProduct, findPrice, type PriceEntry, type PriceTier, tierOf } from "./price-book.ts";

type Queryable = Pick<Database, "query">;

/** The largest price a bigint column holds: 2^63 - 1 minor units. */
export const price_minor_max = 2n ** 63n - 1n;

export interface TierOverride {
  readonly lender_id: string;
  readonly tier: PriceTier;
  /** First UTC day the override applies, YYYY-MM-DD. */
  readonly effective_from: string;
}

/** Every price row of a regime (all regimes when omitted), oldest first. */
export async function loadPriceBook(db: Queryable, regime?: RegimeCode): Promise<PriceEntry[]> {
  const rows = await db.query<{
    regime: RegimeCode;
    product: BilledProduct;
    tier: PriceTier;
    effective_from: string;
    price_minor: bigint;
    currency: string;
  }>(
    `SELECT regime, product, tier, effective_from::text AS effective_from, price_minor, currency
       FROM billing_prices WHERE $1::text IS NULL OR regime = $1
      ORDER BY regime, product, tier, effective_from`,
    [regime ?? null],
  );
  return rows.map((row) => ({ ...row, price_minor: BigInt(row.price_minor) }));
}

/**
 * Adds a dated price, or replaces one that has not taken effect yet. Errors: BILLING_EFFECTIVE_DATE_INVALID
 * (today or earlier), BILLING_PRICE_OUT_OF_RANGE.
 */
export async function addPrice(db: Queryable, entry: PriceEntry, clock: Clock): Promise<PriceEntry> {
  requireFutureDay(entry.effective_from, clock.now());
  if (entry.price_minor < 0n || entry.price_minor > price_minor_max) {
    throw new ApiError(
      "BILLING_PRICE_OUT_OF_RANGE",
      `A price is between 0 and ${price_minor_max} minor units.`,
    );
  }
  await db.query(
    `INSERT INTO billing_prices (regime, product, tier, effective_from, price_minor, currency, set_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (regime, product, tier, effective_from)
       DO UPDATE SET price_minor = EXCLUDED.price_minor, currency = EXCLUDED.currency, set_at = EXCLUDED.set_at`,
    [
      entry.regime,
      entry.product,
      entry.tier,
      entry.effective_from,
      entry.price_minor.toString(),
      entry.currency,
      clock.now(),
    ],
  );
  referenceDataChanged();
  return entry;
}

export async function loadTierOverrides(db: Queryable, lender_id?: string): Promise<TierOverride[]> {
  return db.query<TierOverride>(
    `SELECT lender_id, tier, effective_from::text AS effective_from FROM billing_tier_overrides
      WHERE $1::text IS NULL OR lender_id = $1 ORDER BY lender_id, effective_from`,
    [lender_id ?? null],
  );
}

/**
 * Puts a lender in a tier from a future day on, or replaces an override not yet in effect.
 * Errors: INSTITUTION_UNKNOWN, BILLING_EFFECTIVE_DATE_INVALID.
 */
export async function setTierOverride(
  db: Pick<Database, "query" | "kysely">,
  override: TierOverride,
  clock: Clock,
): Promise<TierOverride> {
  requireFutureDay(override.effective_from, clock.now());
  await getInstitution(db.kysely, override.lender_id);
  await db.query(
    `INSERT INTO billing_tier_overrides (lender_id, effective_from, tier, set_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (lender_id, effective_from) DO UPDATE SET tier = EXCLUDED.tier, set_at = EXCLUDED.set_at`,
    [override.lender_id, override.effective_from, override.tier, clock.now()],
  );
  referenceDataChanged();
  return override;
}

/**
 * The lender's tier on a UTC day: the latest override in force, else the tier of its institution kind.
 * A lender the exchange does not know is billed as a standard one, as the query service has always done.
 */
export function tierOn(
  overrides: readonly TierOverride[],
  lender_id: string,
  institution_kind: string | undefined,
  day: string,
): PriceTier {
  let best: TierOverride | undefined;
  for (const override of overrides) {
    if (override.lender_id !== lender_id || override.effective_from > day) continue;
    if (!best || override.effective_from > best.effective_from) best = override;
  }
  return best?.tier ?? tierOf(institution_kind ?? "bank");
}

/**
 * What one disclosure of `product` to the lender at `at` costs by the database book, before the
 * same-day rule (the query service charges a repeat query of the same subject on one UTC day nothing).
 * Errors: BILLING_NO_PRICE.
 */
export async function priceFor(
  db: Pick<Database, "query" | "kysely">,
  regime: RegimeCode,
  lender_id: string,
  product: BilledProduct,
  at: Date,
): Promise<{ price_minor: bigint; currency: string; tier: PriceTier }> {
  const [book, overrides, institution] = await Promise.all([
    loadPriceBook(db, regime),
    loadTierOverrides(db, lender_id),
    findInstitution(db.kysely, lender_id),
  ]);
  const tier = tierOn(overrides, lender_id, institution?.kind, utcDay(at));
  const price = findPrice(book, regime, product, tier, at);
  if (!price) {
    throw new ApiError(
      "BILLING_NO_PRICE",
      `The ${regime} price book has no ${product} price (${tier}) on ${utcDay(at)}.`,
    );
  }
  return { price_minor: price.price_minor, currency: price.currency, tier };
}
