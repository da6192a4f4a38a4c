// The `credence model` command: train, evaluate and score scorecards from files and NDJSON on stdin.
import { readFile, stat, writeFile } from "node:fs/promises";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { evaluate_help, overview, score_help, train_help } from "./cli-help.ts";
import { crossValidate, withCrossValidation } from "./cross-validation.ts";
import { readCsvTable } from "./csv-reader.ts";
import { buildDataset, buildDatasetForModel } from "./dataset.ts";
import { DomainError } from "./errors.ts";
import { type Evaluation, evaluateModel, evaluateScores } from "./evaluation.ts";
import { german_feature_labels, german_target_name, readGermanTable } from "./german-reader.ts";
import { type Line, line_bytes_max, readLines } from "./line-reader.ts";
import { parseModelJson, type ScorecardModel } from "./model-schema.ts";
import type { RawTable } from "./raw-table.ts";
import { renderReport } from "./report-html.ts";
import { default_scaling } from "./scaling.ts";
import { compileScorecard, type ScoreOptions, scoreRecord } from "./scorer.ts";
import { type TrainOptionsInput, trainScorecard } from "./trainer.ts";

export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  // NDJSON input for `model score`; process.stdin when absent.
  readonly stdin?: AsyncIterable<string | Uint8Array>;
}

export const model_file_bytes_max = 16 * 1024 * 1024;
const evaluation_resamples = 200;

const exit_ok = 0;
const exit_failed = 1;
const exit_usage = 2;

type Options = NonNullable<ParseArgsConfig["options"]>;

const data_options: Options = {
  data: { type: "string" },
  format: { type: "string" },
  target: { type: "string" },
  "bad-value": { type: "string" },
  seed: { type: "string" },
  report: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean" },
};

const train_options: Options = {
  ...data_options,
  categorical: { type: "string", multiple: true },
  exclude: { type: "string", multiple: true },
  features: { type: "string", multiple: true },
  direction: { type: "string", multiple: true },
  inquiry: { type: "string", multiple: true },
  folds: { type: "string" },
  "no-cv": { type: "boolean" },
  name: { type: "string" },
  "base-score": { type: "string" },
  "base-odds": { type: "string" },
  pdo: { type: "string" },
  "score-min": { type: "string" },
  "score-max": { type: "string" },
  out: { type: "string" },
};

const evaluate_options: Options = { ...data_options, model: { type: "string" } };

const score_options: Options = {
  model: { type: "string" },
  "absent-as-missing": { type: "boolean" },
  help: { type: "boolean" },
};

type Values = Record<string, string | boolean | string[] | undefined>;

export async function modelCommand(argv: string[], io: CommandIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    (command === undefined ? io.stderr : io.stdout)(overview);
    return command === undefined ? exit_usage : exit_ok;
  }
  const handlers: Record<
    string,
    { options: Options; help: string; run: (values: Values) => Promise<number> }
  > = {
    train: { options: train_options, help: train_help, run: (values) => train(values, io) },
    evaluate: { options: evaluate_options, help: evaluate_help, run: (values) => evaluate(values, io) },
    score: { options: score_options, help: score_help, run: (values) => score(values, io) },
  };
  const handler = handlers[command];
  if (handler === undefined) {
    io.stderr(`error CLI_USAGE: unknown command "${command}"\n\n${overview}`);
    return exit_usage;
  }
  let values: Values;
  try {
    values = parseArgs({ args: rest, options: handler.options, strict: true, allowPositionals: false })
      .values as Values;
  } catch (error) {
    io.stderr(`error CLI_USAGE: ${(error as Error).message}\n\n${handler.help}`);
    return exit_usage;
  }
  if (values.help === true) {
    io.stdout(handler.help);
    return exit_ok;
  }
  try {
    return await handler.run(values);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    if (error.code === "CLI_USAGE") {
      io.stderr(`error CLI_USAGE: ${error.message}\n\n${handler.help}`);
      return exit_usage;
    }
    if (values.json === true) {
      io.stdout(
        `${JSON.stringify({ error: { code: error.code, message: error.message, details: error.details } })}\n`,
      );
    } else {
      io.stderr(`error ${error.code}: ${error.message}\n`);
    }
    return exit_failed;
  }
}

function usage(message: string): DomainError {
  return new DomainError("CLI_USAGE", message);
}

function requiredString(values: Values, name: string): string {
  const value = values[name];
  if (typeof value !== "string" || value === "") throw usage(`--${name} is required`);
  return value;
}

function optionalString(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === "string" ? value : undefined;
}

function list(values: Values, name: string): string[] {
  const value = values[name];
  return Array.isArray(value) ? value : [];
}

function integerOption(values: Values, name: string, fallback: number): number {
  const text = optionalString(values, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(value)) throw usage(`--${name} must be an integer`);
  return value;
}

function numberOption(values: Values, name: string, fallback: number): number {
  const text = optionalString(values, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value)) throw usage(`--${name} must be a number`);
  return value;
}

