// Benchmark of the scoring engine: scores per second one at a time and in batches, and training time.
import { parseArgs } from "node:util";
import { rowRecord } from "../src/scoring/dataset.ts";
import { compileScorecard, scoreBatch, scoreRecord } from "../src/scoring/scorer.ts";
import { syntheticCreditData } from "../src/scoring/synthetic-data.ts";
import { trainScorecard } from "../src/scoring/trainer.ts";

const batch_size = 10_000;

// Wall time and this process's CPU time: on a shared machine the CPU figure shows what one
// dedicated core would do, and the ratio against the baseline is immune to both.
interface Timing {
  readonly wall_ms: number;
  readonly cpu_ms: number;
}

function timed(work: () => void): Timing {
  const cpu_start = process.cpuUsage();
  const wall_start = performance.now();
  work();
  const cpu = process.cpuUsage(cpu_start);
  return { wall_ms: performance.now() - wall_start, cpu_ms: (cpu.user + cpu.system) / 1000 };
}

function rate(count: number, timing: Timing): string {
  const wall = Math.round((count * 1000) / timing.wall_ms).toLocaleString("en");
  const cpu = Math.round((count * 1000) / timing.cpu_ms).toLocaleString("en");
  return `${wall}/s wall clock, ${cpu}/s of CPU time`;
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { rows: { type: "string" }, features: { type: "string" }, scores: { type: "string" } },
    strict: true,
  });
  const rows = Number(values.rows ?? 100_000);
  const feature_count = Number(values.features ?? 30);
  const score_count = Number(values.scores ?? 500_000);

  const { dataset } = syntheticCreditData({
    rows,
    features: feature_count,
    seed: 1,
    missing_share: 0.1,
    non_monotone: true,
  });
  let model = undefined as unknown as ReturnType<typeof trainScorecard>;
  const training = timed(() => {
    model = trainScorecard(dataset, { seed: 1, trained_at: "bench" });
  });
  console.log(
    `training on ${rows} rows x ${feature_count} features: ${(training.wall_ms / 1000).toFixed(2)} s wall clock, ${(training.cpu_ms / 1000).toFixed(2)} s CPU (target < 30 s); ${model.features.length} features kept, out-of-fold AUC ${model.metrics.out_of_fold.auc.toFixed(4)}`,
  );

  const records = Array.from({ length: batch_size }, (_, row) => rowRecord(dataset, row));
  const scorecard = compileScorecard(model);
  const names = dataset.features.map((column) => column.name);
  const weights = Float64Array.from(names, (_, index) => 0.01 * (index + 1));
  // Baseline: the least any scorer must do per record, read each feature from the record and
  // add a weighted value, over the same records and the same number of features.
  const baseline = (record: Record<string, unknown>) => {
    let total = 0;
    for (let j = 0; j < names.length; j += 1) {
      const value = record[names[j] as string];
      total += (weights[j] as number) * (typeof value === "number" ? value : 1);
    }
    return total;
  };
  let sink = 0;
  // Warm every path up so that the figures compare optimised code.
  for (const record of records) sink += scoreRecord(scorecard, record).score + baseline(record);

  const baseline_timing = timed(() => {
    for (let index = 0; index < score_count; index += 1)
      sink += baseline(records[index % batch_size] as Record<string, unknown>);
  });
  const single_timing = timed(() => {
    for (let index = 0; index < score_count; index += 1) {
      sink += scoreRecord(scorecard, records[index % batch_size]).score;
    }
  });
  const batches = Math.max(1, Math.round(score_count / batch_size));
  const batch_timing = timed(() => {
    for (let batch = 0; batch < batches; batch += 1) {
      for (const result of scoreBatch(scorecard, records)) sink += result.score;
    }
  });

  console.log(
    `scoring one at a time (score, PD, key factors): ${rate(score_count, single_timing)} (target >= 100,000/s)`,
  );
  console.log(`scoring in batches of ${batch_size}: ${rate(batches * batch_size, batch_timing)}`);
  console.log(
    `baseline, a dot product over the ${names.length} features of each record: ${rate(score_count, baseline_timing)}`,
  );
  const per_record = (timing: Timing, count: number) => timing.cpu_ms / count;
  console.log(
    `ratio scorecard / baseline throughput (CPU time): one at a time ${(per_record(baseline_timing, score_count) / per_record(single_timing, score_count)).toFixed(3)}, batched ${(per_record(baseline_timing, score_count) / per_record(batch_timing, batches * batch_size)).toFixed(3)}`,
  );
  if (!Number.isFinite(sink)) throw new Error("unreachable: the sink keeps the work alive");
}
