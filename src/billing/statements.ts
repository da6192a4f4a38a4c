// Monthly statements read from the ledger: a lender's charges by product, a furnisher's earnings by
// lender and product, and the exchange's totals for the regulator. None of them names a subject.
import type { Database } from "../db/database.ts";
import { getInstitution } from "../institutions/index.ts";
import { type BillingMonth, parseMonth } from "./calendar.ts";
import { type AccountBalance, type AccountKind, accountBalances } from "./ledger.ts";
import { foldedThrough } from "./metering.ts";
import { billedProducts } from "./price-book.ts";

type Reader = Pick<Database, "query" | "kysely">;

export interface LenderLine {
  readonly product: string;
  readonly currency: string;
  /** Charged disclosures dated in the month. */
  readonly count: number;
  /** Disclosures dated in the month that cost nothing (a repeat query of a subject on one day). */
  readonly free_count: number;
  readonly gross_minor: bigint;
  /** Refunds booked in the month, whichever month the refunded charge was in. */
  readonly refund_count: number;
  readonly refunds_minor: bigint;
  readonly net_minor: bigint;
}

export interface FurnisherLine {
  readonly lender_id: string;
  readonly product: string;
  readonly currency: string;
  /** Disclosures dated in the month that earned this furnisher something. */
  readonly count: number;
  readonly earned_minor: bigint;
  /** Earnings taken back by refunds booked in the month. */
  readonly reversal_count: number;
  readonly reversed_minor: bigint;
  readonly net_minor: bigint;
}

export interface CurrencyTotal {
  readonly currency: string;
  readonly gross_minor: bigint;
  readonly refunds_minor: bigint;
  readonly net_minor: bigint;
  /** What the account stands at the end of the month: owed by the lender, or owed to the furnisher. */
  readonly accrued_minor: bigint;
}

interface StatementHead {
  readonly institution_id: string;
  readonly institution_name: string;
  readonly month: string;
  /** Log entries below this index are in the ledger; later disclosures are not yet on any statement. */
  readonly folded_through: number;
}

export interface LenderStatement extends StatementHead {
  readonly kind: "lender";
  readonly lines: readonly LenderLine[];
  readonly totals: readonly CurrencyTotal[];
}

export interface FurnisherStatement extends StatementHead {
  readonly kind: "furnisher";
  readonly lines: readonly FurnisherLine[];
  readonly totals: readonly CurrencyTotal[];
}

export interface InstitutionTotal {
  readonly institution_id: string;
  readonly currency: string;
  readonly count: number;
  readonly gross_minor: bigint;
  readonly refund_count: number;
  readonly refunds_minor: bigint;
  readonly net_minor: bigint;
}

export interface BillingTotals {
  readonly month: string;
  readonly folded_through: number;
  /** Per lender: charges (gross), refunds and net, as on the lender statements. */
  readonly lenders: readonly InstitutionTotal[];
  /** Per furnisher: earnings (gross), reversals (refunds) and net, as on the furnisher statements. */
  readonly furnishers: readonly InstitutionTotal[];
  /** The bureau's revenue: its part of the charges less its part of the refunds. */
  readonly bureau: readonly Omit<InstitutionTotal, "institution_id">[];
  /** The month's postings summed per currency: zero in every currency when the books balance. */
  readonly balance: readonly { currency: string; total_minor: bigint }[];
  /** Every account at the end of the month. */
  readonly accounts: readonly AccountBalance[];
}

interface Grouped {
  readonly holder: string | null;
  readonly lender_id: string;
  readonly product: string;
  readonly currency: string;
  readonly kind: "charge" | "refund";
  readonly n: bigint;
  /** Positive for what the holder is charged or earns, negative for what refunds take back. */
  readonly amount_minor: bigint;
}

