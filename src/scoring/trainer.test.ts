import assert from "node:assert/strict";
import { test } from "node:test";
import { thin_file_feature_names } from "./bureau-features.ts";
import type { Dataset, FeatureColumn } from "./dataset.ts";
import { DomainError } from "./errors.ts";
import { folds_max } from "./folds.ts";
import { binaryMetrics } from "./metrics.ts";
import { createRng } from "./prng.ts";
import { scoreDataset, scoreRecord } from "./scorer.ts";
import { syntheticCreditData } from "./synthetic-data.ts";
import { chooseScorecard, scoreCoverage, scoreWithFallback, trainThinFileScorecard } from "./thin-file.ts";
import { resolveTrainOptions, trainScorecard } from "./trainer.ts";

const fast = { bootstrap_resamples: 20, trained_at: "test" };

function heldOutGap(non_monotone: boolean): { optimal: number; model: number; dataset: Dataset } {
  const options = { features: 10, missing_share: 0.15, non_monotone };
  const train = syntheticCreditData({ ...options, rows: 8_000, seed: 1 });
  const test_data = syntheticCreditData({ ...options, rows: 20_000, seed: 2 });
  const model = trainScorecard(train.dataset, { seed: 1, ...fast });
  const { pd } = scoreDataset(model, test_data.dataset);
  return {
    optimal: binaryMetrics(test_data.true_pd, test_data.dataset.target).auc,
    model: binaryMetrics(pd, test_data.dataset.target).auc,
    dataset: train.dataset,
  };
}

test("on data with monotone effects and missing values the held-out AUC is near the known optimum", () => {
  const { optimal, model } = heldOutGap(false);
  assert.ok(optimal > 0.75, `the signal is real (optimal AUC ${optimal})`);
  assert.ok(
    model > optimal - 0.015,
    `AUC ${model.toFixed(4)} within 0.015 of the optimal ${optimal.toFixed(4)}`,
  );
});

test("U-shaped effects cost some AUC, by design of monotonic bins, but not much", () => {
  const { optimal, model } = heldOutGap(true);
  assert.ok(model < optimal, "a monotonic scorecard cannot fit a U shape");
  assert.ok(
    model > optimal - 0.05,
    `AUC ${model.toFixed(4)} within 0.05 of the optimal ${optimal.toFixed(4)}`,
  );
});

test("the trained card is monotonic, its missing bin carries the missingness risk, and its PD is calibrated", () => {
  const { dataset } = syntheticCreditData({
    rows: 6_000,
    features: 5,
    seed: 5,
    missing_share: 0.2,
    non_monotone: false,
  });
  const model = trainScorecard(dataset, { seed: 2, ...fast });
  for (const feature of model.features) {
    assert.ok(feature.coefficient < 0, `${feature.name} has a negative coefficient on WoE`);
    if (feature.kind !== "numeric") continue;
    const points = feature.bins.map((bin) => bin.points);
    const falling = feature.direction === "ascending";
    for (let index = 1; index < points.length; index += 1) {
      const step = (points[index] as number) - (points[index - 1] as number);
      assert.ok(falling ? step < 0 : step > 0, `${feature.name} points move one way`);
    }
  }
  // synthetic_01 is falling-risk and has missing values, which carry extra risk by construction.
  const with_missing = model.features.find((feature) => feature.name === "synthetic_01");
  assert.ok(with_missing !== undefined && with_missing.missing.count > 0);
  const best_range = Math.max(...with_missing.bins.map((bin) => bin.points));
  assert.ok(with_missing.missing.points < best_range);
  const { pd } = scoreDataset(model, dataset);
  const mean_pd = pd.reduce((sum, value) => sum + value, 0) / pd.length;
  const bad_rate = dataset.target.reduce((sum, value) => sum + value, 0) / dataset.row_count;
  assert.ok(Math.abs(mean_pd - bad_rate) < 0.01, `mean PD ${mean_pd} close to the bad rate ${bad_rate}`);
});

test("training is deterministic given the seed", () => {
  const { dataset } = syntheticCreditData({
    rows: 2_000,
    features: 5,
    seed: 9,
    missing_share: 0.1,
    non_monotone: true,
  });
  const first = trainScorecard(dataset, { seed: 4, ...fast });
  const second = trainScorecard(dataset, { seed: 4, ...fast });
  assert.equal(JSON.stringify(first), JSON.stringify(second));
});

test("the scale is configurable: base score at base odds, PDO points per doubling", () => {
  const { dataset } = syntheticCreditData({
    rows: 2_000,
    features: 3,
    seed: 3,
    missing_share: 0,
    non_monotone: false,
  });
  const scaling = { base_score: 700, base_odds: 20, pdo: 40, score_min: 0, score_max: 1_000 };
  const model = trainScorecard(dataset, { seed: 1, ...fast, scaling });
  const record = Object.fromEntries(model.features.map((feature) => [feature.name, null]));
  const result = scoreRecord(model, record);
  const odds_good = (1 - result.pd) / result.pd;
  const expected = 700 + 40 * Math.log2(odds_good / 20);
  assert.ok(Math.abs(result.score - expected) <= 0.5, `score ${result.score} matches odds ${odds_good}`);
});

