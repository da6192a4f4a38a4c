// The double-entry ledger: accounts in one currency each, and transactions whose legs sum to zero. Signed
// minor units: a positive leg is a debit, a negative one a credit. Nothing booked is ever changed; a
// correction is a new transaction (the database refuses updates and deletes, and checks every sum).
import assert from "node:assert/strict";
import type { Database, Tx } from "../db/database.ts";

type Queryable = Pick<Database, "query">;

export const accountKinds = ["lender_receivable", "bureau_revenue", "furnisher_payable"] as const;
export type AccountKind = (typeof accountKinds)[number];
export type TransactionKind = "charge" | "refund";

/** An account is named by its kind, holder and currency; the bureau's revenue account has no holder. */
export interface AccountKey {
  readonly kind: AccountKind;
  readonly institution_id: string | null;
  readonly currency: string;
}

export interface Leg {
  readonly account: AccountKey;
  readonly amount_minor: bigint;
}

export interface NewTransaction {
  readonly kind: TransactionKind;
  readonly log_idx: number;
  readonly lender_id: string;
  readonly product: string;
  readonly currency: string;
  /** Places the transaction in a month: the disclosure's time for a charge, the booking time for a refund. */
  readonly at: Date;
  readonly reason: string | null;
  readonly reverses_id: bigint | null;
  readonly legs: readonly Leg[];
}

const accountId = (key: AccountKey) => `${key.kind}\u0000${key.institution_id ?? ""}\u0000${key.currency}`;

/** Adds legs on the same account together and drops zero ones; asserts the transaction balances. */
export function balancedLegs(transaction: NewTransaction): Leg[] {
  const merged = new Map<string, Leg>();
  for (const leg of transaction.legs) {
    assert.equal(leg.account.currency, transaction.currency, "every leg is in the transaction's currency");
    assert.equal(
      leg.account.institution_id === null,
      leg.account.kind === "bureau_revenue",
      "only the bureau's revenue account has no holder",
    );
    const key = accountId(leg.account);
    merged.set(key, {
      account: leg.account,
      amount_minor: (merged.get(key)?.amount_minor ?? 0n) + leg.amount_minor,
    });
  }
  const legs = [...merged.values()].filter((leg) => leg.amount_minor !== 0n);
  assert.equal(
    legs.reduce((sum, leg) => sum + leg.amount_minor, 0n),
    0n,
    `the ${transaction.kind} for log entry ${transaction.log_idx} sums to zero`,
  );
  assert.ok(legs.length >= 2, `the ${transaction.kind} for log entry ${transaction.log_idx} moves money`);
  return legs;
}

/** Opens the accounts that do not exist yet and returns every one's id. */
async function accountIds(
  tx: Pick<Tx, "query">,
  keys: readonly AccountKey[],
  now: Date,
): Promise<Map<string, bigint>> {
  const unique = [...new Map(keys.map((key) => [accountId(key), key])).values()];
  const columns = [
    unique.map((key) => key.kind),
    unique.map((key) => key.institution_id),
    unique.map((key) => key.currency),
  ];
  await tx.query(
    `INSERT INTO billing_accounts (kind, institution_id, currency, created_at)
     SELECT k.kind, k.institution_id, k.currency, $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS k (kind, institution_id, currency)
     ORDER BY 1, 2, 3
     ON CONFLICT ON CONSTRAINT billing_accounts_holder DO NOTHING`,
    [...columns, now],
  );
  const rows = await tx.query<AccountKey & { id: bigint }>(
    `SELECT a.id, a.kind, a.institution_id, a.currency FROM billing_accounts a
       JOIN unnest($1::text[], $2::text[], $3::text[]) AS k (kind, institution_id, currency)
         ON a.kind = k.kind AND a.institution_id IS NOT DISTINCT FROM k.institution_id AND a.currency = k.currency`,
    columns,
  );
  assert.equal(rows.length, unique.length, "every account exists");
  return new Map(rows.map((row) => [accountId(row), BigInt(row.id)]));
}

/**
 * Books transactions in the caller's database transaction. One whose kind and log index are already
 * booked is skipped, so booking twice changes nothing. Returns the ids of the transactions booked now,
 * by log index.
 */
