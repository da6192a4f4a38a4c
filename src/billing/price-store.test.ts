import assert from "node:assert/strict";
import { before, it } from "node:test";
import { ManualClock } from "../config/clock.ts";
import { describeEachBackend } from "../db/testing.ts";
import { ApiError } from "../http/errors.ts";
import { createInstitution } from "../institutions/index.ts";
import { defaultPriceBook, type PriceEntry } from "./price-book.ts";
import { addPrice, loadPriceBook, price_minor_max, priceFor, setTierOverride } from "./price-store.ts";
import { loadRevenueShares, setRevenueShare } from "./revenue-share.ts";

const code = (expected: string) => (error: unknown) => error instanceof ApiError && error.code === expected;

describeEachBackend("billing price book", (backend) => {
  const clock = new ManualClock("2027-01-10T12:00:00Z");
  before(async () => {
    const { db } = backend();
    for (const [id, kind] of [
      ["big-bank", "bank"],
      ["town-lender", "small_lender"],
    ] as const) {
      await createInstitution(
        db.kysely,
        { id, name: `Synthetic ${id}`, legal_id: id, roles: ["lender"], kind },
        clock,
      );
    }
  });

  it("starts as the default price book and a 30% revenue share", async () => {
    const { db } = backend();
    const key = (entry: PriceEntry) =>
      `${entry.regime} ${entry.product} ${entry.tier} ${entry.effective_from}`;
    const sorted = (book: readonly PriceEntry[]) => [...book].sort((a, b) => (key(a) < key(b) ? -1 : 1));
    assert.deepEqual(sorted(await loadPriceBook(db)), sorted(defaultPriceBook));
    assert.deepEqual(await loadRevenueShares(db), [{ effective_from: "2020-01-01", share_bp: 3000 }]);
  });

  it("prices by the lender's kind: a yuan per report, half for a small lender", async () => {
    const { db } = backend();
    const at = clock.now();
    assert.deepEqual(await priceFor(db, "cn", "big-bank", "report", at), {
      price_minor: 100n,
      currency: "CNY",
      tier: "standard",
    });
    assert.equal((await priceFor(db, "cn", "town-lender", "report", at)).price_minor, 50n);
    assert.equal((await priceFor(db, "us", "town-lender", "score", at)).price_minor, 50n);
    assert.equal((await priceFor(db, "cn", "not-a-member", "report", at)).tier, "standard");
  });

  it("applies a price change from its effective day on, and the old price until then", async () => {
    const { db } = backend();
    await addPrice(
      db,
      {
        regime: "cn",
        product: "report",
        tier: "standard",
        effective_from: "2027-01-16",
        price_minor: 120n,
        currency: "CNY",
      },
      clock,
    );
    const price = async (at: string) =>
      (await priceFor(db, "cn", "big-bank", "report", new Date(at))).price_minor;
    assert.equal(await price("2027-01-15T23:59:59.999Z"), 100n);
    assert.equal(await price("2027-01-16T00:00:00.000Z"), 120n);
    assert.equal(await price("2027-06-01T00:00:00.000Z"), 120n);
  });

  it("lets an announced price be replaced before it takes effect, but never one in force", async () => {
    const { db } = backend();
    const change = {
      regime: "cn",
      product: "score",
      tier: "standard",
      price_minor: 60n,
      currency: "CNY",
    } as const;
    await addPrice(db, { ...change, effective_from: "2027-02-01" }, clock);
    await addPrice(db, { ...change, effective_from: "2027-02-01", price_minor: 55n }, clock);
    assert.equal(
      (await priceFor(db, "cn", "big-bank", "score", new Date("2027-02-02T00:00:00Z"))).price_minor,
      55n,
    );
    for (const effective_from of ["2027-01-10", "2020-01-01", "2027-02-30", "tomorrow"]) {
      await assert.rejects(
        addPrice(db, { ...change, effective_from }, clock),
        code("BILLING_EFFECTIVE_DATE_INVALID"),
      );
    }
  });

  it("holds prices up to 2^63 - 1 minor units and refuses more or less", async () => {
    const { db } = backend();
    const change = {
      regime: "us",
      product: "alert",
      tier: "standard",
      effective_from: "2030-01-01",
      currency: "USD",
    } as const;
    await addPrice(db, { ...change, price_minor: price_minor_max }, clock);
    assert.equal(
      (await priceFor(db, "us", "big-bank", "alert", new Date("2030-01-01T00:00:00Z"))).price_minor,
      price_minor_max,
    );
    await assert.rejects(
      addPrice(db, { ...change, price_minor: price_minor_max + 1n }, clock),
      code("BILLING_PRICE_OUT_OF_RANGE"),
    );
    await assert.rejects(
      addPrice(db, { ...change, price_minor: -1n }, clock),
      code("BILLING_PRICE_OUT_OF_RANGE"),
    );
  });

  it("moves one lender to another tier from a future day, and only a known lender", async () => {
    const { db } = backend();
    await setTierOverride(
      db,
      { lender_id: "big-bank", tier: "small_lender", effective_from: "2027-03-01" },
      clock,
    );
    const at = (day: string) => new Date(`${day}T09:00:00Z`);
    assert.equal((await priceFor(db, "cn", "big-bank", "alert", at("2027-02-28"))).tier, "standard");
    assert.deepEqual(await priceFor(db, "cn", "big-bank", "alert", at("2027-03-01")), {
      price_minor: 5n,
      currency: "CNY",
      tier: "small_lender",
    });
    await assert.rejects(
      setTierOverride(
        db,
        { lender_id: "no-such-bank", tier: "standard", effective_from: "2027-03-01" },
        clock,
      ),
      code("INSTITUTION_UNKNOWN"),
    );
    await assert.rejects(
      setTierOverride(db, { lender_id: "big-bank", tier: "standard", effective_from: "2027-01-10" }, clock),
      code("BILLING_EFFECTIVE_DATE_INVALID"),
    );
  });

  it("changes the revenue share only from a future day and only within 0 to 100%", async () => {
    const { db } = backend();
    await setRevenueShare(db, { share_bp: 4000, effective_from: "2031-01-01" }, clock);
    assert.deepEqual((await loadRevenueShares(db)).at(-1), { effective_from: "2031-01-01", share_bp: 4000 });
    await assert.rejects(
      setRevenueShare(db, { share_bp: 10001, effective_from: "2031-01-01" }, clock),
      code("BILLING_SHARE_OUT_OF_RANGE"),
    );
    await assert.rejects(
      setRevenueShare(db, { share_bp: 2.5, effective_from: "2031-01-01" }, clock),
      code("BILLING_SHARE_OUT_OF_RANGE"),
    );
    await assert.rejects(
      setRevenueShare(db, { share_bp: 3000, effective_from: "2027-01-10" }, clock),
      code("BILLING_EFFECTIVE_DATE_INVALID"),
    );
  });

  it("reports a missing price as BILLING_NO_PRICE", async () => {
    const { db } = backend();
    await assert.rejects(
      priceFor(db, "cn", "big-bank", "report", new Date("2019-12-31T00:00:00Z")),
      code("BILLING_NO_PRICE"),
    );
  });
});