/** The month's legs on one kind of account, grouped; credits are made positive for furnishers and the bureau. */
async function legsOf(db: Reader, account_kind: AccountKind, holder: string | null, span: BillingMonth) {
  const sign = account_kind === "lender_receivable" ? 1n : -1n;
  const rows = await db.query<Omit<Grouped, "amount_minor"> & { amount: string }>(
    `SELECT a.institution_id AS holder, t.lender_id, t.product, t.currency, t.kind,
            count(*)::int8 AS n, sum(p.amount_minor)::text AS amount
       FROM billing_accounts a
       JOIN billing_postings p ON p.account_id = a.id
       JOIN billing_transactions t ON t.id = p.transaction_id
      WHERE a.kind = $1 AND ($2::text IS NULL OR a.institution_id = $2) AND t.at >= $3 AND t.at < $4
      GROUP BY a.institution_id, t.lender_id, t.product, t.currency, t.kind`,
    [account_kind, holder, span.start, span.end],
  );
  return rows.map(({ amount, ...row }): Grouped => ({ ...row, amount_minor: sign * BigInt(amount) }));
}

interface Tally {
  count: number;
  gross_minor: bigint;
  refund_count: number;
  refunds_minor: bigint;
}

/** Folds charge and refund groups into one tally per key. */
function tally(groups: readonly Grouped[], keyOf: (group: Grouped) => string): Map<string, Tally> {
  const tallies = new Map<string, Tally>();
  for (const group of groups) {
    const key = keyOf(group);
    const current = tallies.get(key) ?? { count: 0, gross_minor: 0n, refund_count: 0, refunds_minor: 0n };
    if (group.kind === "charge") {
      current.count += Number(group.n);
      current.gross_minor += group.amount_minor;
    } else {
      current.refund_count += Number(group.n);
      current.refunds_minor -= group.amount_minor;
    }
    tallies.set(key, current);
  }
  return tallies;
}

const productRank = (product: string) => {
  const rank = (billedProducts as readonly string[]).indexOf(product);
  return rank === -1 ? billedProducts.length : rank;
};

function byKey<T>(keys: (item: T) => (string | number)[]) {
  return (a: T, b: T) => {
    const ka = keys(a);
    const kb = keys(b);
    for (let i = 0; i < ka.length; i++) {
      if (ka[i] !== kb[i]) return (ka[i] as string | number) < (kb[i] as string | number) ? -1 : 1;
    }
    return 0;
  };
}

async function currencyTotals(
  db: Reader,
  account_kind: "lender_receivable" | "furnisher_payable",
  holder: string,
  span: BillingMonth,
  lines: readonly { currency: string; gross: bigint; refunds: bigint }[],
): Promise<CurrencyTotal[]> {
  const balances = await accountBalances(db, {
    before: span.end,
    kind: account_kind,
    institution_id: holder,
  });
  const currencies = new Set([...balances.map((b) => b.currency), ...lines.map((line) => line.currency)]);
  return [...currencies].sort().map((currency) => {
    const mine = lines.filter((line) => line.currency === currency);
    const gross_minor = mine.reduce((sum, line) => sum + line.gross, 0n);
    const refunds_minor = mine.reduce((sum, line) => sum + line.refunds, 0n);
    const balance = balances.find((b) => b.currency === currency)?.balance_minor ?? 0n;
    return {
      currency,
      gross_minor,
      refunds_minor,
      net_minor: gross_minor - refunds_minor,
      accrued_minor: account_kind === "lender_receivable" ? balance : -balance,
    };
  });
}

/** A lender's statement for a month. Errors: BAD_QUERY (month), INSTITUTION_UNKNOWN. */
export async function lenderStatement(
  db: Reader,
  lender_id: string,
  month: string,
): Promise<LenderStatement> {
  const span = parseMonth(month);
  const institution = await getInstitution(db.kysely, lender_id);
  const folded_through = await foldedThrough(db);
  const [groups, free] = await Promise.all([
    legsOf(db, "lender_receivable", lender_id, span),
    db.query<{ product: string; currency: string; n: bigint }>(
      `SELECT product, trim(currency) AS currency, count(*)::int8 AS n FROM log_entries
        WHERE recipient = $1 AND at >= $2 AND at < $3 AND price_minor = 0 AND idx < $4
        GROUP BY product, currency`,
      [lender_id, span.start, span.end, folded_through],
    ),
  ]);
  const tallies = tally(groups, (g) => `${g.product}\u0000${g.currency}`);
  for (const row of free) {
    const key = `${row.product}\u0000${row.currency}`;
    if (!tallies.has(key))
      tallies.set(key, { count: 0, gross_minor: 0n, refund_count: 0, refunds_minor: 0n });
  }
  const lines: LenderLine[] = [...tallies.entries()]
    .map(([key, t]) => {
      const [product, currency] = key.split("\u0000") as [string, string];
      const free_count = Number(
        free.find((row) => row.product === product && row.currency === currency)?.n ?? 0n,
      );
      return {
        product,
        currency,
        count: t.count,
        free_count,
        gross_minor: t.gross_minor,
        refund_count: t.refund_count,
        refunds_minor: t.refunds_minor,
        net_minor: t.gross_minor - t.refunds_minor,
      };
    })
    .sort(byKey((line) => [productRank(line.product), line.currency]));
  const totals = await currencyTotals(
    db,
    "lender_receivable",
    lender_id,
    span,
    lines.map((line) => ({ currency: line.currency, gross: line.gross_minor, refunds: line.refunds_minor })),
  );
  return {
    kind: "lender",
    institution_id: lender_id,
    institution_name: institution.name,
    month: span.month,
    folded_through,
    lines,
    totals,
  };
}

