// The bureau trains its own scorecards: features from its database at an observation date, outcomes after it.
import assert from "node:assert/strict";
import type { AppContext } from "../http/context.ts";
import { subjectKey } from "../identity/index.ts";
import { inquiriesAbout } from "../reports/index.ts";
import { bureau_features, feature_window_months } from "./bureau-features.ts";
import { loadFeatureFiles } from "./credit-file-batch.ts";
import { buildDataset, type Dataset } from "./dataset.ts";
import { DomainError } from "./errors.ts";
import {
  bureauFeaturesAt,
  type FeatureValues,
  featureWindowStart,
  monthsBefore,
  type ScorecardRoute,
  scorecardRoute,
} from "./feature-extraction.ts";
import { binaryMetrics } from "./metrics.ts";
import { type ModelKind, registerModel } from "./model-registry.ts";
import type { ScorecardModel } from "./model-schema.ts";
import type { RawTable } from "./raw-table.ts";
import { scoreDataset } from "./scorer.ts";
import { trainThinFileScorecard } from "./thin-file.ts";
import { trainScorecard } from "./trainer.ts";

/** What the bureau learns after the fact about a person: their identifier and the outcome. */
export interface TrainingOutcome {
  readonly id_type: string;
  readonly id_number: string;
  /** 90 or more days past due within 12 months after the observation date; null when not observed. */
  readonly bad_12m: boolean | null;
  /** Already 90 or more days past due at the observation date: not a decision anyone would score. */
  readonly bad_before_observation: boolean;
}

export interface BureauTrainingOptions {
  /** The observation date T: features see only what the bureau held before it. */
  readonly as_of: Date;
  readonly outcomes: Iterable<TrainingOutcome>;
  readonly seed?: number;
  /** Register both cards as champions (default) or as challengers scored in shadow. */
  readonly role?: "champion" | "challenger";
}

export interface CardSummary {
  readonly version: string;
  readonly rows: number;
  readonly bads: number;
  readonly features: readonly string[];
  readonly auc_out_of_fold: number;
  readonly auc_in_sample: number;
}

export interface BureauTrainingResult {
  readonly regime: string;
  readonly as_of: string;
  readonly population: number;
  readonly full: CardSummary;
  readonly thin_file: CardSummary & {
    /** The card checked on the people it is for: thin at T, with an outcome because they borrowed later. */
    readonly thin_at_observation: {
      readonly rows: number;
      readonly bads: number;
      readonly auc: number | null;
    };
  };
  /** Share of the whole population at T that gets a score from the full card alone, and with both. */
  readonly coverage: {
    readonly rows: number;
    readonly full_only_share: number;
    readonly with_thin_share: number;
  };
}

const target_name = "bad_12m";
const holdout_class_rows_min = 10;
const feature_names = bureau_features.map((feature) => feature.name);

interface Row {
  readonly values: FeatureValues;
  readonly route: ScorecardRoute;
  // 1 bad, 0 good, undefined when the outcome is unknown or the person was already in default.
  readonly label: 0 | 1 | undefined;
}

function periodOf(date: Date): string {
  return date.toISOString().slice(0, 7);
}

async function inquiryTimes(ctx: AppContext, key: Buffer, as_of: Date): Promise<Date[]> {
  const rows = await inquiriesAbout(ctx.db, key, monthsBefore(as_of, 12));
  return rows.map((row) => new Date(row.at)).filter((at) => at.getTime() < as_of.getTime());
}

// Every person's features at T from the bureau's own data, read as a report would have read it then.
async function featureRows(ctx: AppContext, options: BureauTrainingOptions): Promise<Row[]> {
  const people = [...options.outcomes];
  const keys = people.map((person) =>
    subjectKey(ctx.keyring.pseudonym_key, person.id_type, person.id_number),
  );
  const files = await loadFeatureFiles(
    ctx.db,
    keys,
    featureWindowStart(options.as_of),
    periodOf(options.as_of),
  );
  const rows: Row[] = [];
  for (const [index, person] of people.entries()) {
    const key = keys[index] as Buffer;
    const file = files.get(key.toString("hex"));
    assert.ok(file !== undefined, "the batch loader returns a file for every key");
    const known = person.bad_12m !== null && !person.bad_before_observation;
    // Inquiries route nobody to a scorecard, so only the people trained or checked on need them;
    // that saves one query for every person without an outcome.
    const inquiries = known ? await inquiryTimes(ctx, key, options.as_of) : [];
    const values = bureauFeaturesAt(file, inquiries, options.as_of);
    rows.push({
      values,
      route: scorecardRoute(file, values, options.as_of),
      label: known ? (person.bad_12m ? 1 : 0) : undefined,
    });
  }
  return rows;
}

function datasetOf(rows: readonly Row[]): Dataset {
  const table: RawTable = {
    header: [...feature_names, target_name],
    rows: rows.map((row) => [
      ...feature_names.map((name) => {
        const value = row.values[name];
        return value === null || value === undefined ? "" : String(value);
      }),
      String(row.label),
    ]),
    line_numbers: Int32Array.from(rows, (_, index) => index + 1),
  };
  return buildDataset(table, { target: target_name, bad_value: "1" });
}

