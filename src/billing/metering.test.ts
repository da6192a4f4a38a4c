import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { before, it } from "node:test";
import { ManualClock } from "../config/clock.ts";
import type { Database } from "../db/database.ts";
import { describeEachBackend } from "../db/testing.ts";
import { commitSubject, encodeEntry } from "../disclosure-log/entry.ts";
import { ApiError } from "../http/errors.ts";
import { createInstitution, removeInstitution } from "../institutions/index.ts";
import { accountBalances, trialBalance } from "./ledger.ts";
import { fold_batch_max, foldLog, startFolding } from "./metering.ts";
import { addPrice, price_minor_max, setTierOverride } from "./price-store.ts";
import { refundDisclosure } from "./refunds.ts";
import { setRevenueShare } from "./revenue-share.ts";
import { billingTotals, furnisherStatement, lenderStatement } from "./statements.ts";
import { appendDisclosures, syntheticSubjectKey, type TestDisclosure } from "./test-support.ts";
import { verifyMonth } from "./verify.ts";

const code = (expected: string) => (error: unknown) => error instanceof ApiError && error.code === expected;
const pay = (records: number) => ({ institution: "pay-app", records });
const shop = (records: number) => ({ institution: "shop-app", records });
const ride = (records: number) => ({ institution: "ride-app", records });
const food = (records: number) => ({ institution: "food-app", records });

async function assertBalanced(db: Database): Promise<void> {
  for (const row of await trialBalance(db)) assert.equal(row.total_minor, 0n, `${row.currency} balances`);
}

async function assertMatches(db: Database, month: string): Promise<void> {
  const report = await verifyMonth(db, "cn", month);
  assert.deepEqual(report.mismatches, [], `${month} has no mismatches`);
  assert.ok(report.matches, `${month} matches`);
}

/** Every row of the ledger, for comparing before and after something that must change nothing. */
async function ledgerRows(db: Database) {
  return {
    transactions: await db.query("SELECT * FROM billing_transactions ORDER BY id"),
    postings: await db.query("SELECT * FROM billing_postings ORDER BY transaction_id, account_id"),
    accounts: await db.query("SELECT * FROM billing_accounts ORDER BY id"),
  };
}

