// The scorecard model file: a versioned JSON format, its zod schema and the checked loader.
import { z } from "zod";
import { DomainError } from "./errors.ts";
import { scalingFactor, scalingOffset } from "./scaling.ts";

export const model_format = "credence.scorecard";
export const model_format_version = 1;

const reason_code_pattern = /^[A-Z][A-Z0-9_]{0,79}$/;

const reason_text_schema = z.object({
  code: z.string().regex(reason_code_pattern),
  en: z.string().min(1),
  zh: z.string().min(1),
});

const bin_fields = {
  label: z.string(),
  count: z.number().int().nonnegative(),
  bad_count: z.number().int().nonnegative(),
  woe: z.number(),
  points: z.number(),
};

const bin_schema = z.object(bin_fields);

const feature_fields = {
  name: z.string().min(1),
  iv: z.number(),
  coefficient: z.number(),
  // Inquiry features are listed as a fifth key factor when they cost points (FCRA §609(f)(9)).
  inquiry: z.boolean(),
  missing: bin_schema,
};

const numeric_feature_schema = z
  .object({
    ...feature_fields,
    kind: z.literal("numeric"),
    direction: z.enum(["ascending", "descending"]),
    thresholds: z.array(z.number()),
    bins: z.array(bin_schema).min(1),
    reasons: z.object({ higher: reason_text_schema, lower: reason_text_schema, missing: reason_text_schema }),
  })
  .refine((feature) => feature.thresholds.length === feature.bins.length - 1, {
    message: "a numeric feature has one threshold fewer than bins",
  })
  .refine(
    (feature) =>
      feature.thresholds.every((value, index, all) => index === 0 || value > (all[index - 1] ?? 0)),
    {
      message: "thresholds must increase strictly",
    },
  );

const categorical_feature_schema = z
  .object({
    ...feature_fields,
    kind: z.literal("categorical"),
    bins: z.array(z.object({ ...bin_fields, categories: z.array(z.string()).min(1) })).min(1),
    reasons: z.object({ category: reason_text_schema, missing: reason_text_schema }),
  })
  .refine(
    (feature) => {
      const all = feature.bins.flatMap((bin) => bin.categories);
      return new Set(all).size === all.length;
    },
    { message: "a category belongs to one bin only" },
  );

const interval_schema = z.object({ low: z.number(), high: z.number() });

const metrics_schema = z.object({
  rows: z.number().int().positive(),
  bads: z.number().int().positive(),
  auc: z.number(),
  ks: z.number(),
  gini: z.number(),
  confidence_level: z.number(),
  resamples: z.number().int(),
  auc_ci: interval_schema,
  ks_ci: interval_schema,
  gini_ci: interval_schema,
});

const cross_validation_schema = z.object({
  folds: z.number().int(),
  seed: z.number().int(),
  fold_aucs: z.array(z.number()),
  auc_mean: z.number(),
  auc_sd: z.number(),
  ks_mean: z.number(),
  gini_mean: z.number(),
  pooled: metrics_schema,
});