/** A furnisher's earnings for a month. Errors: BAD_QUERY (month), INSTITUTION_UNKNOWN. */
export async function furnisherStatement(
  db: Reader,
  furnisher_id: string,
  month: string,
): Promise<FurnisherStatement> {
  const span = parseMonth(month);
  const institution = await getInstitution(db.kysely, furnisher_id);
  const folded_through = await foldedThrough(db);
  const groups = await legsOf(db, "furnisher_payable", furnisher_id, span);
  const lines: FurnisherLine[] = [
    ...tally(groups, (g) => `${g.lender_id}\u0000${g.product}\u0000${g.currency}`).entries(),
  ]
    .map(([key, t]) => {
      const [lender_id, product, currency] = key.split("\u0000") as [string, string, string];
      return {
        lender_id,
        product,
        currency,
        count: t.count,
        earned_minor: t.gross_minor,
        reversal_count: t.refund_count,
        reversed_minor: t.refunds_minor,
        net_minor: t.gross_minor - t.refunds_minor,
      };
    })
    .sort(byKey((line) => [line.lender_id, productRank(line.product), line.currency]));
  const totals = await currencyTotals(
    db,
    "furnisher_payable",
    furnisher_id,
    span,
    lines.map((line) => ({
      currency: line.currency,
      gross: line.earned_minor,
      refunds: line.reversed_minor,
    })),
  );
  return {
    kind: "furnisher",
    institution_id: furnisher_id,
    institution_name: institution.name,
    month: span.month,
    folded_through,
    lines,
    totals,
  };
}

function institutionTotals(groups: readonly Grouped[]): InstitutionTotal[] {
  return [...tally(groups, (g) => `${g.holder ?? ""}\u0000${g.currency}`).entries()]
    .map(([key, t]) => {
      const [institution_id, currency] = key.split("\u0000") as [string, string];
      return { institution_id, currency, ...t, net_minor: t.gross_minor - t.refunds_minor };
    })
    .sort(byKey((row) => [row.institution_id, row.currency]));
}

/** The exchange's totals for a month, for the regulator and the bureau. Errors: BAD_QUERY (month). */
export async function billingTotals(db: Reader, month: string): Promise<BillingTotals> {
  const span = parseMonth(month);
  const [folded_through, lenders, furnishers, bureau, balance, accounts] = await Promise.all([
    foldedThrough(db),
    legsOf(db, "lender_receivable", null, span),
    legsOf(db, "furnisher_payable", null, span),
    legsOf(db, "bureau_revenue", null, span),
    db.query<{ currency: string; total: string }>(
      `SELECT a.currency, sum(p.amount_minor)::text AS total
         FROM billing_transactions t
         JOIN billing_postings p ON p.transaction_id = t.id
         JOIN billing_accounts a ON a.id = p.account_id
        WHERE t.at >= $1 AND t.at < $2 GROUP BY a.currency ORDER BY a.currency`,
      [span.start, span.end],
    ),
    accountBalances(db, { before: span.end }),
  ]);
  return {
    month: span.month,
    folded_through,
    lenders: institutionTotals(lenders),
    furnishers: institutionTotals(furnishers),
    bureau: institutionTotals(bureau).map(({ institution_id: _none, ...rest }) => rest),
    balance: balance.map((row) => ({ currency: row.currency, total_minor: BigInt(row.total) })),
    accounts,
  };
}