describeEachBackend("billing metering", (backend) => {
  const clock = new ManualClock("2027-01-01T00:00:00Z");
  const append = (list: TestDisclosure[]) => appendDisclosures(backend().db, "cn", list);

  before(async () => {
    const { db } = backend();
    const members = [
      ["big-bank", "bank", "lender"],
      ["town-lender", "small_lender", "lender"],
      ["third-bank", "bank", "lender"],
      ["pay-app", "platform", "furnisher"],
      ["shop-app", "platform", "furnisher"],
      ["ride-app", "platform", "furnisher"],
      ["food-app", "platform", "furnisher"],
    ] as const;
    for (const [id, kind, role] of members) {
      await createInstitution(
        db.kysely,
        { id, name: `Synthetic ${id}`, legal_id: id, roles: [role], kind },
        clock,
      );
    }
  });

  let january: number[] = [];
  it("charges each priced disclosure once, shares 30% with its furnishers, and skips same-day repeats", async () => {
    const { db } = backend();
    january = await append([
      {
        at: "2027-01-05T10:00:00Z",
        recipient: "big-bank",
        product: "report",
        subject: 1,
        furnishers: [pay(2), shop(1)],
      },
      {
        at: "2027-01-05T15:00:00Z",
        recipient: "big-bank",
        product: "report",
        subject: 1,
        furnishers: [pay(2), shop(1)],
      },
      {
        at: "2027-01-06T09:00:00Z",
        recipient: "big-bank",
        product: "report",
        subject: 1,
        furnishers: [pay(2), shop(1)],
      },
      {
        at: "2027-01-05T16:00:00Z",
        recipient: "big-bank",
        product: "score",
        subject: 1,
        furnishers: [pay(2), shop(1)],
      },
      {
        at: "2027-01-07T08:00:00Z",
        recipient: "town-lender",
        product: "report",
        subject: 2,
        furnishers: [pay(1)],
      },
      {
        at: "2027-01-08T08:00:00Z",
        recipient: "big-bank",
        product: "report+score",
        subject: 3,
        furnishers: [],
      },
    ]);
    assert.deepEqual(await foldLog(db, clock), { folded: 6, posted: 5, last_idx: 5 });
    await assertBalanced(db);
    await assertMatches(db, "2027-01");

    const bank = await lenderStatement(db, "big-bank", "2027-01");
    assert.deepEqual(
      bank.lines.map((line) => [line.product, line.count, line.free_count, line.gross_minor, line.net_minor]),
      [
        ["report", 2, 1, 200n, 200n],
        ["score", 1, 0, 50n, 50n],
        ["report+score", 1, 0, 130n, 130n],
      ],
    );
    assert.deepEqual(bank.totals, [
      { currency: "CNY", gross_minor: 380n, refunds_minor: 0n, net_minor: 380n, accrued_minor: 380n },
    ]);
    const payApp = await furnisherStatement(db, "pay-app", "2027-01");
    assert.deepEqual(
      payApp.lines.map((line) => [line.lender_id, line.product, line.count, line.earned_minor]),
      [
        ["big-bank", "report", 2, 40n],
        ["big-bank", "score", 1, 10n],
        ["town-lender", "report", 1, 15n],
      ],
    );
    const totals = await billingTotals(db, "2027-01");
    assert.deepEqual(
      totals.furnishers.map((row) => [row.institution_id, row.gross_minor]),
      [
        ["pay-app", 65n],
        ["shop-app", 25n],
      ],
    );
    assert.deepEqual(
      totals.bureau.map((row) => row.gross_minor),
      [430n - 90n],
    );
    assert.deepEqual(totals.balance, [{ currency: "CNY", total_minor: 0n }]);
  });

  it("folds at once when folding starts, and finishes that fold before it stops", async () => {
    const { db } = backend();
    const [late] = await append([
      {
        at: "2027-01-20T10:00:00Z",
        recipient: "town-lender",
        product: "alert",
        subject: 4,
        furnishers: [pay(1)],
      },
    ]);
    const errors: unknown[] = [];
    const folding = startFolding(db, clock, 60_000, (error) => errors.push(error));
    await folding.stop();
    assert.deepEqual(errors, []);
    const [charge] = await db.query(
      "SELECT 1 FROM billing_transactions WHERE kind = 'charge' AND log_idx = $1",
      [late],
    );
    assert.ok(charge);
    await assertMatches(db, "2027-01");
  });

  it("changes nothing when the fold is replayed, even from the first entry", async () => {
    const { db } = backend();
    const before = await ledgerRows(db);
    assert.deepEqual(await foldLog(db, clock), { folded: 0, posted: 0, last_idx: 6 });
    await db.query("UPDATE billing_fold_cursor SET next_idx = 0");
    assert.deepEqual(await foldLog(db, clock), { folded: 7, posted: 0, last_idx: 6 });
    assert.deepEqual(await ledgerRows(db), before);
    await assertMatches(db, "2027-01");
  });

  it("applies a mid-month price change, revenue share change and tier override from their days", async () => {
    const { db } = backend();
    clock.set("2027-02-01T00:00:00Z");
    await addPrice(
      db,
      {
        regime: "cn",
        product: "report",
        tier: "standard",
        effective_from: "2027-02-15",
        price_minor: 120n,
        currency: "CNY",
      },
      clock,
    );
    await setRevenueShare(db, { share_bp: 5000, effective_from: "2027-02-20" }, clock);
    await setTierOverride(
      db,
      { lender_id: "third-bank", tier: "small_lender", effective_from: "2027-02-25" },
      clock,
    );
    clock.set("2027-02-14T09:00:00Z");
    const days = ["2027-02-14", "2027-02-15", "2027-02-20", "2027-02-26"];
    await append(
      days.flatMap((day, i) => [
        {
          at: `${day}T09:00:00Z`,
          recipient: "big-bank",
          product: "report",
          subject: 10 + i,
          furnishers: [pay(1)],
        },
        {
          at: `${day}T09:00:00Z`,
          recipient: "third-bank",
          product: "report",
          subject: 10 + i,
          furnishers: [pay(1)],
        },
      ]),
    );
    clock.set("2027-03-01T00:00:00Z");
    await foldLog(db, clock);
    await assertBalanced(db);
    await assertMatches(db, "2027-02");
    const gross = async (lender: string) =>
      (await lenderStatement(db, lender, "2027-02")).lines[0]?.gross_minor;
    assert.equal(await gross("big-bank"), 100n + 120n + 120n + 120n);
    assert.equal(await gross("third-bank"), 100n + 120n + 120n + 50n);
    const earned = (await furnisherStatement(db, "pay-app", "2027-02")).totals[0];
    // 30% of 100 and 120 before the 20th, 50% of 120, 120 and 120, 50 after it.
    assert.equal(earned?.gross_minor, 30n + 36n + 30n + 36n + 60n + 60n + 60n + 25n);
  });

  let march: number[] = [];
  it("refunds a disputed charge with a reversing transaction, once, and keeps the books balanced", async () => {
    const { db } = backend();
    clock.set("2027-03-02T08:00:00Z");
    march = await append([
      {
        at: "2027-03-02T08:00:00Z",
        recipient: "big-bank",
        product: "report",
        subject: 20,
        furnishers: [pay(1), shop(1)],
      },
      {
        at: "2027-03-02T09:00:00Z",
        recipient: "big-bank",
        product: "report",
        subject: 20,
        furnishers: [pay(1), shop(1)],
      },
      {
        at: "2027-03-03T08:00:00Z",
        recipient: "big-bank",
        product: "report",
        subject: 21,
        furnishers: [pay(1), shop(1)],
      },
    ]);
    const disputed = march[0] as number;
    await assert.rejects(
      refundDisclosure(db, disputed, "subject disputes the query", clock),
      code("BILLING_NOT_METERED"),
    );
    await foldLog(db, clock);
    clock.set("2027-03-10T12:00:00Z");
    const before = await accountBalances(db);

    const refund = await refundDisclosure(db, disputed, "subject disputes the query", clock);
    assert.equal(refund.refunded_minor, 120n);
    assert.equal(refund.replay, false);
    const again = await refundDisclosure(db, disputed, "subject disputes the query", clock);
    assert.deepEqual({ ...again, replay: false }, refund);
    assert.equal(again.replay, true);
    await assert.rejects(
      refundDisclosure(db, disputed, "another reason", clock),
      code("BILLING_REFUND_CONFLICT"),
    );
    await assert.rejects(refundDisclosure(db, disputed, "   ", clock), code("BILLING_REASON_INVALID"));
    await assert.rejects(
      refundDisclosure(db, march[1] as number, "free", clock),
      code("BILLING_CHARGE_UNKNOWN"),
    );
    await assert.rejects(refundDisclosure(db, 10_000_000, "absent", clock), code("BILLING_CHARGE_UNKNOWN"));

    // Each leg is reversed: 120 back to the lender, 30 and 30 from the furnishers, 60 from the bureau.
    const after = await accountBalances(db);
    const moved = after.map((account) => {
      const earlier = before.find(
        (b) => b.kind === account.kind && b.institution_id === account.institution_id,
      );
      return [account.kind, account.institution_id, account.balance_minor - (earlier?.balance_minor ?? 0n)];
    });
    assert.deepEqual(
      moved.filter(([, , delta]) => delta !== 0n),
      [
        ["bureau_revenue", null, 60n],
        ["furnisher_payable", "pay-app", 30n],
        ["furnisher_payable", "shop-app", 30n],
        ["lender_receivable", "big-bank", -120n],
      ],
    );
    await assertBalanced(db);
    await assertMatches(db, "2027-03");
    const line = (await lenderStatement(db, "big-bank", "2027-03")).lines[0];
    assert.deepEqual(
      [
        line?.count,
        line?.free_count,
        line?.gross_minor,
        line?.refund_count,
        line?.refunds_minor,
        line?.net_minor,
      ],
      [2, 1, 240n, 1, 120n, 120n],
    );
    const shopLine = (await furnisherStatement(db, "shop-app", "2027-03")).lines[0];
    assert.deepEqual(
      [shopLine?.earned_minor, shopLine?.reversed_minor, shopLine?.net_minor],
      [60n, 30n, 30n],
    );
  });

  it("books a refund of an earlier month's charge in the month it is granted, leaving the earlier month as it was", async () => {
    const { db } = backend();
    const january_before = await lenderStatement(db, "big-bank", "2027-01");
    await refundDisclosure(db, january[0] as number, "charged in error", clock);
    assert.deepEqual(await lenderStatement(db, "big-bank", "2027-01"), january_before);
    const report = (await lenderStatement(db, "big-bank", "2027-03")).lines[0];
    assert.deepEqual([report?.refund_count, report?.refunds_minor, report?.net_minor], [2, 220n, 20n]);
    await assertMatches(db, "2027-01");
    await assertMatches(db, "2027-03");
    await assertBalanced(db);
  });

  it("keeps a removed furnisher's earnings payable and the books balanced", async () => {
    const { db } = backend();
    clock.set("2027-04-02T08:00:00Z");
    await append([
      {
        at: "2027-04-02T08:00:00Z",
        recipient: "big-bank",
        product: "report",
        subject: 30,
        furnishers: [ride(3), pay(1)],
      },
      {
        at: "2027-04-03T08:00:00Z",
        recipient: "town-lender",
        product: "score",
        subject: 31,
        furnishers: [ride(1)],
      },
    ]);
    await foldLog(db, clock);
    const payable = async () =>
      (await accountBalances(db, { kind: "furnisher_payable", institution_id: "ride-app" }))[0]
        ?.balance_minor;
    const earned = await payable();
    assert.equal(earned, -(45n + 12n));
    await removeInstitution(db.kysely, "ride-app", clock);
    clock.set("2027-04-20T08:00:00Z");
    await append([
      {
        at: "2027-04-20T08:00:00Z",
        recipient: "big-bank",
        product: "report",
        subject: 32,
        furnishers: [pay(1), food(1)],
      },
    ]);
    await foldLog(db, clock);
    assert.equal(await payable(), earned);
    const statement = await furnisherStatement(db, "ride-app", "2027-04");
    assert.deepEqual(
      statement.totals.map((total) => [total.gross_minor, total.accrued_minor]),
      [[57n, 57n]],
    );
    await assertBalanced(db);
    await assertMatches(db, "2027-04");
  });

  it("gives an empty statement, not an error, for a month with no activity", async () => {
    const { db } = backend();
    const statement = await lenderStatement(db, "town-lender", "2027-05");
    assert.deepEqual(statement.lines, []);
    assert.deepEqual(
      statement.totals.map((total) => [total.gross_minor, total.net_minor, total.accrued_minor]),
      [[0n, 0n, 50n + 5n + 25n]],
    );
    assert.deepEqual((await furnisherStatement(db, "food-app", "2027-05")).lines, []);
    const totals = await billingTotals(db, "2027-05");
    assert.deepEqual([totals.lenders, totals.furnishers, totals.bureau, totals.balance], [[], [], [], []]);
    const report = await verifyMonth(db, "cn", "2027-05");
    assert.deepEqual([report.matches, report.entries, report.mismatches_total], [true, 0, 0]);
  });

  it("answers a malformed month with BAD_QUERY and an unknown institution with INSTITUTION_UNKNOWN", async () => {
    const { db } = backend();
    await assert.rejects(lenderStatement(db, "big-bank", "2027-5"), code("BAD_QUERY"));
    await assert.rejects(furnisherStatement(db, "pay-app", "May 2027"), code("BAD_QUERY"));
    await assert.rejects(billingTotals(db, "2027-13"), code("BAD_QUERY"));
    await assert.rejects(verifyMonth(db, "cn", "2027-05-01"), code("BAD_QUERY"));
    await assert.rejects(lenderStatement(db, "no-such-bank", "2027-05"), code("INSTITUTION_UNKNOWN"));
  });

  it("splits one fen among three furnishers and 36 fen between 1 and 10^9 records to the last unit", async () => {
    const { db } = backend();
    clock.set("2027-05-15T00:00:00Z");
    await addPrice(
      db,
      {
        regime: "cn",
        product: "score",
        tier: "standard",
        effective_from: "2027-06-01",
        price_minor: 4n,
        currency: "CNY",
      },
      clock,
    );
    await setRevenueShare(db, { share_bp: 3000, effective_from: "2027-06-01" }, clock);
    clock.set("2027-06-02T08:00:00Z");
    const [tiny, lopsided] = await append([
      {
        at: "2027-06-02T08:00:00Z",
        recipient: "big-bank",
        product: "score",
        subject: 40,
        furnishers: [shop(5), pay(5), food(5)],
      },
      {
        at: "2027-06-02T08:00:00Z",
        recipient: "big-bank",
        product: "report",
        subject: 40,
        furnishers: [pay(1), food(1_000_000_000)],
      },
    ]);
    await foldLog(db, clock);
    const legs = async (log_idx: number) =>
      db.query<{ kind: string; institution_id: string | null; amount_minor: bigint }>(
        `SELECT a.kind, a.institution_id, p.amount_minor FROM billing_postings p
           JOIN billing_accounts a ON a.id = p.account_id JOIN billing_transactions t ON t.id = p.transaction_id
          WHERE t.kind = 'charge' AND t.log_idx = $1 ORDER BY a.kind, a.institution_id`,
        [log_idx],
      );
    assert.deepEqual(
      (await legs(tiny as number)).map((leg) => [leg.institution_id, leg.amount_minor]),
      [
        [null, -3n],
        ["food-app", -1n],
        ["big-bank", 4n],
      ],
    );
    assert.deepEqual(
      (await legs(lopsided as number)).map((leg) => [leg.institution_id, leg.amount_minor]),
      [
        [null, -84n],
        ["food-app", -36n],
        ["big-bank", 120n],
      ],
    );
    await assertBalanced(db);
    await assertMatches(db, "2027-06");
  });

  it("keeps exact books for prices near 2^63, whose sums overflow a bigint", async () => {
    const { db } = backend();
    clock.set("2027-06-15T00:00:00Z");
    await addPrice(
      db,
      {
        regime: "cn",
        product: "alert",
        tier: "standard",
        effective_from: "2027-07-01",
        price_minor: price_minor_max,
        currency: "CNY",
      },
      clock,
    );
    clock.set("2027-07-02T08:00:00Z");
    const [first] = await append(
      [50, 51].map((subject) => ({
        at: "2027-07-02T08:00:00Z",
        recipient: "big-bank",
        product: "alert" as const,
        subject,
        furnishers: [pay(1), shop(1), food(1)],
      })),
    );
    await foldLog(db, clock);
    const line = async () => (await lenderStatement(db, "big-bank", "2027-07")).lines[0];
    assert.equal((await line())?.gross_minor, 2n * price_minor_max);
    await refundDisclosure(db, first as number, "test of the limits", clock);
    assert.equal((await line())?.net_minor, price_minor_max);
    const earned = (await billingTotals(db, "2027-07")).furnishers.map((row) => [
      row.institution_id,
      row.gross_minor,
    ]);
    // The pool of 2767011611056432742 per alert: floors leave a unit each for food-app and pay-app.
    assert.deepEqual(earned, [
      ["food-app", 2n * 922337203685477581n],
      ["pay-app", 2n * 922337203685477581n],
      ["shop-app", 2n * 922337203685477580n],
    ]);
    await assertBalanced(db);
    await assertMatches(db, "2027-07");
  });

  it("finds every difference between the log, the book and the ledger", async () => {
    const { db } = backend();
    clock.set("2027-08-02T08:00:00Z");
    const [cheap, repeat] = await append([
      {
        at: "2027-08-02T08:00:00Z",
        recipient: "big-bank",
        product: "report",
        subject: 60,
        furnishers: [pay(1)],
        price_minor: 77n,
      },
      {
        at: "2027-08-02T09:00:00Z",
        recipient: "big-bank",
        product: "report",
        subject: 60,
        furnishers: [pay(1)],
        price_minor: 120n,
      },
    ]);
    const unfolded = await verifyMonth(db, "cn", "2027-08");
    assert.deepEqual(
      unfolded.mismatches.filter((m) => m.kind === "unfolded").map((m) => m.log_idx),
      [cheap, repeat],
    );
    await foldLog(db, clock);
    const report = await verifyMonth(db, "cn", "2027-08");
    assert.equal(report.matches, false);
    assert.deepEqual(
      report.mismatches.map((m) => [m.kind, "log_idx" in m ? m.log_idx : null]),
      [
        ["price", cheap],
        ["price", repeat],
        ["leg", cheap],
        ["leg", cheap],
        ["leg", cheap],
        ["charge_unexpected", repeat],
      ],
    );
    assert.deepEqual(
      report.lenders.map((check) => [
        check.institution_id,
        check.expected_minor,
        check.ledger_minor,
        check.matches,
      ]),
      [["big-bank", 120n, 197n, false]],
    );
    await assertBalanced(db);
  });

  it(`folds more than ${fold_batch_max} entries in batches`, async () => {
    const { db } = backend();
    const [size] = await db.query<{ size: bigint }>("SELECT max(idx) + 1 AS size FROM log_entries");
    const start = Number(size?.size);
    const subject_key = syntheticSubjectKey(70);
    const rows = Array.from({ length: fold_batch_max + 1 }, (_, i) => {
      const salt = randomBytes(32);
      const entry = {
        sequence: start + i,
        time: new Date(Date.UTC(2027, 8, 1, 8) + i * 1000).toISOString(),
        recipient: "big-bank",
        product: "report" as const,
        purpose: "loan_origination",
        consent_sha256: "ab".repeat(32),
        subject_commitment: commitSubject(salt.toString("hex"), subject_key.toString("hex")),
        furnishers: [pay(1)],
        price_minor: i === 0 ? 120n : 0n,
        currency: "CNY",
      };
      return { entry, salt, bytes: Buffer.from(encodeEntry(entry)) };
    });
    await db.query(
      `INSERT INTO log_entries (idx, entry_id, entry_bytes, subject_key, subject_salt, recipient, at, price_minor,
         currency, product, furnishers)
       SELECT r.idx, 'le_' || r.idx, r.bytes, $3, r.salt, 'big-bank', r.at, r.price, 'CNY', 'report', '[]'
         FROM unnest($1::int8[], $2::bytea[], $4::bytea[], $5::timestamptz[], $6::int8[]) AS r (idx, bytes, salt, at, price)`,
      [
        rows.map((row) => String(row.entry.sequence)),
        rows.map((row) => row.bytes),
        subject_key,
        rows.map((row) => row.salt),
        rows.map((row) => row.entry.time),
        rows.map((row) => String(row.entry.price_minor)),
      ],
    );
    const result = await foldLog(db, clock);
    assert.deepEqual(result, { folded: fold_batch_max + 1, posted: 1, last_idx: start + fold_batch_max });
    const report = await verifyMonth(db, "cn", "2027-09");
    assert.deepEqual(
      [report.matches, report.entries, report.charged, report.free],
      [true, fold_batch_max + 1, 1, fold_batch_max],
    );
  });
});
