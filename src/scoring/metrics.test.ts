import assert from "node:assert/strict";
import { test } from "node:test";
import { stratifiedFolds } from "./folds.ts";
import { fitLogistic } from "./logistic-regression.ts";
import { binaryMetrics, bootstrapMetrics, rocCurve } from "./metrics.ts";
import { createRng, randomNormal } from "./prng.ts";

test("AUC counts ties as half, KS is the largest gap, Gini is 2 AUC - 1", () => {
  // Bads at risk 0.9, 0.5 and 0.2; goods at 0.5, 0.1, 0.1. Of nine bad-good pairs, seven are
  // ordered right, one is tied (0.5 vs 0.5) and one wrong (0.2 vs 0.5): AUC = 7.5 / 9.
  const risk = [0.9, 0.5, 0.2, 0.5, 0.1, 0.1];
  const target = Uint8Array.of(1, 1, 1, 0, 0, 0);
  const metrics = binaryMetrics(risk, target);
  assert.ok(Math.abs(metrics.auc - 7.5 / 9) < 1e-12);
  assert.ok(Math.abs(metrics.gini - (2 * 7.5) / 9 + 1) < 1e-12);
  assert.ok(Math.abs(metrics.ks - 2 / 3) < 1e-12);
  assert.equal(binaryMetrics([1, 2, 3, 4], Uint8Array.of(0, 0, 1, 1)).auc, 1);
  assert.equal(binaryMetrics([4, 3, 2, 1], Uint8Array.of(0, 0, 1, 1)).auc, 0);
});

test("bootstrap intervals contain the estimate, narrow with more data, and repeat for a seed", () => {
  const sample = (rows: number) => {
    const rng = createRng(rows);
    const risk = Float64Array.from({ length: rows }, () => randomNormal(rng));
    const target = Uint8Array.from(risk, (value) => (rng() < 1 / (1 + Math.exp(-value)) ? 1 : 0));
    return { risk, target };
  };
  const small = sample(300);
  const large = sample(5_000);
  const a = bootstrapMetrics(small.risk, small.target, { resamples: 200, seed: 1 });
  const b = bootstrapMetrics(large.risk, large.target, { resamples: 200, seed: 1 });
  assert.ok(a.auc_ci.low < a.auc && a.auc < a.auc_ci.high);
  assert.ok(b.auc_ci.high - b.auc_ci.low < a.auc_ci.high - a.auc_ci.low);
  assert.deepEqual(bootstrapMetrics(small.risk, small.target, { resamples: 200, seed: 1 }), a);
});

test("the ROC curve runs from (0,0) to (1,1) and is thinned to the point limit", () => {
  const rng = createRng(4);
  const risk = Float64Array.from({ length: 2_000 }, () => rng());
  const target = Uint8Array.from(risk, (value) => (rng() < value ? 1 : 0));
  const roc = rocCurve(risk, target, 100);
  assert.ok(roc.false_positive_rate.length <= 101);
  assert.deepEqual([roc.false_positive_rate[0], roc.true_positive_rate[0]], [0, 0]);
  assert.deepEqual([roc.false_positive_rate.at(-1), roc.true_positive_rate.at(-1)], [1, 1]);
});

test("one class only is a coded error", () => {
  assert.throws(
    () => binaryMetrics([1, 2], Uint8Array.of(0, 0)),
    (error: unknown) => (error as { code?: string }).code === "TARGET_ONE_CLASS",
  );
});

test("stratified folds keep the bad share in every fold and repeat for a seed", () => {
  const target = Uint8Array.from({ length: 1_000 }, (_, row) => (row % 10 < 3 ? 1 : 0));
  const folds = stratifiedFolds(target, 5, 7);
  for (let fold = 0; fold < 5; fold += 1) {
    let rows = 0;
    let bads = 0;
    folds.forEach((value, row) => {
      if (value !== fold) return;
      rows += 1;
      bads += target[row] as number;
    });
    assert.equal(rows, 200);
    assert.equal(bads, 60);
  }
  assert.deepEqual(stratifiedFolds(target, 5, 7), folds);
  assert.notDeepEqual(stratifiedFolds(target, 5, 8), folds);
});

test("logistic regression recovers known coefficients, and L2 shrinks them", () => {
  const rng = createRng(12);
  const rows = 20_000;
  const x1 = Float64Array.from({ length: rows }, () => randomNormal(rng));
  const x2 = Float64Array.from({ length: rows }, () => randomNormal(rng));
  const target = new Uint8Array(rows);
  for (let row = 0; row < rows; row += 1) {
    const logit = -1 + 1.5 * (x1[row] as number) - 0.7 * (x2[row] as number);
    target[row] = rng() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
  }
  const fit = fitLogistic([x1, x2], target, 1e-6);
  assert.ok(Math.abs(fit.intercept + 1) < 0.06, `intercept ${fit.intercept}`);
  assert.ok(Math.abs((fit.coefficients[0] as number) - 1.5) < 0.06, `x1 ${fit.coefficients[0]}`);
  assert.ok(Math.abs((fit.coefficients[1] as number) + 0.7) < 0.06, `x2 ${fit.coefficients[1]}`);
  const shrunk = fitLogistic([x1, x2], target, 20_000);
  assert.ok(Math.abs(shrunk.coefficients[0] as number) < Math.abs(fit.coefficients[0] as number) / 2);
});