export const scorecard_model_schema = z.object({
  format: z.literal(model_format),
  format_version: z.literal(model_format_version),
  name: z.string().min(1),
  trained_at: z.string(),
  target: z.object({ name: z.string(), bad_label: z.string() }),
  features: z
    .array(z.discriminatedUnion("kind", [numeric_feature_schema, categorical_feature_schema]))
    .min(1),
  // logit P(bad) = intercept + sum(coefficient * woe) before calibration.
  intercept: z.number(),
  // Calibrated logit P(bad) = a + b * (uncalibrated logit), fitted on out-of-fold predictions.
  calibration: z.object({
    method: z.literal("platt"),
    a: z.number(),
    b: z.number().nonnegative(),
    rows: z.number().int(),
  }),
  scaling: z.object({
    base_score: z.number(),
    base_odds: z.number().positive(),
    pdo: z.number().positive(),
    score_min: z.number().int(),
    score_max: z.number().int(),
  }),
  // Score before rounding = base_points + sum of each feature's bin points.
  base_points: z.number(),
  // Training score bands (upper edges) and the share of training rows in each, for PSI.
  score_distribution: z.object({
    upper_edges: z.array(z.number()),
    shares: z.array(z.number().nonnegative()),
  }),
  training: z.object({
    seed: z.number().int(),
    rows: z.number().int().positive(),
    bads: z.number().int().positive(),
    folds: z.number().int(),
    l2: z.number().nonnegative(),
    l2_grid: z.array(z.number()),
    options: z.record(z.string(), z.unknown()),
    warnings: z.array(z.object({ code: z.string(), column: z.string(), message: z.string() })),
    dropped_features: z.array(z.object({ name: z.string(), reason: z.string(), detail: z.string() })),
  }),
  metrics: z.object({
    in_sample: metrics_schema,
    out_of_fold: metrics_schema,
    cross_validation: cross_validation_schema.optional(),
  }),
  model_card: z.string(),
});

export type ScorecardModel = z.infer<typeof scorecard_model_schema>;
export type ModelFeature = ScorecardModel["features"][number];
export type ModelBin = z.infer<typeof bin_schema>;
export type ReasonText = z.infer<typeof reason_text_schema>;
export type CrossValidationSummary = z.infer<typeof cross_validation_schema>;

const issues_shown_max = 5;
const points_tolerance = 1e-6;

// Validates a parsed JSON value as a model and checks that its points follow from its WoE,
// coefficients, calibration and scaling, so that no hand edit can make the table lie.
export function parseModel(value: unknown): ScorecardModel {
  const result = scorecard_model_schema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.slice(0, issues_shown_max).map((issue) => ({
      path: issue.path.join("."),
      message: issue.message,
    }));
    throw new DomainError(
      "MODEL_INVALID",
      `the model file is not a valid ${model_format} v${model_format_version}`,
      {
        issues,
      },
    );
  }
  const model = result.data;
  checkPoints(model);
  if (model.scaling.score_min >= model.scaling.score_max) {
    throw new DomainError("MODEL_INVALID", "the model's score range is empty", { ...model.scaling });
  }
  const names = model.features.map((feature) => feature.name);
  if (new Set(names).size !== names.length) {
    throw new DomainError("MODEL_INVALID", "the model lists a feature twice");
  }
  return model;
}

export function parseModelJson(text: string): ScorecardModel {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new DomainError("MODEL_INVALID", "the model file is not JSON");
  }
  return parseModel(value);
}

// The points a bin earns: minus factor times its share of the calibrated logit of bad.
export function binPoints(
  model: Pick<ScorecardModel, "calibration" | "scaling">,
  coefficient: number,
  woe: number,
) {
  return -scalingFactor(model.scaling) * model.calibration.b * coefficient * woe;
}

export function basePoints(model: Pick<ScorecardModel, "calibration" | "scaling" | "intercept">): number {
  const { a, b } = model.calibration;
  return scalingOffset(model.scaling) - scalingFactor(model.scaling) * (a + b * model.intercept);
}

function checkPoints(model: ScorecardModel): void {
  const off = (actual: number, expected: number) =>
    Math.abs(actual - expected) > points_tolerance * Math.max(1, Math.abs(expected));
  if (off(model.base_points, basePoints(model))) {
    throw new DomainError(
      "MODEL_INCONSISTENT",
      "base_points does not follow from intercept, calibration and scaling",
    );
  }
  for (const feature of model.features) {
    for (const bin of [...feature.bins, feature.missing]) {
      if (off(bin.points, binPoints(model, feature.coefficient, bin.woe))) {
        throw new DomainError(
          "MODEL_INCONSISTENT",
          `points of feature "${feature.name}" bin "${bin.label}" do not follow from its WoE and coefficient`,
          { feature: feature.name, bin: bin.label },
        );
      }
    }
  }
}