function cardSummary(version: string, model: ScorecardModel): CardSummary {
  return {
    version,
    rows: model.training.rows,
    bads: model.training.bads,
    features: model.features.map((feature) => feature.name),
    auc_out_of_fold: model.metrics.out_of_fold.auc,
    auc_in_sample: model.metrics.in_sample.auc,
  };
}

// Ranking on a sample the card never saw; null when the sample has too few goods or bads for an AUC to
// mean anything. The columns are built directly: a feature that happens to be constant in a small
// sample must still be scored.
function holdoutAuc(
  model: ScorecardModel,
  rows: readonly Row[],
): { rows: number; bads: number; auc: number | null } {
  const target = Uint8Array.from(rows, (row) => row.label ?? 0);
  const bads = target.reduce((sum, label) => sum + label, 0);
  if (Math.min(bads, rows.length - bads) < holdout_class_rows_min)
    return { rows: rows.length, bads, auc: null };
  const dataset: Dataset = {
    features: model.features.map((feature) => ({
      name: feature.name,
      kind: "numeric" as const,
      values: Float64Array.from(rows, (row) => row.values[feature.name] ?? Number.NaN),
    })),
    target,
    target_name,
    bad_label: "1",
    row_count: rows.length,
    warnings: [],
    line_numbers: Int32Array.from(rows, (_, index) => index + 1),
  };
  return { rows: rows.length, bads, auc: binaryMetrics(scoreDataset(model, dataset).pd, target).auc };
}

function bureauCard(model: ScorecardModel, kind: ModelKind, as_of: Date, population: string): ScorecardModel {
  const lines = [
    "",
    "## Bureau training",
    `- Kind: ${kind === "full" ? "full scorecard, for subjects who have held credit" : "thin-file scorecard, alternative data only, for subjects who have never held credit"}.`,
    `- Observation date: ${as_of.toISOString().slice(0, 10)}; features from the bureau's own records of the ${feature_window_months} months before it, as a report would have read them then.`,
    "- Outcome: 90 or more days past due, or charged off, on any credit account in the 12 months after the observation date. People already in default at the observation date, or with no credit statement after it, are left out.",
    `- Population: ${population}`,
  ];
  if (kind === "thin_file") {
    lines.push(
      "- Few people without credit at the observation date borrow within a year, so the card learns the alternative data of people with an observed outcome and is checked on those who were thin at the observation date and borrowed later. People who never borrow may differ from both groups.",
    );
  }
  return { ...model, model_card: `${model.model_card}\n${lines.join("\n")}` };
}

/**
 * Trains the full scorecard on people who held credit at T and the thin-file scorecard on the
 * alternative data alone, registers both for the context's regime, and reports their ranking power and
 * how much of the population each covers.
 */
export async function trainBureauModels(
  ctx: AppContext,
  options: BureauTrainingOptions,
): Promise<BureauTrainingResult> {
  const rows = await featureRows(ctx, options);
  const labelled = rows.filter((row) => row.label !== undefined);
  const credit = labelled.filter((row) => row.route === "full");
  const thin_later = labelled.filter((row) => row.route === "thin_file");
  if (credit.length === 0) {
    throw new DomainError(
      "TRAINING_POPULATION_EMPTY",
      "nobody held credit with an observed outcome at the observation date",
    );
  }
  const seed = options.seed ?? 1;
  const trained_at = ctx.clock.now().toISOString();
  const credit_data = datasetOf(credit);
  const full = trainScorecard(credit_data, {
    name: `bureau-full-${ctx.config.regime.code}`,
    seed,
    trained_at,
  });
  const thin = trainThinFileScorecard(credit_data, {
    name: `bureau-thin-file-${ctx.config.regime.code}`,
    seed,
    trained_at,
  });
  const thin_check = holdoutAuc(thin, thin_later);
  const role = options.role ?? "champion";
  const created_at = ctx.clock.now();
  const regime = ctx.config.regime.code;
  const full_record = await registerModel(ctx.db, {
    model: bureauCard(
      full,
      "full",
      options.as_of,
      `${credit.length} people who held credit at the observation date.`,
    ),
    regime,
    kind: "full",
    role,
    created_at,
    training: { as_of: options.as_of.toISOString(), population: rows.length },
  });
  const thin_record = await registerModel(ctx.db, {
    model: bureauCard(
      thin,
      "thin_file",
      options.as_of,
      `${credit.length} people with an observed outcome (alternative-data features only); checked on ${thin_later.length} people thin at the observation date.`,
    ),
    regime,
    kind: "thin_file",
    role,
    created_at,
    metrics: { thin_at_observation: thin_check },
    training: { as_of: options.as_of.toISOString(), population: rows.length },
  });
  const full_count = rows.filter((row) => row.route === "full").length;
  const thin_count = rows.filter((row) => row.route === "thin_file").length;
  return {
    regime,
    as_of: options.as_of.toISOString(),
    population: rows.length,
    full: cardSummary(full_record.version, full),
    thin_file: { ...cardSummary(thin_record.version, thin), thin_at_observation: thin_check },
    coverage: {
      rows: rows.length,
      full_only_share: rows.length === 0 ? 0 : full_count / rows.length,
      with_thin_share: rows.length === 0 ? 0 : (full_count + thin_count) / rows.length,
    },
  };
}
