import assert from "node:assert/strict";
import { test } from "node:test";
import type { Dataset } from "./dataset.ts";
import { DomainError } from "./errors.ts";
import { basePoints, binPoints, parseModel, parseModelJson, type ScorecardModel } from "./model-schema.ts";
import { createRng, randomInt } from "./prng.ts";
import { numericReasons } from "./reason-codes.ts";
import { default_scaling } from "./scaling.ts";
import { scoreBatch, scoreDataset, scoreRecord } from "./scorer.ts";
import { syntheticCreditData } from "./synthetic-data.ts";
import { trainScorecard } from "./trainer.ts";

const metrics = {
  rows: 100,
  bads: 10,
  auc: 0.5,
  ks: 0,
  gini: 0,
  confidence_level: 0.95,
  resamples: 0,
  auc_ci: { low: 0.5, high: 0.5 },
  ks_ci: { low: 0, high: 0 },
  gini_ci: { low: 0, high: 0 },
};

// A hand-made card: each named feature has a safe bin (x <= 0) and a risky one (x > 0), and the
// risky bin costs `cost` points. Points are computed the way the trainer does.
function handModel(costs: Record<string, number>): ScorecardModel {
  const frame = {
    intercept: -1,
    calibration: { method: "platt" as const, a: 0, b: 1, rows: 100 },
    scaling: default_scaling,
  };
  const factor = default_scaling.pdo / Math.LN2;
  const features = Object.entries(costs).map(([name, cost]) => {
    const coefficient = -1;
    // points = -factor * coefficient * woe, so a WoE of +/- cost / (2 factor) splits the cost.
    const woe = cost / (2 * factor);
    const bin = (label: string, value: number) => ({
      label,
      count: 50,
      bad_count: 5,
      woe: value,
      points: binPoints(frame, coefficient, value),
    });
    return {
      name,
      kind: "numeric" as const,
      direction: "ascending" as const,
      iv: 0.1,
      coefficient,
      inquiry: name.startsWith("inquiries"),
      thresholds: [0],
      bins: [bin("(-inf, 0]", woe), bin("(0, +inf)", -woe)],
      missing: { label: "missing", count: 0, bad_count: 0, woe: 0, points: 0 },
      reasons: numericReasons(name),
    };
  });
  return parseModel({
    format: "credence.scorecard",
    format_version: 1,
    name: "hand",
    trained_at: "2024-01-01T00:00:00.000Z",
    target: { name: "bad", bad_label: "1" },
    features,
    ...frame,
    base_points: basePoints(frame),
    score_distribution: { upper_edges: [], shares: [1] },
    training: {
      seed: 1,
      rows: 100,
      bads: 10,
      folds: 5,
      l2: 1,
      l2_grid: [1],
      options: {},
      warnings: [],
      dropped_features: [],
    },
    metrics: { in_sample: metrics, out_of_fold: metrics },
    model_card: "hand-made for tests",
  });
}

const five = {
  utilisation: 40,
  worst_delinquency_12m: 30,
  balance_total_minor: 20,
  oldest_account_age_months: 10,
  inquiries_6m: 5,
};

test("a record in every safe bin has no key factors and the top score", () => {
  const model = handModel(five);
  const safe = Object.fromEntries(Object.keys(five).map((name) => [name, -1]));
  const result = scoreRecord(model, safe);
  assert.deepEqual(result.reasons, []);
  assert.ok(Number.isInteger(result.score));
  assert.ok(result.pd > 0 && result.pd < 1);
});

test("key factors are ordered by points lost, at most four, with inquiries added as a fifth", () => {
  const model = handModel(five);
  const risky = Object.fromEntries(Object.keys(five).map((name) => [name, 1]));
  const result = scoreRecord(model, risky);
  assert.deepEqual(
    result.reasons.map((reason) => reason.code),
    [
      "UTILISATION_HIGH",
      "WORST_DELINQUENCY_12M_HIGH",
      "BALANCE_TOTAL_MINOR_HIGH",
      "OLDEST_ACCOUNT_AGE_MONTHS_HIGH",
      "INQUIRIES_6M_HIGH",
    ],
  );
  assert.deepEqual(
    result.reasons.map((reason) => reason.points_lost),
    [40, 30, 20, 10, 5],
  );
  const delinquency = result.reasons[1];
  assert.equal(delinquency?.en, "Accounts past due in the last 12 months, up to 90 days or more");
  assert.equal(delinquency?.zh, "近12个月有账户逾期，最长达90天及以上");
  // Without the inquiry feature among the losers, there is no fifth factor.
  const no_inquiries = scoreRecord(model, { ...risky, inquiries_6m: -1 });
  assert.equal(no_inquiries.reasons.length, 4);
  // When inquiries are already in the top four, they are not listed twice.
  const few = scoreRecord(model, { ...risky, utilisation: -1, worst_delinquency_12m: -1 });
  assert.deepEqual(
    few.reasons.map((reason) => reason.feature),
    ["balance_total_minor", "oldest_account_age_months", "inquiries_6m"],
  );
});

