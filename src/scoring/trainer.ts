// The scorecard trainer: binning, selection, L2 logistic regression, calibration and scaling, from a seed.
import {
  type BinningOptions,
  type DirectionChoice,
  default_binning_options,
  type FeatureBinning,
  fitBinning,
  woeValues,
} from "./binning.ts";
import { bureauFeature, type Sentence } from "./bureau-features.ts";
import { fitPlatt } from "./calibration.ts";
import {
  countBads,
  type Dataset,
  type DatasetWarning,
  type FeatureColumn,
  selectFeatures as selectColumns,
  selectRows,
} from "./dataset.ts";
import { DomainError } from "./errors.ts";
import { type DroppedFeature, type SelectionOptions, selectFeatures } from "./feature-selection.ts";
import { foldRows, folds_max, stratifiedFolds } from "./folds.ts";
import { buildDesign, type Design, fitLogistic, type LogisticFit } from "./logistic-regression.ts";
import { bootstrap_resamples_max, bootstrapMetrics } from "./metrics.ts";
import { renderModelCard } from "./model-card.ts";
import {
  basePoints,
  binPoints,
  type ModelFeature,
  model_format,
  model_format_version,
  type ScorecardModel,
} from "./model-schema.ts";
import { categoricalReasons, numericReasons } from "./reason-codes.ts";
import { checkScaling, default_scaling, type Scaling } from "./scaling.ts";
import { scoreDataset } from "./scorer.ts";
import { scoreBands } from "./stability.ts";

export interface TrainOptions {
  readonly name: string;
  readonly seed: number;
  // Inner folds: they choose the L2 strength and give the held-out predictions for calibration.
  readonly folds: number;
  readonly binning: BinningOptions;
  // Per-feature monotonic direction; features not named let the data choose.
  readonly directions: Readonly<Record<string, DirectionChoice>>;
  readonly selection: SelectionOptions;
  // Candidate L2 strengths (penalty l2 / 2 * |beta|^2 on a summed log-loss).
  readonly l2_grid: readonly number[];
  readonly scaling: Scaling;
  // Train on these features only (for example the alternative-data ones of a thin-file card).
  readonly features?: readonly string[];
  // Features besides the bureau's inquiry features that may be listed as a fifth key factor.
  readonly inquiry_features: readonly string[];
  // Human names of features for reason sentences; bureau features have their own sentences.
  readonly feature_labels: Readonly<Record<string, Sentence>>;
  readonly bootstrap_resamples: number;
  readonly trained_at?: string;
}

export const default_train_options: TrainOptions = {
  name: "scorecard",
  seed: 1,
  folds: 5,
  binning: default_binning_options,
  directions: {},
  selection: { iv_min: 0.005, p_value_max: 0.05, correlation_max: 0.7, features_max: 40 },
  l2_grid: [100, 30, 10, 3, 1, 0.3, 0.1],
  scaling: default_scaling,
  inquiry_features: [],
  feature_labels: {},
  bootstrap_resamples: 200,
};

// Each class needs this many rows per inner fold for binning and calibration to mean anything.
const class_rows_per_fold_min = 2;
export const fine_bins_max = 1_000;

export type TrainOptionsInput = Partial<Omit<TrainOptions, "binning" | "selection">> & {
  readonly binning?: Partial<BinningOptions>;
  readonly selection?: Partial<SelectionOptions>;
};

