// Scoring with a scorecard: one record or a whole data set to an integer score, a PD and key factors.
import assert from "node:assert/strict";
import { rangeBinIndex } from "./binning.ts";
import { isMissingToken, parseNumber } from "./cell-values.ts";
import type { Dataset } from "./dataset.ts";
import { DomainError } from "./errors.ts";
import { KeyFactorRanking } from "./key-factors.ts";
import type { ModelFeature, ReasonText, ScorecardModel } from "./model-schema.ts";
import { scalingFactor, scalingOffset } from "./scaling.ts";

export interface ScoreReason {
  readonly code: string;
  readonly feature: string;
  // Points this feature cost against its best bin, rounded to 0.01.
  readonly points_lost: number;
  readonly en: string;
  readonly zh: string;
}

export interface ScoreResult {
  readonly score: number;
  readonly pd: number;
  readonly reasons: readonly ScoreReason[];
}

export interface ScoreOptions {
  // "error": a record without one of the model's features is rejected (RECORD_FEATURES_MISMATCH);
  // "missing": the absent feature scores as a missing value.
  readonly absent_features: "error" | "missing";
}

interface CompiledFeature {
  readonly name: string;
  readonly numeric: boolean;
  readonly thresholds: Float64Array;
  readonly category_bin: ReadonlyMap<string, number>;
  readonly missing_index: number;
  readonly points: Float64Array;
  readonly lost: Float64Array;
  readonly reasons: readonly (ScoreReason | undefined)[];
  readonly inquiry: boolean;
}

export interface CompiledScorecard {
  readonly model: ScorecardModel;
  readonly features: readonly CompiledFeature[];
  readonly base_points: number;
  readonly offset: number;
  readonly factor: number;
  readonly score_min: number;
  readonly score_max: number;
  // Scoring is synchronous, so one ranking per scorecard serves every call.
  readonly ranking: KeyFactorRanking;
}

// Models are treated as immutable once loaded, so each compiles once.
const compiled_cache = new WeakMap<ScorecardModel, CompiledScorecard>();

export function compileScorecard(model: ScorecardModel): CompiledScorecard {
  const cached = compiled_cache.get(model);
  if (cached !== undefined) return cached;
  const compiled: CompiledScorecard = {
    model,
    features: model.features.map(compileFeature),
    base_points: model.base_points,
    offset: scalingOffset(model.scaling),
    factor: scalingFactor(model.scaling),
    score_min: model.scaling.score_min,
    score_max: model.scaling.score_max,
    ranking: new KeyFactorRanking(),
  };
  compiled_cache.set(model, compiled);
  return compiled;
}

function toCompiled(model: ScorecardModel | CompiledScorecard): CompiledScorecard {
  return "factor" in model ? model : compileScorecard(model);
}

function compileFeature(feature: ModelFeature): CompiledFeature {
  const all_bins = [...feature.bins, feature.missing];
  const points = Float64Array.from(all_bins, (bin) => bin.points);
  // The best bin is the best one training saw; an empty bin (a missing value never seen) is
  // scored at the population average and is not a yardstick.
  const observed = all_bins.filter((bin) => bin.count > 0);
  const best = Math.max(...(observed.length > 0 ? observed : all_bins).map((bin) => bin.points));
  const lost = Float64Array.from(points, (value) => best - value);
  const missing_index = feature.bins.length;
  const reasonFor = (index: number): ReasonText => {
    if (index === missing_index) return feature.reasons.missing;
    if (feature.kind === "categorical") return feature.reasons.category;
    return numericReason(feature, index);
  };
  const reasons = all_bins.map((_, index) =>
    (lost[index] as number) > 0
      ? Object.freeze(toReason(feature.name, reasonFor(index), lost[index] as number))
      : undefined,
  );
  const category_bin = new Map<string, number>();
  if (feature.kind === "categorical") {
    feature.bins.forEach((bin, index) => {
      for (const category of bin.categories) category_bin.set(category, index);
    });
  }
  return {
    name: feature.name,
    numeric: feature.kind === "numeric",
    thresholds: Float64Array.from(feature.kind === "numeric" ? feature.thresholds : []),
    category_bin,
    missing_index,
    points,
    lost,
    reasons,
    inquiry: feature.inquiry,
  };
}

// A range bin above the best range bin means "too high", below it "too low". When the record sits
// in the best range bin and still loses points (the missing bin scored better), the feature's
// risk direction decides the wording.
function numericReason(feature: Extract<ModelFeature, { kind: "numeric" }>, index: number): ReasonText {
  let best_range = 0;
  feature.bins.forEach((bin, candidate) => {
    if (bin.count > 0 && bin.points > (feature.bins[best_range] as { points: number }).points)
      best_range = candidate;
  });
  if (index > best_range) return feature.reasons.higher;
  if (index < best_range) return feature.reasons.lower;
  return feature.direction === "ascending" ? feature.reasons.higher : feature.reasons.lower;
}

function toReason(feature: string, text: ReasonText, lost: number): ScoreReason {
  return { code: text.code, feature, points_lost: Math.round(lost * 100) / 100, en: text.en, zh: text.zh };
}