test("generic features get codes from their name and direction", () => {
  const model = handModel({ "Monthly income (CNY)": 10, "2nd_phone": 5 });
  const result = scoreRecord(model, { "Monthly income (CNY)": 5, "2nd_phone": null });
  assert.deepEqual(
    result.reasons.map((reason) => reason.code),
    ["MONTHLY_INCOME_CNY_HIGH", "F_2ND_PHONE_MISSING"],
  );
  assert.equal(result.reasons[0]?.en, "Monthly income (CNY) is too high");
  assert.equal(result.reasons[1]?.zh, "2nd phone缺失");
});

test("points lost and score agree: the score is base points plus bin points, rounded", () => {
  const model = handModel(five);
  const risky = Object.fromEntries(Object.keys(five).map((name) => [name, 1]));
  const safe = Object.fromEntries(Object.keys(five).map((name) => [name, -1]));
  const gap = scoreRecord(model, safe).score - scoreRecord(model, risky).score;
  assert.ok(Math.abs(gap - 105) <= 1, `the five features cost 105 points, the scores differ by ${gap}`);
});

function rejects(code: string, action: () => unknown): DomainError {
  try {
    action();
  } catch (error) {
    assert.ok(error instanceof DomainError);
    assert.equal(error.code, code);
    return error;
  }
  assert.fail(`expected ${code}`);
}

test("a record lacking model features is rejected with their names, or scored as missing on request", () => {
  const model = handModel(five);
  const error = rejects("RECORD_FEATURES_MISMATCH", () => scoreRecord(model, { utilisation: 0.5, extra: 1 }));
  assert.deepEqual(error.details?.absent, [
    "worst_delinquency_12m",
    "balance_total_minor",
    "oldest_account_age_months",
    "inquiries_6m",
  ]);
  const result = scoreRecord(model, { utilisation: 0.5 }, { absent_features: "missing" });
  assert.ok(Number.isInteger(result.score));
  rejects("RECORD_NOT_OBJECT", () => scoreRecord(model, [1, 2]));
  rejects("RECORD_VALUE_NOT_NUMERIC", () => scoreRecord(model, { ...five, utilisation: "high" }));
  rejects("RECORD_VALUE_INVALID_TYPE", () => scoreRecord(model, { ...five, utilisation: { value: 1 } }));
});

let trained: { model: ScorecardModel; dataset: Dataset } | undefined;
function trainedModel(): { model: ScorecardModel; dataset: Dataset } {
  if (trained === undefined) {
    const { dataset } = syntheticCreditData({
      rows: 3_000,
      features: 6,
      seed: 11,
      missing_share: 0.2,
      non_monotone: true,
    });
    trained = {
      model: trainScorecard(dataset, { seed: 3, bootstrap_resamples: 20, trained_at: "test" }),
      dataset,
    };
  }
  return trained;
}

function garbageValue(rng: () => number): unknown {
  const choices: (() => unknown)[] = [
    () => (rng() - 0.5) * 10 ** randomInt(rng, 12),
    () => Number.NaN,
    () => Number.POSITIVE_INFINITY,
    () => Number.NEGATIVE_INFINITY,
    () => -0,
    () => Number.MAX_VALUE,
    () => null,
    () => undefined,
    () => String((rng() - 0.5) * 100),
    () => "  42  ",
    () => "NA",
    () => "",
    () => "level_C",
    () => "??? 不是数字",
    () => "1e999",
    () => true,
    () => 12345678901234567890n,
    () => ({ nested: 1 }),
    () => [1, 2],
  ];
  return (choices[randomInt(rng, choices.length)] as () => unknown)();
}