export function resolveTrainOptions(input: TrainOptionsInput = {}): TrainOptions {
  const options: TrainOptions = {
    ...default_train_options,
    ...input,
    binning: { ...default_binning_options, ...input.binning },
    selection: { ...default_train_options.selection, ...input.selection },
  };
  checkScaling(options.scaling);
  const { binning, selection } = options;
  const within = (value: number, low: number, high: number) =>
    Number.isFinite(value) && value >= low && value <= high;
  const checks: [string, boolean][] = [
    ["seed is an integer", Number.isSafeInteger(options.seed)],
    [
      `folds is an integer in 2..${folds_max}`,
      Number.isInteger(options.folds) && within(options.folds, 2, folds_max),
    ],
    [
      "l2_grid holds positive numbers",
      options.l2_grid.length > 0 && options.l2_grid.every((l2) => within(l2, 1e-12, 1e12)),
    ],
    [
      `fine_bins is an integer in 2..${fine_bins_max}`,
      Number.isInteger(binning.fine_bins) && within(binning.fine_bins, 2, fine_bins_max),
    ],
    [
      "bins_max is a positive integer",
      Number.isInteger(binning.bins_max) && within(binning.bins_max, 1, fine_bins_max),
    ],
    ["bin_share_min is in [0, 0.5)", within(binning.bin_share_min, 0, 0.4999)],
    ["merge_p_value is in [0, 1]", within(binning.merge_p_value, 0, 1)],
    ["woe_prior_count is positive", within(binning.woe_prior_count, 1e-9, 1e9)],
    ["iv_min is not negative", within(selection.iv_min, 0, Number.MAX_VALUE)],
    ["p_value_max is in (0, 1]", within(selection.p_value_max, 1e-300, 1)],
    ["correlation_max is in (0, 1]", within(selection.correlation_max, 1e-9, 1)],
    [
      "features_max is a positive integer",
      Number.isInteger(selection.features_max) && selection.features_max >= 1,
    ],
    [
      `bootstrap_resamples is in 1..${bootstrap_resamples_max}`,
      Number.isInteger(options.bootstrap_resamples) &&
        within(options.bootstrap_resamples, 1, bootstrap_resamples_max),
    ],
  ];
  const failed = checks.filter(([, ok]) => !ok).map(([rule]) => rule);
  if (failed.length > 0) {
    throw new DomainError("TRAIN_OPTIONS_INVALID", `training options out of range: ${failed.join("; ")}`, {
      failed,
    });
  }
  return options;
}

// Binning and each row's WoE for every feature, and the features selection kept.
interface Structure {
  readonly binnings: readonly FeatureBinning[];
  readonly kept: readonly number[];
  readonly woe: readonly Float64Array[];
  readonly dropped: readonly DroppedFeature[];
  // The design matrix of the kept features, built once and reused along the L2 path.
  design?: Design;
}

function fitStructure(dataset: Dataset, options: TrainOptions): Structure {
  const binnings = dataset.features.map((column) =>
    fitBinning(column, dataset.target, options.binning, options.directions[column.name] ?? "auto"),
  );
  const woe = binnings.map((binning, index) => woeValues(binning, dataset.features[index] as FeatureColumn));
  const { kept, dropped } = selectFeatures(binnings, woe, options.selection);
  return { binnings, kept, woe, dropped };
}

// Fits after a sign drop use a smaller feature set; those are rare and get a design of their own.
function designFor(structure: Structure, used: readonly number[]): Design {
  const columns = used.map((index) => structure.woe[index] as Float64Array);
  const rows = (structure.woe[0] as Float64Array).length;
  if (used.length !== structure.kept.length) return buildDesign(columns, rows);
  structure.design ??= buildDesign(columns, rows);
  return structure.design;
}

interface Coefficients {
  readonly used: readonly number[];
  readonly fit: LogisticFit;
  readonly dropped: readonly DroppedFeature[];
}

// With WoE oriented so that higher is safer, every coefficient on logit P(bad) must be negative;
// a positive one (a collinearity artefact) would reverse a bin order the binning made monotonic,
// so the feature with the largest positive coefficient is dropped and the rest refitted.
function fitCoefficients(
  structure: Structure,
  target: Uint8Array,
  l2: number,
  start: LogisticFit | undefined,
): Coefficients {
  let used = [...structure.kept];
  const dropped: DroppedFeature[] = [];
  let fit = fitLogistic(designFor(structure, used), target, l2, start);
  for (;;) {
    let worst = -1;
    fit.coefficients.forEach((coefficient, position) => {
      if (coefficient >= 0 && (worst < 0 || coefficient > (fit.coefficients[worst] as number)))
        worst = position;
    });
    if (worst < 0) break;
    const index = used[worst] as number;
    dropped.push({
      name: (structure.binnings[index] as FeatureBinning).name,
      reason: "WRONG_SIGN",
      detail: "its coefficient would reverse its bin order given the other features",
    });
    used = used.filter((candidate) => candidate !== index);
    const warm = { ...fit, coefficients: fit.coefficients.filter((_, position) => position !== worst) };
    fit = fitLogistic(designFor(structure, used), target, l2, warm);
  }
  return { used, fit, dropped };
}

