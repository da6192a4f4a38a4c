// Scores the registered models computed for queries, and their stability against the training sample.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { Database } from "../db/database.ts";
import { ApiError, registerErrorCodes } from "../http/errors.ts";
import { getModel } from "./model-registry.ts";
import type { ScorecardModel } from "./model-schema.ts";
import {
  type CharacteristicStability,
  characteristicStability,
  populationStabilityIndex,
  shares,
  trainingBinCounts,
} from "./stability.ts";

registerErrorCodes({
  STABILITY_WINDOW_INVALID: { status: 400, title: "The stability window must end after it starts" },
});

// A stability report over more than this aggregates too much history to say what changed when.
export const stability_window_days_max = 366;
export const subject_prefix_bytes = 4;

export interface ShadowScore {
  readonly model_version: string;
  // True for the champion's score the lender received; false for a challenger's shadow score.
  readonly served: boolean;
  readonly score: number;
  readonly bins: readonly number[];
}

/** Records the scores of one query; only a short hash prefix of the subject key is kept. */
export async function recordScores(
  db: Pick<Database, "query">,
  scores: readonly ShadowScore[],
  subject_key: Buffer,
  scoring_id: string,
  at: Date,
): Promise<void> {
  if (scores.length === 0) return;
  const prefix = createHash("sha256").update(subject_key).digest().subarray(0, subject_prefix_bytes);
  const params: unknown[] = [at, prefix, scoring_id];
  const values = scores.map((score) => {
    assert.ok(Number.isInteger(score.score), "scores are integers");
    params.push(score.model_version, score.served, score.score, score.bins);
    const base = params.length - 3;
    return `($${base}, $${base + 1}, $${base + 2}, $${base + 3}::smallint[], $1, $2, $3)`;
  });
  await db.query(
    `INSERT INTO score_shadow (model_version, served, score, bins, at, subject_prefix, scoring_id)
     VALUES ${values.join(", ")}`,
    params,
  );
}

export interface PopulationStability {
  readonly model_version: string;
  readonly from: Date;
  readonly to: Date;
  // Scores the model computed in the window, served or in shadow.
  readonly scores: number;
  // Null when the window holds no score to compare.
  readonly psi: number | null;
  readonly score_bands: readonly {
    readonly upper_edge: number | null;
    readonly expected_share: number;
    readonly actual_share: number;
  }[];
  readonly characteristics: readonly CharacteristicStability[];
}

// Share of scores in each training band, from counts per score value.
function bandSharesOfCounts(
  counts: readonly { score: number; count: number }[],
  upper_edges: readonly number[],
): number[] {
  const bands = new Array<number>(upper_edges.length + 1).fill(0);
  for (const { score, count } of counts) {
    let band = 0;
    while (band < upper_edges.length && score > (upper_edges[band] as number)) band += 1;
    bands[band] = (bands[band] as number) + count;
  }
  return shares(bands);
}

/**
 * PSI of the model's scores in [from, to) against its training score bands, and the characteristic
 * stability of each feature (training bin shares against the window's), from the scores recorded.
 */
export async function populationStability(
  db: Pick<Database, "query">,
  model_version: string,
  from: Date,
  to: Date,
): Promise<PopulationStability> {
  const days = (to.getTime() - from.getTime()) / 86_400_000;
  if (!(days > 0) || days > stability_window_days_max) {
    throw new ApiError(
      "STABILITY_WINDOW_INVALID",
      `The window must end after it starts and span at most ${stability_window_days_max} days.`,
      { stability_window_days_max },
    );
  }
  const { model } = await getModel(db, model_version);
  const score_rows = await db.query<{ score: number; count: bigint }>(
    `SELECT score, count(*) AS count FROM score_shadow
     WHERE model_version = $1 AND at >= $2 AND at < $3 GROUP BY score`,
    [model_version, from, to],
  );
  const counts = score_rows.map((row) => ({ score: row.score, count: Number(row.count) }));
  const total = counts.reduce((sum, row) => sum + row.count, 0);
  const { upper_edges, shares: expected } = model.score_distribution;
  if (total === 0) {
    return {
      model_version,
      from,
      to,
      scores: 0,
      psi: null,
      score_bands: bands(
        upper_edges,
        expected,
        expected.map(() => 0),
      ),
      characteristics: [],
    };
  }
  const actual = bandSharesOfCounts(counts, upper_edges);
  return {
    model_version,
    from,
    to,
    scores: total,
    psi: populationStabilityIndex(expected, actual),
    score_bands: bands(upper_edges, expected, actual),
    characteristics: characteristicStability(
      model,
      trainingBinCounts(model),
      await windowBinCounts(db, model_version, model, from, to),
    ),
  };
}

function bands(upper_edges: readonly number[], expected: readonly number[], actual: readonly number[]) {
  return expected.map((expected_share, index) => ({
    upper_edge: upper_edges[index] ?? null,
    expected_share,
    actual_share: actual[index] ?? 0,
  }));
}

// Count of window scores in each bin of each feature, missing bin last, in the model's feature order.
async function windowBinCounts(
  db: Pick<Database, "query">,
  model_version: string,
  model: ScorecardModel,
  from: Date,
  to: Date,
): Promise<number[][]> {
  const rows = await db.query<{ feature: bigint | number; bin: number; count: bigint }>(
    `SELECT o.feature, o.bin, count(*) AS count
     FROM score_shadow s, unnest(s.bins) WITH ORDINALITY AS o (bin, feature)
     WHERE s.model_version = $1 AND s.at >= $2 AND s.at < $3
     GROUP BY o.feature, o.bin`,
    [model_version, from, to],
  );
  const counts = model.features.map((feature) => new Array<number>(feature.bins.length + 1).fill(0));
  for (const row of rows) {
    const feature = counts[Number(row.feature) - 1];
    assert.ok(feature !== undefined && row.bin < feature.length, "recorded bins match the model");
    feature[row.bin] = Number(row.count);
  }
  return counts;
}