test("every score is a finite integer in the scale's range, whatever the input", () => {
  const { model } = trainedModel();
  const hand = handModel(five);
  const rng = createRng(2024);
  const known_codes = new Set([
    "RECORD_NOT_OBJECT",
    "RECORD_FEATURES_MISMATCH",
    "RECORD_VALUE_NOT_NUMERIC",
    "RECORD_VALUE_INVALID_TYPE",
  ]);
  let scored = 0;
  let refused = 0;
  for (let trial = 0; trial < 3_000; trial += 1) {
    const target = trial % 2 === 0 ? model : hand;
    const record: Record<string, unknown> = {};
    for (const feature of target.features) {
      if (rng() < 0.97) record[feature.name] = garbageValue(rng);
    }
    const input = rng() < 0.02 ? garbageValue(rng) : record;
    const options = { absent_features: rng() < 0.5 ? ("missing" as const) : ("error" as const) };
    try {
      const result = scoreRecord(target, input, options);
      assert.ok(Number.isInteger(result.score), `score ${result.score} is an integer`);
      assert.ok(result.score >= target.scaling.score_min && result.score <= target.scaling.score_max);
      assert.ok(Number.isFinite(result.pd) && result.pd >= 0 && result.pd <= 1);
      assert.ok(result.reasons.length <= 5);
      scored += 1;
    } catch (error) {
      assert.ok(error instanceof DomainError, `only coded errors escape, got ${String(error)}`);
      assert.ok(known_codes.has(error.code), error.code);
      refused += 1;
    }
  }
  assert.ok(
    scored > 200 && refused > 200,
    `both outcomes are exercised (${scored} scored, ${refused} refused)`,
  );
});

test("scores beyond the scale are clipped to its range, and the PD still follows the points", () => {
  const model = handModel({ huge: 5_000 });
  const low = scoreRecord(model, { huge: 1 });
  const high = scoreRecord(model, { huge: -1 });
  assert.equal(low.score, default_scaling.score_min);
  assert.equal(high.score, default_scaling.score_max);
  assert.ok(low.pd > 0.99 && high.pd < 0.01);
});

test("batch, data-set and one-at-a-time scoring agree", () => {
  const { model, dataset } = trainedModel();
  const records = Array.from({ length: 50 }, (_, row) => {
    const record: Record<string, unknown> = {};
    for (const column of dataset.features) {
      if (column.kind === "numeric") {
        const value = column.values[row] as number;
        record[column.name] = Number.isNaN(value) ? null : value;
      } else {
        const code = column.codes[row] as number;
        record[column.name] = code < 0 ? null : column.levels[code];
      }
    }
    return record;
  });
  const batch = scoreBatch(model, records);
  const table = scoreDataset(model, dataset);
  records.forEach((record, row) => {
    const single = scoreRecord(model, record);
    assert.deepEqual(batch[row], single);
    assert.equal(table.scores[row], single.score);
    assert.ok(Math.abs((table.pd[row] as number) - single.pd) < 1e-12);
  });
});

test("the model file survives a JSON round trip and broken files are refused with codes", () => {
  const { model } = trainedModel();
  const loaded = parseModelJson(JSON.stringify(model));
  assert.deepEqual(loaded, model);
  rejects("MODEL_INVALID", () => parseModelJson("{not json"));
  rejects("MODEL_INVALID", () => parseModelJson(JSON.stringify({ ...model, format_version: 99 })));
  const bad_threshold = structuredClone(model) as { features: { thresholds?: number[] }[] };
  const numeric = bad_threshold.features.find(
    (feature) => feature.thresholds !== undefined && feature.thresholds.length > 1,
  );
  assert.ok(numeric?.thresholds !== undefined);
  numeric.thresholds.reverse();
  const error = rejects("MODEL_INVALID", () => parseModel(bad_threshold));
  assert.ok(JSON.stringify(error.details).includes("thresholds"));
  const nan_points = structuredClone(model) as unknown as { base_points: unknown };
  nan_points.base_points = "NaN";
  rejects("MODEL_INVALID", () => parseModel(nan_points));
  const edited = structuredClone(model);
  const first_bin = edited.features[0]?.bins[0];
  assert.ok(first_bin !== undefined);
  first_bin.points += 50;
  rejects("MODEL_INCONSISTENT", () => parseModel(edited));
});