test("a target unrelated to every feature gives an error or a model flagged as having no signal", () => {
  const { dataset } = syntheticCreditData({
    rows: 3_000,
    features: 4,
    seed: 8,
    missing_share: 0,
    non_monotone: false,
  });
  for (const seed of [1, 2, 3, 99]) {
    const rng = createRng(seed);
    const noise = { ...dataset, target: Uint8Array.from(dataset.target, () => (rng() < 0.3 ? 1 : 0)) };
    try {
      const model = trainScorecard(noise, { seed: 1, ...fast });
      assert.ok(model.training.warnings.some((warning) => warning.code === "MODEL_NO_SIGNAL"));
      assert.ok(model.model_card.includes("MODEL_NO_SIGNAL"));
    } catch (error) {
      assert.ok(error instanceof DomainError && error.code === "NO_PREDICTIVE_FEATURES", String(error));
    }
  }
});

test("too few bads for the folds is an error with the counts", () => {
  const { dataset } = syntheticCreditData({
    rows: 500,
    features: 3,
    seed: 8,
    missing_share: 0,
    non_monotone: false,
  });
  const target = new Uint8Array(500);
  target.fill(1, 0, 6);
  assert.throws(
    () => trainScorecard({ ...dataset, target }, { seed: 1, ...fast }),
    (error: unknown) =>
      error instanceof DomainError && error.code === "TARGET_CLASS_TOO_SMALL" && error.details?.bads === 6,
  );
  assert.equal(resolveTrainOptions({ folds: folds_max }).folds, folds_max);
  for (const folds of [1, folds_max + 1]) {
    assert.throws(
      () => trainScorecard(dataset, { folds }),
      (error: unknown) => error instanceof DomainError && error.code === "TRAIN_OPTIONS_INVALID",
    );
  }
});

// Synthetic columns renamed as bureau features: three credit ones, three alternative-data ones.
function bureauLikeData(): Dataset {
  const { dataset } = syntheticCreditData({
    rows: 4_000,
    features: 6,
    seed: 21,
    missing_share: 0.1,
    non_monotone: false,
  });
  const names = [
    "utilisation",
    "accounts_count_credit_card",
    "worst_delinquency_12m",
    "spending_regularity",
    "bill_on_time_share",
    "spending_trend",
  ];
  const features = dataset.features.map(
    (column, index): FeatureColumn => ({ ...column, name: names[index] as string }),
  );
  return { ...dataset, features };
}

test("a thin-file card trains on the alternative-data features alone", () => {
  const dataset = bureauLikeData();
  const thin = trainThinFileScorecard(dataset, { seed: 1, ...fast });
  assert.equal(thin.name, "thin-file");
  assert.ok(thin.features.length > 0);
  for (const feature of thin.features)
    assert.ok(thin_file_feature_names.includes(feature.name), feature.name);
  const subset = trainScorecard(dataset, { seed: 1, ...fast, features: ["utilisation", "spending_trend"] });
  assert.ok(subset.features.every((feature) => ["utilisation", "spending_trend"].includes(feature.name)));
  assert.throws(
    () => trainScorecard(dataset, { features: ["not_a_column"] }),
    (error: unknown) => error instanceof DomainError && error.code === "FEATURE_NOT_IN_DATA",
  );
});

test("subjects without credit accounts are scored by the thin-file card, which widens coverage", () => {
  const dataset = bureauLikeData();
  const full = trainScorecard(dataset, { seed: 1, ...fast });
  const thin = trainThinFileScorecard(dataset, { seed: 1, ...fast });
  const with_file = { accounts_count_credit_card: 2, utilisation: 0.4, spending_regularity: 0.9 };
  const thin_file = { accounts_count_credit_card: 0, spending_regularity: 0.9, bill_on_time_share: 1 };
  const invisible = { accounts_count_credit_card: null };
  assert.equal(chooseScorecard(with_file), "full");
  assert.equal(chooseScorecard(thin_file), "thin");
  assert.equal(chooseScorecard(invisible), "none");
  const scored = scoreWithFallback({ full, thin }, thin_file);
  assert.equal(scored.scorecard, "thin");
  assert.ok("score" in scored && Number.isInteger(scored.score));
  assert.deepEqual(scoreCoverage([with_file, thin_file, thin_file, invisible]), {
    rows: 4,
    full_only_share: 0.25,
    with_thin_share: 0.75,
  });
});

test("a forced direction is obeyed, and one for a missing or categorical feature is refused", () => {
  const { dataset } = syntheticCreditData({
    rows: 3_000,
    features: 4,
    seed: 6,
    missing_share: 0,
    non_monotone: false,
  });
  const model = trainScorecard(dataset, { seed: 1, ...fast, directions: { synthetic_01: "ascending" } });
  // Risk falls with synthetic_01, so forcing "ascending" leaves it a single useless bin.
  assert.ok(!model.features.some((feature) => feature.name === "synthetic_01"));
  assert.ok(model.training.dropped_features.some((dropped) => dropped.name === "synthetic_01"));
  for (const name of ["nope", "synthetic_03"]) {
    assert.throws(
      () => trainScorecard(dataset, { directions: { [name]: "ascending" } }),
      (error: unknown) => error instanceof DomainError && error.code === "DIRECTION_FEATURE_INVALID",
    );
  }
});
