import assert from "node:assert/strict";
import { test } from "node:test";
import { default_binning_options, fitBinning, rangeBinIndex, woeValues } from "./binning.ts";
import type { CategoricalColumn, NumericColumn } from "./dataset.ts";
import { createRng } from "./prng.ts";

// Risk rises with x: P(bad) = 0.1 + 0.5 * x for x uniform in [0, 1]; every tenth value missing
// and those rows are all bad.
function risingColumn(rows: number): { column: NumericColumn; target: Uint8Array } {
  const rng = createRng(7);
  const values = new Float64Array(rows);
  const target = new Uint8Array(rows);
  for (let row = 0; row < rows; row += 1) {
    const x = rng();
    const missing = row % 10 === 0;
    values[row] = missing ? Number.NaN : x;
    target[row] = missing || rng() < 0.1 + 0.5 * x ? 1 : 0;
  }
  return { column: { name: "x", kind: "numeric", values }, target };
}

test("numeric bins follow the data's direction, are monotonic and keep a missing bin", () => {
  const { column, target } = risingColumn(5_000);
  const binning = fitBinning(column, target, default_binning_options, "auto");
  assert.equal(binning.kind, "numeric");
  if (binning.kind !== "numeric") return;
  assert.equal(binning.direction, "ascending");
  assert.ok(binning.bins.length >= 3 && binning.bins.length <= default_binning_options.bins_max);
  const rates = binning.bins.map((bin) => bin.bad / bin.count);
  for (let index = 1; index < rates.length; index += 1) {
    assert.ok((rates[index] as number) > (rates[index - 1] as number), "bad rate rises strictly");
  }
  // WoE is positive for safe bins, so it falls as risk rises.
  const woe = binning.bins.map((bin) => bin.woe);
  for (let index = 1; index < woe.length; index += 1)
    assert.ok((woe[index] as number) < (woe[index - 1] as number));
  assert.equal(binning.missing.count, 500);
  assert.ok(binning.missing.woe < (woe.at(-1) as number), "the all-bad missing bin is the riskiest");
  for (const bin of binning.bins) assert.ok(bin.count >= 0.05 * 5_000, "every bin holds at least 5% of rows");
  assert.ok(binning.iv > 0.3);
});

test("a forced direction against the data collapses the feature into one bin", () => {
  const { column, target } = risingColumn(2_000);
  const binning = fitBinning(column, target, default_binning_options, "descending");
  assert.equal(binning.bins.length, 1);
});

test("categories with similar risk are grouped and ordered from safest to riskiest", () => {
  const rng = createRng(3);
  const rates: Record<string, number> = { a: 0.05, b: 0.05, c: 0.3, d: 0.6, rare: 0.9 };
  const levels = Object.keys(rates);
  const rows = 6_000;
  const codes = new Int32Array(rows);
  const target = new Uint8Array(rows);
  for (let row = 0; row < rows; row += 1) {
    const code = row % 200 === 0 ? 4 : row % 4;
    codes[row] = code;
    target[row] = rng() < (rates[levels[code] as string] as number) ? 1 : 0;
  }
  const column: CategoricalColumn = { name: "c", kind: "categorical", levels, codes };
  // Merge bins unless their bad rates differ at the 5% level.
  const binning = fitBinning(column, target, { ...default_binning_options, merge_p_value: 0.05 }, "auto");
  assert.equal(binning.kind, "categorical");
  if (binning.kind !== "categorical") return;
  const group_of = (level: string) => binning.groups.findIndex((group) => group.includes(level));
  assert.equal(group_of("a"), group_of("b"), "a and b share one bad rate");
  assert.ok(group_of("a") < group_of("c") && group_of("c") < group_of("d"));
  // "rare" holds under 1% of rows, below the 5% minimum, so it cannot be a bin of its own.
  assert.ok(binning.groups.every((group) => !(group.length === 1 && group[0] === "rare")));
  // An unseen level scores in the missing bin, which is empty and therefore neutral.
  const unseen: CategoricalColumn = {
    name: "c",
    kind: "categorical",
    levels: ["zzz"],
    codes: Int32Array.of(0),
  };
  assert.deepEqual([...woeValues(binning, unseen)], [0]);
});

test("range bins include their upper threshold and send infinities to the outer bins", () => {
  const thresholds = Float64Array.of(1, 5, 9);
  assert.equal(rangeBinIndex(thresholds, Number.NEGATIVE_INFINITY), 0);
  assert.equal(rangeBinIndex(thresholds, 1), 0);
  assert.equal(rangeBinIndex(thresholds, 1.0001), 1);
  assert.equal(rangeBinIndex(thresholds, 9), 2);
  assert.equal(rangeBinIndex(thresholds, 9.5), 3);
  assert.equal(rangeBinIndex(thresholds, Number.POSITIVE_INFINITY), 3);
  assert.equal(rangeBinIndex(new Float64Array(0), 42), 0);
});
