import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { splitRevenue } from "./revenue-share.ts";

const max = 2n ** 63n - 1n;
const total = (split: ReturnType<typeof splitRevenue>) =>
  split.furnishers.reduce((sum, part) => sum + part.amount_minor, split.bureau_minor);

describe("revenue split", () => {
  it("gives the furnishers 30% pro rata by records and the bureau the rest", () => {
    const split = splitRevenue(100n, 3000, [
      { institution: "pay-app", records: 2 },
      { institution: "shop-app", records: 1 },
    ]);
    assert.deepEqual(split, {
      furnishers: [
        { institution: "pay-app", amount_minor: 20n },
        { institution: "shop-app", amount_minor: 10n },
      ],
      bureau_minor: 70n,
    });
  });

  it("hands the fen the floors leave to the largest remainders, ties to the smaller institution id", () => {
    // Pool 30 over 7 records: exact parts 12.857, 8.571, 8.571; floors 12, 8, 8 leave 2 fen.
    const split = splitRevenue(100n, 3000, [
      { institution: "c-app", records: 2 },
      { institution: "a-app", records: 3 },
      { institution: "b-app", records: 2 },
    ]);
    assert.deepEqual(
      split.furnishers.map((part) => [part.institution, part.amount_minor]),
      [
        ["a-app", 13n],
        ["b-app", 9n],
        ["c-app", 8n],
      ],
    );
    assert.equal(total(split), 100n);
  });

  it("gives a single fen among three equal furnishers to the first by id, whatever the input order", () => {
    const furnishers = [
      { institution: "zeta", records: 5 },
      { institution: "alpha", records: 5 },
      { institution: "mid", records: 5 },
    ];
    const split = splitRevenue(4n, 3000, furnishers);
    assert.deepEqual(split.furnishers, [
      { institution: "alpha", amount_minor: 1n },
      { institution: "mid", amount_minor: 0n },
      { institution: "zeta", amount_minor: 0n },
    ]);
    assert.equal(split.bureau_minor, 3n);
    assert.deepEqual(splitRevenue(4n, 3000, [...furnishers].reverse()), split);
  });

  it("splits between 1 record and 10^9 records by largest remainder", () => {
    const split = splitRevenue(100n, 3000, [
      { institution: "big", records: 1_000_000_000 },
      { institution: "small", records: 1 },
    ]);
    assert.deepEqual(split.furnishers, [
      { institution: "big", amount_minor: 30n },
      { institution: "small", amount_minor: 0n },
    ]);
    const large = splitRevenue(max, 3000, [
      { institution: "big", records: 1_000_000_000 },
      { institution: "small", records: 1 },
    ]);
    assert.equal(large.furnishers[1]?.amount_minor, (max * 3000n) / 10000n / 1_000_000_001n);
    assert.equal(total(large), max);
  });

  it("splits prices near 2^63 exactly, without overflow", () => {
    const split = splitRevenue(max, 3000, [
      { institution: "a", records: 1 },
      { institution: "b", records: 1 },
      { institution: "c", records: 1 },
    ]);
    assert.equal(split.bureau_minor, max - (max * 3000n) / 10000n);
    assert.equal(total(split), max);
    assert.deepEqual(
      split.furnishers.map((part) => part.amount_minor),
      // The pool 2767011611056432742 over three: floors of 922337203685477580 leave 2 units for a and b.
      [922337203685477581n, 922337203685477581n, 922337203685477580n],
    );
  });

  it("keeps everything for the bureau without furnishers or at a 0% share, and nothing at 100%", () => {
    assert.deepEqual(splitRevenue(130n, 3000, []), { furnishers: [], bureau_minor: 130n });
    assert.equal(splitRevenue(130n, 0, [{ institution: "a", records: 3 }]).bureau_minor, 130n);
    const all = splitRevenue(130n, 10000, [{ institution: "a", records: 3 }]);
    assert.deepEqual(all, { furnishers: [{ institution: "a", amount_minor: 130n }], bureau_minor: 0n });
  });

  it("balances to the minor unit and stays within one unit of the exact share for many random splits", () => {
    let state = 12345;
    const next = (n: number) => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return state % n;
    };
    for (let round = 0; round < 500; round++) {
      const price = BigInt(next(1_000_000));
      const share = next(10_001);
      const furnishers = Array.from({ length: 1 + next(8) }, (_, i) => ({
        institution: `f-${i}`,
        records: 1 + next(1000),
      }));
      const split = splitRevenue(price, share, furnishers);
      assert.equal(total(split), price);
      const pool = (price * BigInt(share)) / 10000n;
      const records = furnishers.reduce((sum, f) => sum + BigInt(f.records), 0n);
      for (const part of split.furnishers) {
        const mine = BigInt(furnishers.find((f) => f.institution === part.institution)?.records ?? 0);
        const floor = (pool * mine) / records;
        assert.ok(part.amount_minor === floor || part.amount_minor === floor + 1n);
      }
    }
  });

  it("treats a negative price or an out-of-range share as a bug", () => {
    assert.throws(() => splitRevenue(-1n, 3000, []), assert.AssertionError);
    assert.throws(() => splitRevenue(1n, 10001, []), assert.AssertionError);
  });
});
