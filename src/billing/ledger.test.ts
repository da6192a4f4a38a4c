import assert from "node:assert/strict";
import { it } from "node:test";
import { describeEachBackend } from "../db/testing.ts";
import {
  accountBalances,
  balancedLegs,
  bookTransactions,
  type NewTransaction,
  trialBalance,
} from "./ledger.ts";

const at = new Date("2027-01-05T10:00:00Z");

function charge(log_idx: number, price: bigint, furnisher_minor: bigint): NewTransaction {
  return {
    kind: "charge",
    log_idx,
    lender_id: "big-bank",
    product: "report",
    currency: "CNY",
    at,
    reason: null,
    reverses_id: null,
    legs: [
      {
        account: { kind: "lender_receivable", institution_id: "big-bank", currency: "CNY" },
        amount_minor: price,
      },
      {
        account: { kind: "furnisher_payable", institution_id: "pay-app", currency: "CNY" },
        amount_minor: -furnisher_minor,
      },
      {
        account: { kind: "bureau_revenue", institution_id: null, currency: "CNY" },
        amount_minor: furnisher_minor - price,
      },
    ],
  };
}

/** Expects the statement to fail with a PostgreSQL error whose message matches. */
async function refused(promise: Promise<unknown>, message: RegExp): Promise<void> {
  await assert.rejects(promise, (error: Error) => message.test(error.message));
}

describeEachBackend("billing ledger", (backend) => {
  it("books a balanced transaction once, however often it is booked", async () => {
    const { db } = backend();
    const first = await db.transaction((tx) => bookTransactions(tx, [charge(1, 100n, 30n)], at));
    assert.equal(first.size, 1);
    const again = await db.transaction((tx) => bookTransactions(tx, [charge(1, 100n, 30n)], at));
    assert.equal(again.size, 0);
    assert.deepEqual(
      (await accountBalances(db)).map((a) => [a.kind, a.institution_id, a.balance_minor]),
      [
        ["bureau_revenue", null, -70n],
        ["furnisher_payable", "pay-app", -30n],
        ["lender_receivable", "big-bank", 100n],
      ],
    );
    assert.deepEqual(await trialBalance(db), [{ currency: "CNY", total_minor: 0n }]);
  });

  it("merges legs on one account, drops zero legs, and asserts the sum is zero in code", () => {
    const base = charge(2, 100n, 30n);
    const receivable = base.legs[0] as NewTransaction["legs"][number];
    const idle = { kind: "furnisher_payable", institution_id: "idle-app", currency: "CNY" } as const;
    const merged = balancedLegs({
      ...base,
      legs: [
        ...base.legs,
        { ...receivable, amount_minor: 5n },
        { ...receivable, amount_minor: -5n },
        { account: idle, amount_minor: 0n },
      ],
    });
    assert.deepEqual(
      merged.map((leg) => leg.amount_minor),
      [100n, -30n, -70n],
    );
    assert.throws(() => balancedLegs({ ...base, legs: base.legs.slice(1) }), assert.AssertionError);
    const dollars = base.legs.map((leg) => ({ ...leg, account: { ...leg.account, currency: "USD" } }));
    assert.throws(() => balancedLegs({ ...base, legs: dollars }), assert.AssertionError);
  });

  it("refuses at commit a transaction whose legs do not sum to zero, or that has none", async () => {
    const { db } = backend();
    const [account] = await db.query<{ id: bigint }>(
      "SELECT id FROM billing_accounts WHERE kind = 'bureau_revenue'",
    );
    const insert = `INSERT INTO billing_transactions (kind, log_idx, lender_id, product, currency, at, booked_at)
                    VALUES ('charge', $1, 'big-bank', 'report', 'CNY', $2, $2) RETURNING id`;
    await refused(
      db.transaction(async (tx) => {
        const [row] = await tx.query<{ id: bigint }>(insert, [90, at]);
        await tx.query(
          "INSERT INTO billing_postings (transaction_id, account_id, amount_minor) VALUES ($1, $2, 5)",
          [row?.id, account?.id],
        );
      }),
      /unbalanced/,
    );
    await refused(
      db.transaction((tx) => tx.query(insert, [91, at])),
      /unbalanced/,
    );
    assert.deepEqual(await db.query("SELECT id FROM billing_transactions WHERE log_idx IN (90, 91)"), []);
  });

  it("refuses at commit a leg in another currency than its transaction", async () => {
    const { db } = backend();
    await refused(
      db.transaction(async (tx) => {
        const [usd] = await tx.query<{ id: bigint }>(
          `INSERT INTO billing_accounts (kind, institution_id, currency, created_at)
           VALUES ('lender_receivable', 'big-bank', 'USD', $1) RETURNING id`,
          [at],
        );
        const [bureau] = await tx.query<{ id: bigint }>(
          "SELECT id FROM billing_accounts WHERE kind = 'bureau_revenue'",
        );
        const [row] = await tx.query<{ id: bigint }>(
          `INSERT INTO billing_transactions (kind, log_idx, lender_id, product, currency, at, booked_at)
           VALUES ('charge', 92, 'big-bank', 'report', 'CNY', $1, $1) RETURNING id`,
          [at],
        );
        await tx.query(
          "INSERT INTO billing_postings (transaction_id, account_id, amount_minor) VALUES ($1, $2, 7), ($1, $3, -7)",
          [row?.id, usd?.id, bureau?.id],
        );
      }),
      /1 in another currency/,
    );
  });

  it("refuses to update, delete or truncate anything booked", async () => {
    const { db } = backend();
    for (const statement of [
      "UPDATE billing_postings SET amount_minor = amount_minor * 2",
      "DELETE FROM billing_postings",
      "UPDATE billing_transactions SET lender_id = 'other-bank'",
      "DELETE FROM billing_transactions",
      "UPDATE billing_accounts SET currency = 'USD'",
      "DELETE FROM billing_accounts",
      "TRUNCATE billing_postings",
      "TRUNCATE billing_transactions CASCADE",
    ]) {
      await refused(db.query(statement), /immutable/);
    }
    assert.deepEqual(await trialBalance(db), [{ currency: "CNY", total_minor: 0n }]);
    assert.equal((await db.query("SELECT 1 FROM billing_postings")).length, 3);
  });
});