function formatOption(values: Values): "csv" | "german" {
  const format = optionalString(values, "format") ?? "csv";
  if (format !== "csv" && format !== "german") throw usage("--format must be csv or german");
  return format;
}

async function readTable(path: string, format: "csv" | "german"): Promise<RawTable> {
  return format === "german" ? readGermanTable(path) : readCsvTable(path);
}

function directions(values: Values): Record<string, "ascending" | "descending"> {
  const result: Record<string, "ascending" | "descending"> = {};
  for (const entry of list(values, "direction")) {
    const split = entry.lastIndexOf("=");
    const name = entry.slice(0, split);
    const direction = entry.slice(split + 1);
    if (split <= 0 || (direction !== "ascending" && direction !== "descending")) {
      throw usage("--direction takes COL=ascending or COL=descending");
    }
    result[name] = direction;
  }
  return result;
}

async function train(values: Values, io: CommandIo): Promise<number> {
  const data_path = requiredString(values, "data");
  const out_path = requiredString(values, "out");
  const format = formatOption(values);
  const target = optionalString(values, "target") ?? (format === "german" ? german_target_name : undefined);
  if (target === undefined) throw usage("--target is required for csv data");
  const folds = integerOption(values, "folds", 5);
  const seed = integerOption(values, "seed", 1);
  const table = await readTable(data_path, format);
  const bad_value = optionalString(values, "bad-value");
  const dataset = buildDataset(table, {
    target,
    categorical: list(values, "categorical"),
    exclude: list(values, "exclude"),
    ...(bad_value === undefined ? {} : { bad_value }),
  });
  const chosen = list(values, "features");
  const options: TrainOptionsInput = {
    name: optionalString(values, "name") ?? "scorecard",
    seed,
    folds,
    directions: directions(values),
    inquiry_features: list(values, "inquiry"),
    feature_labels: format === "german" ? german_feature_labels : {},
    scaling: {
      base_score: numberOption(values, "base-score", default_scaling.base_score),
      base_odds: numberOption(values, "base-odds", default_scaling.base_odds),
      pdo: numberOption(values, "pdo", default_scaling.pdo),
      score_min: integerOption(values, "score-min", default_scaling.score_min),
      score_max: integerOption(values, "score-max", default_scaling.score_max),
    },
    ...(chosen.length > 0 ? { features: chosen } : {}),
  };
  let model = trainScorecard(dataset, options);
  let evaluation: Evaluation;
  let evaluation_label: string;
  if (values["no-cv"] === true) {
    evaluation = evaluateModel(model, dataset, { resamples: evaluation_resamples, seed });
    evaluation_label = "training data (in-sample)";
  } else {
    const cv = crossValidate(dataset, options, folds);
    model = withCrossValidation(model, cv.summary);
    evaluation = evaluateScores(cv.pooled_scores, cv.pooled_pd, dataset.target, {
      resamples: evaluation_resamples,
      seed,
    });
    evaluation_label = `${folds}-fold cross-validated predictions`;
  }
  await writeFile(out_path, `${JSON.stringify(model, null, 2)}\n`);
  const report_path = optionalString(values, "report");
  if (report_path !== undefined) {
    await writeFile(
      report_path,
      renderReport({ title: `Scorecard ${model.name}`, model, evaluation, evaluation_label }),
    );
  }
  printTrainResult(model, out_path, report_path, values.json === true, io);
  return exit_ok;
}

function printTrainResult(
  model: ScorecardModel,
  out_path: string,
  report_path: string | undefined,
  json: boolean,
  io: CommandIo,
): void {
  const cv = model.metrics.cross_validation;
  if (json) {
    io.stdout(
      `${JSON.stringify({
        model: out_path,
        report: report_path ?? null,
        name: model.name,
        rows: model.training.rows,
        bads: model.training.bads,
        l2: model.training.l2,
        features: model.features.map((feature) => ({
          name: feature.name,
          kind: feature.kind,
          iv: feature.iv,
        })),
        dropped_features: model.training.dropped_features,
        warnings: model.training.warnings,
        metrics: model.metrics,
      })}\n`,
    );
    return;
  }
  for (const warning of model.training.warnings) io.stderr(`warning ${warning.code}: ${warning.message}\n`);
  const oof = model.metrics.out_of_fold;
  const lines = [
    `trained ${model.name} on ${model.training.rows} rows (${model.training.bads} bad), ${model.features.length} features, L2 ${model.training.l2}`,
    `out-of-fold AUC ${oof.auc.toFixed(4)} [${oof.auc_ci.low.toFixed(4)}, ${oof.auc_ci.high.toFixed(4)}], KS ${oof.ks.toFixed(4)}, Gini ${oof.gini.toFixed(4)}`,
  ];
  if (cv !== undefined) {
    lines.push(
      `${cv.folds}-fold cross-validation AUC mean ${cv.auc_mean.toFixed(4)} (sd ${cv.auc_sd.toFixed(4)}; folds ${cv.fold_aucs.map((auc) => auc.toFixed(4)).join(" ")})`,
      `cross-validation KS mean ${cv.ks_mean.toFixed(4)}, Gini mean ${cv.gini_mean.toFixed(4)}`,
    );
  }
  lines.push(`model written to ${out_path}`);
  if (report_path !== undefined) lines.push(`report written to ${report_path}`);
  io.stdout(`${lines.join("\n")}\n`);
}

