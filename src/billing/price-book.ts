// The price book: what each product costs per regime and lender tier, from which date. Prices are data.
import type { RegimeCode } from "../config/regimes.ts";

export const billedProducts = ["report", "score", "report+score", "alert"] as const;
export type BilledProduct = (typeof billedProducts)[number];
export type PriceTier = "standard" | "small_lender";

export interface PriceEntry {
  readonly regime: RegimeCode;
  readonly product: BilledProduct;
  readonly tier: PriceTier;
  /** First UTC day the price applies, YYYY-MM-DD. */
  readonly effective_from: string;
  readonly price_minor: bigint;
  readonly currency: string;
}

// The cn reference: 1 yuan per personal report, half for small lenders; a score costs half a report.
export const defaultPriceBook: readonly PriceEntry[] = [
  {
    regime: "cn",
    product: "report",
    tier: "standard",
    effective_from: "2020-01-01",
    price_minor: 100n,
    currency: "CNY",
  },
  {
    regime: "cn",
    product: "report",
    tier: "small_lender",
    effective_from: "2020-01-01",
    price_minor: 50n,
    currency: "CNY",
  },
  {
    regime: "cn",
    product: "score",
    tier: "standard",
    effective_from: "2020-01-01",
    price_minor: 50n,
    currency: "CNY",
  },
  {
    regime: "cn",
    product: "score",
    tier: "small_lender",
    effective_from: "2020-01-01",
    price_minor: 25n,
    currency: "CNY",
  },
  {
    regime: "cn",
    product: "report+score",
    tier: "standard",
    effective_from: "2020-01-01",
    price_minor: 130n,
    currency: "CNY",
  },
  {
    regime: "cn",
    product: "report+score",
    tier: "small_lender",
    effective_from: "2020-01-01",
    price_minor: 65n,
    currency: "CNY",
  },
  {
    regime: "cn",
    product: "alert",
    tier: "standard",
    effective_from: "2020-01-01",
    price_minor: 10n,
    currency: "CNY",
  },
  {
    regime: "cn",
    product: "alert",
    tier: "small_lender",
    effective_from: "2020-01-01",
    price_minor: 5n,
    currency: "CNY",
  },
  {
    regime: "us",
    product: "report",
    tier: "standard",
    effective_from: "2020-01-01",
    price_minor: 150n,
    currency: "USD",
  },
  {
    regime: "us",
    product: "report",
    tier: "small_lender",
    effective_from: "2020-01-01",
    price_minor: 100n,
    currency: "USD",
  },
  {
    regime: "us",
    product: "score",
    tier: "standard",
    effective_from: "2020-01-01",
    price_minor: 75n,
    currency: "USD",
  },
  {
    regime: "us",
    product: "score",
    tier: "small_lender",
    effective_from: "2020-01-01",
    price_minor: 50n,
    currency: "USD",
  },
  {
    regime: "us",
    product: "report+score",
    tier: "standard",
    effective_from: "2020-01-01",
    price_minor: 200n,
    currency: "USD",
  },
  {
    regime: "us",
    product: "report+score",
    tier: "small_lender",
    effective_from: "2020-01-01",
    price_minor: 130n,
    currency: "USD",
  },
  {
    regime: "us",
    product: "alert",
    tier: "standard",
    effective_from: "2020-01-01",
    price_minor: 15n,
    currency: "USD",
  },
  {
    regime: "us",
    product: "alert",
    tier: "small_lender",
    effective_from: "2020-01-01",
    price_minor: 10n,
    currency: "USD",
  },
];

export function tierOf(institution_kind: string): PriceTier {
  return institution_kind === "small_lender" ? "small_lender" : "standard";
}

/** The entry in force on `at` for the product and tier: the one with the latest effective date not after it. */
export function findPrice(
  book: readonly PriceEntry[],
  regime: RegimeCode,
  product: BilledProduct,
  tier: PriceTier,
  at: Date,
): PriceEntry | undefined {
  const day = at.toISOString().slice(0, 10);
  let best: PriceEntry | undefined;
  for (const entry of book) {
    if (
      entry.regime !== regime ||
      entry.product !== product ||
      entry.tier !== tier ||
      entry.effective_from > day
    )
      continue;
    if (!best || entry.effective_from > best.effective_from) best = entry;
  }
  return best;
}

/** The price in force on `at` for the product and tier: the entry with the latest effective date not after it. */
export function priceOf(
  book: readonly PriceEntry[],
  regime: RegimeCode,
  product: BilledProduct,
  tier: PriceTier,
  at: Date,
): { price_minor: bigint; currency: string } {
  const best = findPrice(book, regime, product, tier, at);
  if (!best) {
    const day = at.toISOString().slice(0, 10);
    throw new Error(`the price book has no ${regime} price for ${product} (${tier}) on ${day}`);
  }
  return { price_minor: best.price_minor, currency: best.currency };
}