// Raw logits of held-out rows, given each kept feature's WoE on those rows.
function rawLogits(
  coefficients: Coefficients,
  woe: ReadonlyMap<number, Float64Array>,
  rows: number,
): Float64Array {
  const logits = new Float64Array(rows).fill(coefficients.fit.intercept);
  coefficients.used.forEach((index, position) => {
    const values = woe.get(index) as Float64Array;
    const coefficient = coefficients.fit.coefficients[position] as number;
    for (let row = 0; row < rows; row += 1)
      logits[row] = (logits[row] as number) + coefficient * (values[row] as number);
  });
  return logits;
}

function logLoss(logits: Float64Array, target: Uint8Array): number {
  let loss = 0;
  logits.forEach((eta, row) => {
    loss += Math.max(eta, 0) + Math.log1p(Math.exp(-Math.abs(eta))) - (target[row] as number) * eta;
  });
  return loss;
}

// Inner cross-validation: held-out raw logits for every L2 candidate.
function innerCrossValidation(dataset: Dataset, options: TrainOptions): Float64Array[] {
  const assignment = stratifiedFolds(dataset.target, options.folds, options.seed);
  const held_out = options.l2_grid.map(() => new Float64Array(dataset.row_count));
  // The previous fold's fit at the same L2 is an excellent start: the folds share most rows.
  const previous: (LogisticFit | undefined)[] = options.l2_grid.map(() => undefined);
  for (let fold = 0; fold < options.folds; fold += 1) {
    const rows = foldRows(assignment, fold);
    const train = selectRows(dataset, rows.train);
    const test = selectRows(dataset, rows.test);
    const structure = fitStructure(train, options);
    const test_woe = new Map(
      structure.kept.map((index) => [
        index,
        woeValues(structure.binnings[index] as FeatureBinning, test.features[index] as FeatureColumn),
      ]),
    );
    let start: LogisticFit | undefined;
    options.l2_grid.forEach((l2, candidate) => {
      const coefficients = fitCoefficients(structure, train.target, l2, previous[candidate] ?? start);
      start = coefficients.fit;
      previous[candidate] = coefficients.fit;
      const logits = rawLogits(coefficients, test_woe, test.row_count);
      rows.test.forEach((row, position) => {
        (held_out[candidate] as Float64Array)[row] = logits[position] as number;
      });
    });
  }
  return held_out;
}

// Refuses, with a code, what training cannot handle: a direction for a feature that is not a
// numeric column, or too few rows of a class to fill the folds.
function checkTrainable(dataset: Dataset, options: TrainOptions): void {
  for (const name of Object.keys(options.directions)) {
    if (dataset.features.find((column) => column.name === name)?.kind !== "numeric") {
      throw new DomainError(
        "DIRECTION_FEATURE_INVALID",
        `a direction was given for "${name}", which is not a numeric feature`,
        {
          feature: name,
        },
      );
    }
  }
  const bads = countBads(dataset.target);
  const goods = dataset.row_count - bads;
  const class_min = class_rows_per_fold_min * options.folds;
  if (bads < class_min || goods < class_min) {
    throw new DomainError(
      "TARGET_CLASS_TOO_SMALL",
      `training needs at least ${class_min} bads and ${class_min} goods with ${options.folds} folds; the data has ${bads} bads and ${goods} goods`,
      { bads, goods, class_min },
    );
  }
}

export function trainScorecard(
  input_dataset: Dataset,
  input_options: TrainOptionsInput = {},
): ScorecardModel {
  const options = resolveTrainOptions(input_options);
  const dataset =
    options.features === undefined ? input_dataset : selectColumns(input_dataset, options.features);
  checkTrainable(dataset, options);
  const held_out = innerCrossValidation(dataset, options);
  const losses = held_out.map((logits) => logLoss(logits, dataset.target));
  const best = losses.indexOf(Math.min(...losses));
  const l2 = options.l2_grid[best] as number;
  const structure = fitStructure(dataset, options);
  const coefficients = fitCoefficients(structure, dataset.target, l2, undefined);
  if (coefficients.used.length === 0) {
    throw new DomainError(
      "NO_PREDICTIVE_FEATURES",
      "no feature carries enough information to build a scorecard",
      {
        dropped: structure.dropped,
      },
    );
  }
  const oof_logits = held_out[best] as Float64Array;
  const platt = fitPlatt(oof_logits, dataset.target);
  const draft = assemble(dataset, options, structure, coefficients, { a: platt.a, b: platt.b }, l2);
  const scored = scoreDataset(draft, dataset);
  const seed = options.seed;
  const resamples = options.bootstrap_resamples;
  const metrics = {
    in_sample: bootstrapMetrics(scored.pd, dataset.target, { resamples, seed }),
    out_of_fold: bootstrapMetrics(oof_logits, dataset.target, { resamples, seed }),
  };
  const warnings: DatasetWarning[] = [...dataset.warnings];
  // Features can pass the screens by chance; held-out ranking is the honest test of signal.
  if (platt.floored || metrics.out_of_fold.auc_ci.low <= 0.5) {
    warnings.push({
      code: "MODEL_NO_SIGNAL",
      column: "",
      message: `held-out predictions rank no better than chance (out-of-fold AUC ${metrics.out_of_fold.auc.toFixed(3)}, interval reaching 0.5)`,
    });
  }
  const model = {
    ...draft,
    training: { ...draft.training, warnings },
    score_distribution: scoreBands(scored.scores),
    metrics,
  };
  return { ...model, model_card: renderModelCard(model) };
}

