// `credence model bureau-train|list`: train the bureau's champions on the demo population, list the registry.
import { describeError, type Io, parse, printData, UsageError, withLocal } from "../cli/cli-kit.ts";
import { demo_seed } from "../demo/demo-world.ts";
import { people_max } from "../demo/population.ts";
import type { AppContext } from "../http/context.ts";
import type { BureauTrainingResult } from "./bureau-training.ts";
import { trainDemoModels } from "./demo-models.ts";
import { listModels } from "./model-registry.ts";

export const bureauModelHelp = `Usage:
  credence model bureau-train [--people N] [--seed N] [--now ISO] [--challenger] [--json]
      train the full and thin-file scorecards on the demo population in the store: features from the
      bureau's records at the observation date (twelve months before the population's now), outcomes
      from the generator's hidden truth; registers both as champions of the regime (or as challengers,
      scored in shadow), and prints out-of-fold AUCs and how much of the population gets a score
        --people N   the population's size (default CREDENCE_DEMO_PEOPLE)
        --seed N     its seed (default: the demo's)
        --now ISO    the time it was generated for (default: the month after its latest statement)
  credence model list [--json]
      every registered model with its kind, role and out-of-fold AUC
Works on the data folder or DATABASE_URL directly (stop the server first when it holds the data folder).`;

/** Runs a body against the store; tests give their own context here. */
export type StoreOpener = <T>(body: (ctx: AppContext) => Promise<T>) => Promise<T>;

function wholeNumber(text: string | undefined, name: string, fallback: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > max)
    throw new UsageError(`--${name} must be a whole number up to ${max}`);
  return value;
}

function showHelp(io: Io): number {
  io.stdout(bureauModelHelp);
  return 0;
}

const percent = (share: number) => `${(100 * share).toFixed(1)}%`;

function describeTraining(result: BureauTrainingResult): string {
  const { full, thin_file, coverage } = result;
  const check = thin_file.thin_at_observation;
  return [
    `trained on ${result.population} people at the observation date ${result.as_of.slice(0, 10)} (regime ${result.regime})`,
    `full card       ${full.version}  ${full.rows} rows, ${full.bads} bad, AUC ${full.auc_out_of_fold.toFixed(3)} out of fold`,
    `thin-file card  ${thin_file.version}  ${thin_file.rows} rows, ${thin_file.bads} bad, AUC ${thin_file.auc_out_of_fold.toFixed(3)} out of fold`,
    `                on ${check.rows} people thin at the observation date (${check.bads} bad): ${check.auc === null ? "too few of each outcome for an AUC" : `AUC ${check.auc.toFixed(3)}`}`,
    `coverage        ${percent(coverage.full_only_share)} of the population scored by the full card alone, ${percent(coverage.with_thin_share)} with the thin-file card`,
  ].join("\n");
}

async function bureauTrain(argv: string[], io: Io, open: StoreOpener): Promise<number> {
  const { values } = parse(argv, {
    people: { type: "string" },
    seed: { type: "string" },
    now: { type: "string" },
    challenger: { type: "boolean" },
    json: { type: "boolean" },
  });
  if (values.help) return showHelp(io);
  const seed = wholeNumber(values.seed, "seed", demo_seed, Number.MAX_SAFE_INTEGER);
  const now = values.now === undefined ? undefined : new Date(values.now);
  if (now !== undefined && Number.isNaN(now.getTime()))
    throw new UsageError("--now must be an ISO 8601 time");
  const result = await open(async (ctx) =>
    trainDemoModels(ctx, wholeNumber(values.people, "people", ctx.config.demo_people, people_max), seed, {
      now,
      role: values.challenger ? "challenger" : "champion",
    }),
  );
  if (result === undefined) {
    io.stderr("the store holds no demo population to train on (load one with `credence demo`)");
    return 1;
  }
  printData(io, Boolean(values.json), result, () => describeTraining(result));
  return 0;
}

async function list(argv: string[], io: Io, open: StoreOpener): Promise<number> {
  const { values } = parse(argv, { json: { type: "boolean" } });
  if (values.help) return showHelp(io);
  const models = await open((ctx) => listModels(ctx.db));
  printData(io, Boolean(values.json), { items: models }, () =>
    models.length === 0
      ? "no model is registered (train one with `credence model bureau-train`)"
      : models
          .map(
            (model) =>
              `${model.version.padEnd(42)} ${model.kind.padEnd(9)} ${model.role.padEnd(10)} AUC ${model.auc_out_of_fold.toFixed(3)}  ${model.created_at.toISOString()}`,
          )
          .join("\n"),
  );
  return 0;
}

const actions: Record<string, (argv: string[], io: Io, open: StoreOpener) => Promise<number>> = {
  "bureau-train": bureauTrain,
  list,
};

/** `credence model bureau-train` and `credence model list`; the lead routes these two names here. */
export async function bureauModelCommand(
  argv: string[],
  io: Io,
  open: StoreOpener = withLocal,
): Promise<number> {
  const [name, ...rest] = argv;
  const action = name === undefined ? undefined : actions[name];
  if (action === undefined) {
    io.stdout(bureauModelHelp);
    return name === "--help" || name === "-h" ? 0 : 2;
  }
  try {
    return await action(rest, io, open);
  } catch (error) {
    const described = describeError(error);
    io.stderr(described.message);
    return described.exit;
  }
}
