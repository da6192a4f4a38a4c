// Thin files: a second scorecard from alternative data alone for people with no credit accounts.
import { account_count_feature_names, thin_file_feature_names } from "./bureau-features.ts";
import type { Dataset } from "./dataset.ts";
import { DomainError } from "./errors.ts";
import type { ScorecardModel } from "./model-schema.ts";
import { type ScoreResult, scoreRecord } from "./scorer.ts";
import { type TrainOptionsInput, trainScorecard } from "./trainer.ts";

// The features of the data set that a thin file can have: the bureau's alternative-data features,
// or the names given.
export function thinFileFeatures(
  dataset: Dataset,
  candidates: readonly string[] = thin_file_feature_names,
): string[] {
  const present = dataset.features.map((column) => column.name).filter((name) => candidates.includes(name));
  if (present.length === 0) {
    throw new DomainError("NO_THIN_FILE_FEATURES", "the data has none of the alternative-data features", {
      candidates,
    });
  }
  return present;
}

// Trains the thin-file scorecard: the same trainer restricted to the alternative-data features.
export function trainThinFileScorecard(
  dataset: Dataset,
  options: TrainOptionsInput = {},
  candidates: readonly string[] = thin_file_feature_names,
): ScorecardModel {
  return trainScorecard(dataset, {
    name: "thin-file",
    ...options,
    features: thinFileFeatures(dataset, candidates),
  });
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null && !(typeof value === "number" && Number.isNaN(value));
}

// A thin file has no credit account of any kind: every account count is absent, null or zero.
export function isThinFile(record: Readonly<Record<string, unknown>>): boolean {
  return account_count_feature_names.every((name) => {
    const value = record[name];
    return !isPresent(value) || Number(value) === 0;
  });
}

export type ScorecardChoice = "full" | "thin" | "none";

// Which card scores a subject: the full card when they have a credit file, the thin-file card
// when they have none but some alternative data, otherwise none (the subject is unscorable).
export function chooseScorecard(
  record: Readonly<Record<string, unknown>>,
  thin_features: readonly string[] = thin_file_feature_names,
): ScorecardChoice {
  if (!isThinFile(record)) return "full";
  return thin_features.some((name) => isPresent(record[name])) ? "thin" : "none";
}

export function scoreWithFallback(
  models: { readonly full: ScorecardModel; readonly thin: ScorecardModel },
  record: Readonly<Record<string, unknown>>,
): (ScoreResult & { readonly scorecard: "full" | "thin" }) | { readonly scorecard: "none" } {
  const choice = chooseScorecard(
    record,
    models.thin.features.map((feature) => feature.name),
  );
  if (choice === "none") return { scorecard: "none" };
  const model = choice === "full" ? models.full : models.thin;
  return { ...scoreRecord(model, record, { absent_features: "missing" }), scorecard: choice };
}

// The share of a population that gets a score from the full card alone, and with the thin-file
// card added: the financial-inclusion figure the bureau reports.
export function scoreCoverage(
  records: readonly Readonly<Record<string, unknown>>[],
  thin_features: readonly string[] = thin_file_feature_names,
): { rows: number; full_only_share: number; with_thin_share: number } {
  let full = 0;
  let thin = 0;
  for (const record of records) {
    const choice = chooseScorecard(record, thin_features);
    if (choice === "full") full += 1;
    else if (choice === "thin") thin += 1;
  }
  const rows = records.length;
  return {
    rows,
    full_only_share: rows === 0 ? 0 : full / rows,
    with_thin_share: rows === 0 ? 0 : (full + thin) / rows,
  };
}