async function loadModel(path: string): Promise<ScorecardModel> {
  let size_bytes: number;
  try {
    size_bytes = (await stat(path)).size;
  } catch {
    throw new DomainError("MODEL_FILE_NOT_FOUND", `cannot read model file ${path}`, { path });
  }
  if (size_bytes > model_file_bytes_max) {
    throw new DomainError("MODEL_FILE_TOO_LARGE", `the model file exceeds ${model_file_bytes_max} bytes`, {
      size_bytes,
    });
  }
  return parseModelJson(await readFile(path, "utf8"));
}

async function evaluate(values: Values, io: CommandIo): Promise<number> {
  const model = await loadModel(requiredString(values, "model"));
  const format = formatOption(values);
  const seed = integerOption(values, "seed", 1);
  const table = await readTable(requiredString(values, "data"), format);
  const dataset = buildDatasetForModel(table, {
    features: model.features.map((feature) => ({ name: feature.name, kind: feature.kind })),
    target: optionalString(values, "target") ?? model.target.name,
    bad_value: optionalString(values, "bad-value") ?? model.target.bad_label,
  });
  const evaluation = evaluateModel(model, dataset, { resamples: evaluation_resamples, seed });
  const report_path = optionalString(values, "report");
  if (report_path !== undefined) {
    await writeFile(
      report_path,
      renderReport({
        title: `Evaluation of ${model.name}`,
        model,
        evaluation,
        evaluation_label: "evaluation data",
      }),
    );
  }
  const stability = evaluation.stability;
  if (values.json === true) {
    io.stdout(
      `${JSON.stringify({
        model: model.name,
        report: report_path ?? null,
        metrics: evaluation.metrics,
        psi: stability?.psi ?? null,
        characteristics: stability?.characteristics.map(({ feature, psi, points_shift }) => ({
          feature,
          psi,
          points_shift,
        })),
      })}\n`,
    );
    return exit_ok;
  }
  const m = evaluation.metrics;
  const lines = [
    `evaluated ${model.name} on ${m.rows} rows (${m.bads} bad)`,
    `AUC ${m.auc.toFixed(4)} [${m.auc_ci.low.toFixed(4)}, ${m.auc_ci.high.toFixed(4)}], KS ${m.ks.toFixed(4)} [${m.ks_ci.low.toFixed(4)}, ${m.ks_ci.high.toFixed(4)}], Gini ${m.gini.toFixed(4)}`,
  ];
  if (stability !== undefined) {
    lines.push(`score PSI against training ${stability.psi.toFixed(4)}`);
    const shifted = [...stability.characteristics].sort((a, b) => b.psi - a.psi).slice(0, 5);
    for (const entry of shifted) {
      lines.push(
        `  ${entry.feature}: PSI ${entry.psi.toFixed(4)}, points shift ${entry.points_shift.toFixed(2)}`,
      );
    }
  }
  if (report_path !== undefined) lines.push(`report written to ${report_path}`);
  io.stdout(`${lines.join("\n")}\n`);
  return exit_ok;
}

async function score(values: Values, io: CommandIo): Promise<number> {
  const model = await loadModel(requiredString(values, "model"));
  const scorecard = compileScorecard(model);
  const options: ScoreOptions = {
    absent_features: values["absent-as-missing"] === true ? "missing" : "error",
  };
  let scored = 0;
  let failed = 0;
  for await (const line of readLines(io.stdin ?? process.stdin)) {
    const result = scoreLine(scorecard, line, options);
    if ("error" in result) failed += 1;
    else scored += 1;
    io.stdout(`${JSON.stringify(result)}\n`);
  }
  io.stderr(`scored ${scored} records, ${failed} failed\n`);
  return failed === 0 ? exit_ok : exit_failed;
}

function scoreLine(
  scorecard: ReturnType<typeof compileScorecard>,
  line: Line,
  options: ScoreOptions,
): object {
  const failure = (code: string, message: string) => ({ line: line.number, error: { code, message } });
  if (line.too_long) return failure("LINE_TOO_LONG", `the line exceeds ${line_bytes_max} bytes`);
  let record: unknown;
  try {
    record = JSON.parse(line.text);
  } catch {
    return failure("RECORD_JSON_INVALID", "the line is not valid JSON");
  }
  try {
    const result = scoreRecord(scorecard, record, options);
    const id = (record as { id?: unknown }).id;
    return {
      line: line.number,
      ...(typeof id === "string" || typeof id === "number" ? { id } : {}),
      score: result.score,
      pd: result.pd,
      reasons: result.reasons,
    };
  } catch (error) {
    if (error instanceof DomainError) return failure(error.code, error.message);
    throw error;
  }
}