export async function bookTransactions(
  tx: Pick<Tx, "query">,
  transactions: readonly NewTransaction[],
  booked_at: Date,
): Promise<Map<number, bigint>> {
  if (transactions.length === 0) return new Map();
  const legs = transactions.map(balancedLegs);
  const ids = await accountIds(
    tx,
    legs.flatMap((list) => list.map((leg) => leg.account)),
    booked_at,
  );
  const inserted = await tx.query<{ id: bigint; log_idx: bigint }>(
    `INSERT INTO billing_transactions (kind, log_idx, lender_id, product, currency, at, booked_at, reason, reverses_id)
     SELECT t.kind, t.log_idx, t.lender_id, t.product, t.currency, t.at, $7, t.reason, t.reverses_id
       FROM unnest($1::text[], $2::int8[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $8::text[], $9::int8[])
         AS t (kind, log_idx, lender_id, product, currency, at, reason, reverses_id)
     ON CONFLICT ON CONSTRAINT billing_transactions_once DO NOTHING
     RETURNING id, log_idx`,
    [
      transactions.map((t) => t.kind),
      transactions.map((t) => String(t.log_idx)),
      transactions.map((t) => t.lender_id),
      transactions.map((t) => t.product),
      transactions.map((t) => t.currency),
      transactions.map((t) => t.at.toISOString()),
      booked_at,
      transactions.map((t) => t.reason),
      transactions.map((t) => (t.reverses_id === null ? null : String(t.reverses_id))),
    ],
  );
  const booked = new Map(inserted.map((row) => [Number(row.log_idx), BigInt(row.id)]));
  const postings: { transaction_id: bigint; account_id: bigint; amount_minor: bigint }[] = [];
  transactions.forEach((transaction, i) => {
    const transaction_id = booked.get(transaction.log_idx);
    if (transaction_id === undefined) return;
    for (const leg of legs[i] as Leg[]) {
      postings.push({
        transaction_id,
        account_id: ids.get(accountId(leg.account)) as bigint,
        amount_minor: leg.amount_minor,
      });
    }
  });
  if (postings.length > 0) {
    await tx.query(
      `INSERT INTO billing_postings (transaction_id, account_id, amount_minor)
       SELECT * FROM unnest($1::int8[], $2::int8[], $3::int8[])`,
      [
        postings.map((p) => String(p.transaction_id)),
        postings.map((p) => String(p.account_id)),
        postings.map((p) => String(p.amount_minor)),
      ],
    );
  }
  return booked;
}

export interface AccountBalance extends AccountKey {
  /** Debits minus credits: what a lender owes, or minus what the bureau owes a furnisher or keeps. */
  readonly balance_minor: bigint;
}

/**
 * Account balances from everything dated before `before` (everything when omitted), of every account or of
 * the accounts of one kind or holder.
 */
export async function accountBalances(
  db: Queryable,
  filter: { before?: Date; kind?: AccountKind; institution_id?: string } = {},
): Promise<AccountBalance[]> {
  const rows = await db.query<AccountKey & { balance: string }>(
    `SELECT a.kind, a.institution_id, a.currency,
            coalesce(sum(p.amount_minor) FILTER (WHERE $1::timestamptz IS NULL OR t.at < $1), 0)::text AS balance
       FROM billing_accounts a
       LEFT JOIN billing_postings p ON p.account_id = a.id
       LEFT JOIN billing_transactions t ON t.id = p.transaction_id
      WHERE ($2::text IS NULL OR a.kind = $2) AND ($3::text IS NULL OR a.institution_id = $3)
      GROUP BY a.id, a.kind, a.institution_id, a.currency
      ORDER BY a.currency, a.kind, a.institution_id NULLS FIRST`,
    [filter.before ?? null, filter.kind ?? null, filter.institution_id ?? null],
  );
  return rows.map(({ balance, ...key }) => ({ ...key, balance_minor: BigInt(balance) }));
}

/** The sum of every posting per currency; a sound ledger has zero in each. */
export async function trialBalance(db: Queryable): Promise<{ currency: string; total_minor: bigint }[]> {
  const rows = await db.query<{ currency: string; total: string }>(
    `SELECT a.currency, sum(p.amount_minor)::text AS total FROM billing_postings p
       JOIN billing_accounts a ON a.id = p.account_id GROUP BY a.currency ORDER BY a.currency`,
  );
  return rows.map((row) => ({ currency: row.currency, total_minor: BigInt(row.total) }));
}
