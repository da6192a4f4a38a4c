// The scoring domain's public surface: train, evaluate, explain and serve credit scorecards.
export {
  type BinningOptions,
  type DirectionChoice,
  default_binning_options,
  type FeatureBinning,
  fitBinning,
} from "./binning.ts";
export { bureauModelCommand, bureauModelHelp } from "./bureau-cli.ts";
export {
  type AccountKind,
  account_count_feature_names,
  account_kinds,
  type BureauFeatureDefinition,
  bureau_features,
  bureauFeature,
  delinquency_buckets,
  everyday_spending_categories,
  feature_window_months,
  point_in_time_rule,
  thin_file_feature_names,
} from "./bureau-features.ts";
export {
  type BureauTrainingOptions,
  type BureauTrainingResult,
  type TrainingOutcome,
  trainBureauModels,
} from "./bureau-training.ts";
export { type CommandIo, modelCommand } from "./cli.ts";
export { loadFeatureFiles, subjects_per_batch } from "./credit-file-batch.ts";
export { type CrossValidationResult, crossValidate, withCrossValidation } from "./cross-validation.ts";
export { parseCsvTable, readCsvTable } from "./csv-reader.ts";
export {
  buildDataset,
  buildDatasetForModel,
  type Dataset,
  type DatasetOptions,
  type DatasetWarning,
  type FeatureColumn,
  rowRecord,
  selectFeatures,
  selectRows,
} from "./dataset.ts";
export { type DemoTrainingOptions, populationNow, trainDemoModels } from "./demo-models.ts";
export { DomainError } from "./errors.ts";
export { compareSamples, type Evaluation, evaluateModel, evaluateScores } from "./evaluation.ts";
export {
  bureauFeaturesAt,
  delinquencyBucket,
  type FeatureFile,
  type FeatureValues,
  featureWindowStart,
  hasCreditAccounts,
  type ScorecardRoute,
  scorecardRoute,
} from "./feature-extraction.ts";
export {
  german_feature_names,
  german_target_name,
  parseGermanTable,
  readGermanTable,
} from "./german-reader.ts";
export {
  type BinaryMetrics,
  binaryMetrics,
  bootstrapMetrics,
  type MetricsWithIntervals,
  rocCurve,
} from "./metrics.ts";
export {
  championFor,
  getModel,
  listModels,
  type ModelKind,
  type ModelRecord,
  type ModelRole,
  type ModelSummary,
  model_kinds,
  model_roles,
  modelSummary,
  type NewModel,
  promoteChampion,
  registerModel,
} from "./model-registry.ts";
export { modelRoutes } from "./model-routes.ts";
export {
  type ModelFeature,
  model_format,
  model_format_version,
  parseModel,
  parseModelJson,
  type ScorecardModel,
  scorecard_model_schema,
} from "./model-schema.ts";
export type { RawTable } from "./raw-table.ts";
export { renderReport } from "./report-html.ts";
export { default_scaling, type Scaling } from "./scaling.ts";
export { type ScoreAnswer, type ScoreAnswerReason, scoreProvider } from "./score-provider.ts";
export {
  type PopulationStability,
  populationStability,
  recordScores,
  type ShadowScore,
  stability_window_days_max,
} from "./score-shadow.ts";
export {
  type CompiledScorecard,
  compileScorecard,
  type ScoreOptions,
  type ScoreReason,
  type ScoreResult,
  scoreBatch,
  scoreDataset,
  scoreRecord,
} from "./scorer.ts";
export { type CharacteristicStability, populationStabilityIndex } from "./stability.ts";
export { type SyntheticOptions, syntheticCreditData } from "./synthetic-data.ts";
export {
  chooseScorecard,
  isThinFile,
  scoreCoverage,
  scoreWithFallback,
  thinFileFeatures,
  trainThinFileScorecard,
} from "./thin-file.ts";
export {
  default_train_options,
  type TrainOptions,
  type TrainOptionsInput,
  trainScorecard,
} from "./trainer.ts";
