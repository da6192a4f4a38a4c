// Evaluation of a scorecard on a labelled sample: ranking metrics with intervals, curves and stability.
import type { Dataset } from "./dataset.ts";
import { bootstrapMetrics, type MetricsWithIntervals, rocCurve } from "./metrics.ts";
import type { ScorecardModel } from "./model-schema.ts";
import { scoreDataset } from "./scorer.ts";
import {
  bandShares,
  binCounts,
  type CharacteristicStability,
  characteristicStability,
  populationStabilityIndex,
  scoreBands,
  trainingBinCounts,
} from "./stability.ts";

export interface ScoreHistogram {
  readonly band_width: number;
  readonly lower_edges: readonly number[];
  readonly goods: readonly number[];
  readonly bads: readonly number[];
}

export interface Evaluation {
  readonly metrics: MetricsWithIntervals;
  readonly roc: {
    readonly false_positive_rate: readonly number[];
    readonly true_positive_rate: readonly number[];
  };
  readonly histogram: ScoreHistogram;
  // Against the training sample recorded in the model; absent when comparing is meaningless.
  readonly stability?: { readonly psi: number; readonly characteristics: readonly CharacteristicStability[] };
}

export interface EvaluationOptions {
  readonly resamples: number;
  readonly seed: number;
}

const roc_points_max = 200;
const histogram_bands_max = 40;
const histogram_band_width = 20;

// Metrics and curves from given scores and PDs; used for held-out and cross-validated predictions.
export function evaluateScores(
  scores: Int32Array,
  pd: Float64Array,
  target: Uint8Array,
  options: EvaluationOptions,
): Evaluation {
  return {
    metrics: bootstrapMetrics(pd, target, options),
    roc: rocCurve(pd, target, roc_points_max),
    histogram: scoreHistogram(scores, target),
  };
}

// Scores a labelled data set with the model and compares it with the model's training sample.
export function evaluateModel(
  model: ScorecardModel,
  dataset: Dataset,
  options: EvaluationOptions,
): Evaluation {
  const scored = scoreDataset(model, dataset);
  const actual_counts = scored.bins.map((bins, index) => {
    const feature = model.features[index] as ScorecardModel["features"][number];
    return binCounts(bins, feature.bins.length + 1);
  });
  const { upper_edges, shares } = model.score_distribution;
  return {
    ...evaluateScores(scored.scores, scored.pd, dataset.target, options),
    stability: {
      psi: populationStabilityIndex(shares, bandShares(scored.scores, upper_edges)),
      characteristics: characteristicStability(model, trainingBinCounts(model), actual_counts),
    },
  };
}

// PSI of scores and characteristic stability of every feature between two samples, the first
// being the reference (for example last quarter's applicants against this quarter's).
export function compareSamples(
  model: ScorecardModel,
  expected: Dataset,
  actual: Dataset,
): { psi: number; characteristics: CharacteristicStability[] } {
  const before = scoreDataset(model, expected);
  const after = scoreDataset(model, actual);
  const counts = (bins: Int32Array[]) =>
    bins.map((feature_bins, index) =>
      binCounts(feature_bins, (model.features[index] as ScorecardModel["features"][number]).bins.length + 1),
    );
  const reference = scoreBands(before.scores);
  return {
    psi: populationStabilityIndex(reference.shares, bandShares(after.scores, reference.upper_edges)),
    characteristics: characteristicStability(model, counts(before.bins), counts(after.bins)),
  };
}

function scoreHistogram(scores: Int32Array, target: Uint8Array): ScoreHistogram {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const score of scores) {
    low = Math.min(low, score);
    high = Math.max(high, score);
  }
  const span = Math.max(1, high - low + 1);
  const band_width = Math.max(histogram_band_width, Math.ceil(span / histogram_bands_max / 10) * 10);
  const first = Math.floor(low / band_width) * band_width;
  const bands = Math.floor((high - first) / band_width) + 1;
  const goods = new Array<number>(bands).fill(0);
  const bads = new Array<number>(bands).fill(0);
  scores.forEach((score, row) => {
    const band = Math.floor((score - first) / band_width);
    if (target[row] === 1) bads[band] = (bads[band] as number) + 1;
    else goods[band] = (goods[band] as number) + 1;
  });
  return {
    band_width,
    lower_edges: Array.from({ length: bands }, (_, band) => first + band * band_width),
    goods,
    bads,
  };
}
