// Trains the bureau's champions on the demo population, whose hidden outcomes the demo generator knows.
import type { Database } from "../db/database.ts";
import { outcomes } from "../demo/population.ts";
import type { AppContext } from "../http/context.ts";
import { type BureauTrainingResult, trainBureauModels } from "./bureau-training.ts";
import { monthIndex } from "./feature-extraction.ts";

/**
 * The `now` the demo population was generated for, read back from the data: its histories end with the
 * last complete month before `now`, so `now` lies in the month after the latest statement. Only the
 * month matters to the population's calendar. Undefined when the bureau holds no statement.
 */
export async function populationNow(db: Pick<Database, "query">): Promise<Date | undefined> {
  const [row] = await db.query<{ period: string | null }>(
    "SELECT to_char(max(period), 'YYYY-MM') AS period FROM statements",
  );
  if (row?.period === null || row?.period === undefined) return undefined;
  const next = monthIndex(row.period) + 1;
  return new Date(Date.UTC(Math.floor(next / 12), next % 12, 1));
}

export interface DemoTrainingOptions {
  /** The time the population was generated for; read back from the data when absent. */
  readonly now?: Date | undefined;
  /** Champions (default) or challengers scored in shadow. */
  readonly role?: "champion" | "challenger";
}

/**
 * Trains and registers the full and thin-file scorecards on the demo population of `people` people
 * generated from `seed`, with the observation date twelve months before the population's `now`.
 * Undefined when the bureau holds no credit data to learn from.
 */
export async function trainDemoModels(
  ctx: AppContext,
  people: number,
  seed: number,
  options: DemoTrainingOptions = {},
): Promise<BureauTrainingResult | undefined> {
  const generated_for = options.now ?? (await populationNow(ctx.db));
  if (people === 0 || generated_for === undefined) return undefined;
  const population = outcomes({ people, seed, now: generated_for });
  return trainBureauModels(ctx, {
    as_of: new Date(`${population.observation_date}T00:00:00Z`),
    outcomes: population.people,
    seed,
    role: options.role ?? "champion",
  });
}
