// Outer k-fold cross-validation of the whole training procedure, for an honest estimate of ranking power.
import { type Dataset, selectRows } from "./dataset.ts";
import { foldRows, stratifiedFolds } from "./folds.ts";
import { binaryMetrics, bootstrapMetrics } from "./metrics.ts";
import { renderModelCard } from "./model-card.ts";
import type { CrossValidationSummary, ScorecardModel } from "./model-schema.ts";
import { scoreDataset } from "./scorer.ts";
import { resolveTrainOptions, type TrainOptionsInput, trainScorecard } from "./trainer.ts";

// Each fold's model is trained (binning, selection, L2 choice, calibration) on the other folds
// only, then scored on its own fold; nothing of a held-out fold leaks into its model.
export interface CrossValidationResult {
  readonly summary: CrossValidationSummary;
  // Each row's score and PD from the model that did not see it.
  readonly pooled_scores: Int32Array;
  readonly pooled_pd: Float64Array;
}

export function crossValidate(
  dataset: Dataset,
  options: TrainOptionsInput,
  folds: number,
): CrossValidationResult {
  const resolved = resolveTrainOptions({ ...options, folds });
  const assignment = stratifiedFolds(dataset.target, folds, resolved.seed);
  const pooled_pd = new Float64Array(dataset.row_count);
  const pooled_scores = new Int32Array(dataset.row_count);
  const fold_aucs: number[] = [];
  const fold_kss: number[] = [];
  for (let fold = 0; fold < folds; fold += 1) {
    const rows = foldRows(assignment, fold);
    const model = trainScorecard(selectRows(dataset, rows.train), {
      ...options,
      folds: resolved.folds,
      bootstrap_resamples: 1,
      trained_at: "",
    });
    const test = selectRows(dataset, rows.test);
    const { pd, scores } = scoreDataset(model, test);
    rows.test.forEach((row, position) => {
      pooled_pd[row] = pd[position] as number;
      pooled_scores[row] = scores[position] as number;
    });
    const metrics = binaryMetrics(pd, test.target);
    fold_aucs.push(metrics.auc);
    fold_kss.push(metrics.ks);
  }
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const auc_mean = mean(fold_aucs);
  const auc_sd = Math.sqrt(mean(fold_aucs.map((auc) => (auc - auc_mean) ** 2)) * (folds / (folds - 1)));
  const summary = {
    folds,
    seed: resolved.seed,
    fold_aucs,
    auc_mean,
    auc_sd,
    ks_mean: mean(fold_kss),
    gini_mean: 2 * auc_mean - 1,
    pooled: bootstrapMetrics(pooled_pd, dataset.target, {
      resamples: resolved.bootstrap_resamples,
      seed: resolved.seed,
    }),
  };
  return { summary, pooled_scores, pooled_pd };
}

// The model with cross-validation figures added to its metrics and its model card.
export function withCrossValidation(model: ScorecardModel, summary: CrossValidationSummary): ScorecardModel {
  const { model_card: _previous, ...rest } = {
    ...model,
    metrics: { ...model.metrics, cross_validation: summary },
  };
  return { ...rest, model_card: renderModelCard(rest) };
}
