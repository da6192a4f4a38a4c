import assert from "node:assert/strict";
import { test } from "node:test";
import type { Dataset } from "./dataset.ts";
import { compareSamples, evaluateModel } from "./evaluation.ts";
import { renderReport } from "./report-html.ts";
import { populationStabilityIndex } from "./stability.ts";
import { syntheticCreditData } from "./synthetic-data.ts";
import { trainScorecard } from "./trainer.ts";

test("PSI is zero for identical distributions, grows with a shift, and stays finite on empty bands", () => {
  assert.equal(populationStabilityIndex([0.5, 0.5], [0.5, 0.5]), 0);
  const small = populationStabilityIndex([0.5, 0.5], [0.45, 0.55]);
  const large = populationStabilityIndex([0.5, 0.5], [0.1, 0.9]);
  assert.ok(small > 0 && small < 0.1 && large > 0.25);
  assert.ok(Number.isFinite(populationStabilityIndex([0.5, 0.5], [1, 0])));
});

function shifted(dataset: Dataset, by: number): Dataset {
  const features = dataset.features.map((column) =>
    column.kind === "numeric" && column.name === "synthetic_00"
      ? { ...column, values: Float64Array.from(column.values, (value) => value + by) }
      : column,
  );
  return { ...dataset, features };
}

test("stability flags the feature whose distribution moved and leaves the others near zero", () => {
  const { dataset } = syntheticCreditData({
    rows: 4_000,
    features: 4,
    seed: 31,
    missing_share: 0.1,
    non_monotone: false,
  });
  const model = trainScorecard(dataset, { seed: 1, bootstrap_resamples: 20, trained_at: "test" });
  const same = compareSamples(model, dataset, dataset);
  assert.ok(same.psi < 1e-9);
  const moved = compareSamples(model, dataset, shifted(dataset, 1.5));
  assert.ok(moved.psi > 0.1, `score PSI ${moved.psi}`);
  const by_feature = Object.fromEntries(moved.characteristics.map((entry) => [entry.feature, entry]));
  assert.ok((by_feature.synthetic_00?.psi ?? 0) > 0.25);
  // Risk rises with synthetic_00, so moving it up costs points on average.
  assert.ok((by_feature.synthetic_00?.points_shift ?? 0) < 0);
  for (const entry of moved.characteristics) {
    if (entry.feature !== "synthetic_00") assert.ok(entry.psi < 1e-9, entry.feature);
  }
});

test("the HTML report is self-contained with the ROC curve and score distribution inline", () => {
  const { dataset } = syntheticCreditData({
    rows: 2_000,
    features: 3,
    seed: 32,
    missing_share: 0.1,
    non_monotone: false,
  });
  const model = trainScorecard(dataset, {
    seed: 1,
    bootstrap_resamples: 20,
    trained_at: "test",
    name: "<b>demo</b>",
  });
  const evaluation = evaluateModel(model, dataset, { resamples: 20, seed: 1 });
  const html = renderReport({ title: "Report", model, evaluation, evaluation_label: "training data" });
  assert.ok(html.startsWith("<!doctype html>"));
  assert.equal(html.match(/<svg /g)?.length, 2);
  assert.ok(html.includes('aria-label="ROC curve"') && html.includes('aria-label="score distribution"'));
  assert.ok(!/<(script|link|img)\b|src=|href=/.test(html), "no external assets or scripts");
  assert.ok(html.includes("&lt;b&gt;demo&lt;/b&gt;") && !html.includes("<b>demo</b>"), "names are escaped");
  assert.ok(html.includes("Score PSI"));
});