function binOf(feature: CompiledFeature, value: unknown): number {
  if (value === null || value === undefined) return feature.missing_index;
  if (feature.numeric) {
    let number: number | undefined;
    if (typeof value === "number") number = value;
    else if (typeof value === "bigint") number = Number(value);
    else if (typeof value === "string") {
      if (isMissingToken(value)) return feature.missing_index;
      number = parseNumber(value);
      if (number === undefined) {
        throw new DomainError("RECORD_VALUE_NOT_NUMERIC", `feature "${feature.name}" needs a number`, {
          feature: feature.name,
        });
      }
    } else {
      throw new DomainError("RECORD_VALUE_INVALID_TYPE", `feature "${feature.name}" needs a number or null`, {
        feature: feature.name,
      });
    }
    return Number.isNaN(number) ? feature.missing_index : rangeBinIndex(feature.thresholds, number);
  }
  let category: string;
  if (typeof value === "string") {
    const exact = feature.category_bin.get(value);
    if (exact !== undefined) return exact;
    if (isMissingToken(value)) return feature.missing_index;
    category = value.trim();
  } else if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") {
    category = String(value);
  } else {
    throw new DomainError(
      "RECORD_VALUE_INVALID_TYPE",
      `feature "${feature.name}" needs a category (text) or null`,
      {
        feature: feature.name,
      },
    );
  }
  return feature.category_bin.get(category) ?? feature.missing_index;
}

function finish(scorecard: CompiledScorecard, total_points: number): { score: number; pd: number } {
  assert.ok(Number.isFinite(total_points), "points are finite by construction");
  return { score: clampScore(scorecard, total_points), pd: pdOf(scorecard, total_points) };
}

function clampScore(scorecard: CompiledScorecard, total_points: number): number {
  return Math.min(scorecard.score_max, Math.max(scorecard.score_min, Math.round(total_points)));
}

// ln(odds of good) = (points - offset) / factor, so P(bad) = 1 / (1 + e^that).
function pdOf(scorecard: CompiledScorecard, total_points: number): number {
  const log_odds_good = (total_points - scorecard.offset) / scorecard.factor;
  return log_odds_good >= 0
    ? Math.exp(-log_odds_good) / (1 + Math.exp(-log_odds_good))
    : 1 / (1 + Math.exp(log_odds_good));
}

const default_score_options: ScoreOptions = { absent_features: "error" };

export function scoreRecord(
  model: ScorecardModel | CompiledScorecard,
  record: unknown,
  options: ScoreOptions = default_score_options,
): ScoreResult {
  const scorecard = toCompiled(model);
  if (typeof record !== "object" || record === null || Array.isArray(record)) {
    throw new DomainError("RECORD_NOT_OBJECT", "a record must be a JSON object of feature values");
  }
  const values = record as Record<string, unknown>;
  const features = scorecard.features;
  const ranking = scorecard.ranking;
  ranking.reset();
  let total = scorecard.base_points;
  let absent: string[] | undefined;
  for (let index = 0; index < features.length; index += 1) {
    const feature = features[index] as CompiledFeature;
    const value = values[feature.name];
    if (value === undefined && options.absent_features === "error" && !Object.hasOwn(values, feature.name)) {
      absent ??= [];
      absent.push(feature.name);
    }
    const bin = binOf(feature, value);
    total += feature.points[bin] as number;
    const lost = feature.lost[bin] as number;
    if (lost > 0) ranking.offer(feature.reasons[bin] as ScoreReason, lost, feature.inquiry);
  }
  if (absent !== undefined) {
    throw new DomainError(
      "RECORD_FEATURES_MISMATCH",
      `the record lacks ${absent.length} of the model's features: ${absent.slice(0, 10).join(", ")}`,
      { absent },
    );
  }
  assert.ok(Number.isFinite(total), "points are finite by construction");
  return {
    score: clampScore(scorecard, total),
    pd: pdOf(scorecard, total),
    reasons: ranking.result(),
  };
}

export function scoreBatch(
  model: ScorecardModel | CompiledScorecard,
  records: readonly unknown[],
  options: ScoreOptions = default_score_options,
): ScoreResult[] {
  const scorecard = toCompiled(model);
  return records.map((record) => scoreRecord(scorecard, record, options));
}

// Scores every row of a typed data set; used for cross-validation and evaluation.
export function scoreDataset(
  model: ScorecardModel | CompiledScorecard,
  dataset: Dataset,
): { scores: Int32Array; pd: Float64Array; points: Float64Array; bins: Int32Array[] } {
  const scorecard = toCompiled(model);
  const rows = dataset.row_count;
  const points = new Float64Array(rows).fill(scorecard.base_points);
  const bins = scorecard.features.map((feature) => {
    const column = dataset.features.find((candidate) => candidate.name === feature.name);
    if (column === undefined) {
      throw new DomainError(
        "MODEL_FEATURES_MISMATCH",
        `the data has no column for model feature "${feature.name}"`,
        {
          feature: feature.name,
        },
      );
    }
    if ((column.kind === "numeric") !== feature.numeric) {
      throw new DomainError(
        "FEATURE_KIND_MISMATCH",
        `feature "${feature.name}" is ${feature.numeric ? "numeric" : "categorical"} in the model but ${column.kind} in the data`,
        { feature: feature.name },
      );
    }
    const indices = new Int32Array(rows);
    if (column.kind === "numeric") {
      column.values.forEach((value, row) => {
        indices[row] = Number.isNaN(value) ? feature.missing_index : rangeBinIndex(feature.thresholds, value);
      });
    } else {
      const level_bins = column.levels.map(
        (level) => feature.category_bin.get(level) ?? feature.missing_index,
      );
      column.codes.forEach((code, row) => {
        indices[row] = code < 0 ? feature.missing_index : (level_bins[code] as number);
      });
    }
    indices.forEach((bin, row) => {
      points[row] = (points[row] as number) + (feature.points[bin] as number);
    });
    return indices;
  });
  const scores = new Int32Array(rows);
  const pd = new Float64Array(rows);
  points.forEach((total, row) => {
    const result = finish(scorecard, total);
    scores[row] = result.score;
    pd[row] = result.pd;
  });
  return { scores, pd, points, bins };
}