function assemble(
  dataset: Dataset,
  options: TrainOptions,
  structure: Structure,
  coefficients: Coefficients,
  calibration: { a: number; b: number },
  l2: number,
): ScorecardModel {
  const frame = {
    calibration: { method: "platt" as const, ...calibration, rows: dataset.row_count },
    scaling: { ...options.scaling },
    intercept: coefficients.fit.intercept,
  };
  const inquiry = new Set(options.inquiry_features);
  const features = coefficients.used.map((index, position): ModelFeature => {
    const binning = structure.binnings[index] as FeatureBinning;
    const coefficient = coefficients.fit.coefficients[position] as number;
    const bin = (label: string, stats: { count: number; bad: number; woe: number }) => ({
      label,
      count: stats.count,
      bad_count: stats.bad,
      woe: stats.woe,
      points: binPoints(frame, coefficient, stats.woe),
    });
    const common = {
      name: binning.name,
      iv: binning.iv,
      coefficient,
      inquiry: inquiry.has(binning.name) || bureauFeature(binning.name)?.inquiry === true,
      missing: bin("missing", binning.missing),
    };
    if (binning.kind === "numeric") {
      return {
        ...common,
        kind: "numeric",
        direction: binning.direction,
        thresholds: [...binning.thresholds],
        bins: binning.bins.map((stats, bin_index) => bin(rangeLabel(binning.thresholds, bin_index), stats)),
        reasons: numericReasons(binning.name, options.feature_labels[binning.name]),
      };
    }
    return {
      ...common,
      kind: "categorical",
      bins: binning.bins.map((stats, bin_index) => ({
        ...bin((binning.groups[bin_index] as readonly string[]).join(", "), stats),
        categories: [...(binning.groups[bin_index] as readonly string[])],
      })),
      reasons: categoricalReasons(binning.name, options.feature_labels[binning.name]),
    };
  });
  const empty_metrics = {
    rows: dataset.row_count,
    bads: countBads(dataset.target),
    auc: 0.5,
    ks: 0,
    gini: 0,
    confidence_level: 0.95,
    resamples: 0,
    auc_ci: { low: 0.5, high: 0.5 },
    ks_ci: { low: 0, high: 0 },
    gini_ci: { low: 0, high: 0 },
  };
  return {
    format: model_format,
    format_version: model_format_version,
    name: options.name,
    trained_at: options.trained_at ?? new Date().toISOString(),
    target: { name: dataset.target_name, bad_label: dataset.bad_label },
    features,
    ...frame,
    base_points: basePoints(frame),
    score_distribution: { upper_edges: [], shares: [1] },
    training: {
      seed: options.seed,
      rows: dataset.row_count,
      bads: countBads(dataset.target),
      folds: options.folds,
      l2,
      l2_grid: [...options.l2_grid],
      options: {
        binning: options.binning,
        selection: options.selection,
        directions: options.directions,
        inquiry_features: options.inquiry_features,
        features: options.features ?? null,
      },
      warnings: [],
      dropped_features: [...structure.dropped, ...coefficients.dropped],
    },
    metrics: { in_sample: empty_metrics, out_of_fold: empty_metrics },
    model_card: "",
  };
}

function rangeLabel(thresholds: readonly number[], index: number): string {
  const low = index === 0 ? "-inf" : String(thresholds[index - 1]);
  const high = index === thresholds.length ? "+inf)" : `${thresholds[index]}]`;
  return `(${low}, ${high}`;
}
