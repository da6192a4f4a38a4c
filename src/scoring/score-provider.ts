// The score a report carries: the regime's champion scorecard applied to the subject's file at query time,
// with every challenger of the same kind scored in shadow.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import type { Database } from "../db/database.ts";
import type { CreditFile } from "../furnishing/index.ts";
import type { AppContext } from "../http/context.ts";
import { rangeBinIndex } from "./binning.ts";
import { bureauFeaturesAt, type FeatureValues, monthsBefore, scorecardRoute } from "./feature-extraction.ts";
import { activeVersions, type ModelKind, modelsByVersion } from "./model-registry.ts";
import { recordScores, type ShadowScore } from "./score-shadow.ts";
import { type CompiledScorecard, compileScorecard, scoreRecord } from "./scorer.ts";

export interface ScoreAnswerReason {
  readonly code: string;
  readonly points_lost: number;
  readonly text: { readonly "zh-CN": string; readonly en: string };
}

export type ScoreAnswer =
  | {
      readonly available: true;
      readonly score: number;
      // Probability of going 90 or more days past due within 12 months, calibrated on training data.
      readonly pd: number;
      readonly model_version: string;
      readonly scorecard: ModelKind;
      // Up to four key factors by points lost, plus inquiries as a fifth where they cost points.
      readonly reasons: readonly ScoreAnswerReason[];
    }
  | { readonly available: false; readonly reason_code: "NO_MODEL" | "INSUFFICIENT_DATA" };

interface LoadedModel {
  readonly version: string;
  readonly compiled: CompiledScorecard;
}

interface ActiveSet {
  readonly signature: string;
  readonly champions: ReadonlyMap<ModelKind, LoadedModel>;
  readonly challengers: ReadonlyMap<ModelKind, readonly LoadedModel[]>;
}

// Inquiries older than this count for no feature.
const inquiry_lookback_months = 12;
const pd_decimals = 1e6;

// The regime's champions and challengers, compiled once per version. Every call asks the registry
// which versions are active, a one-index query, so a promotion by any process (the CLI, another
// server) takes effect on the next score; model JSON is read only when a version is new.
class ActiveModels {
  readonly #db: Pick<Database, "query">;
  readonly #regime: string;
  #current: ActiveSet = { signature: "", champions: new Map(), challengers: new Map() };

  constructor(db: Pick<Database, "query">, regime: string) {
    this.#db = db;
    this.#regime = regime;
  }

  async current(): Promise<ActiveSet> {
    const versions = await activeVersions(this.#db, this.#regime);
    const signature = versions.map((row) => `${row.version}:${row.role}`).join(",");
    if (signature === this.#current.signature) return this.#current;
    const known = new Map<string, CompiledScorecard>();
    for (const loaded of [
      ...this.#current.champions.values(),
      ...[...this.#current.challengers.values()].flat(),
    ]) {
      known.set(loaded.version, loaded.compiled);
    }
    const missing = versions.map((row) => row.version).filter((version) => !known.has(version));
    if (missing.length > 0) {
      for (const [version, model] of await modelsByVersion(this.#db, missing)) {
        known.set(version, compileScorecard(model));
      }
    }
    const champions = new Map<ModelKind, LoadedModel>();
    const challengers = new Map<ModelKind, LoadedModel[]>();
    for (const row of versions) {
      const compiled = known.get(row.version);
      assert.ok(compiled !== undefined, "registered models are never deleted");
      const loaded = { version: row.version, compiled };
      if (row.role === "champion") champions.set(row.kind, loaded);
      else challengers.set(row.kind, [...(challengers.get(row.kind) ?? []), loaded]);
    }
    this.#current = { signature, champions, challengers };
    return this.#current;
  }
}

// The bin of each model feature a record falls in, missing bin last, as the scorer bins it.
export function binIndices(scorecard: CompiledScorecard, values: FeatureValues): number[] {
  return scorecard.features.map((feature) => {
    const value = values[feature.name];
    if (value === null || value === undefined || Number.isNaN(value)) return feature.missing_index;
    if (feature.numeric) return rangeBinIndex(feature.thresholds, value);
    return feature.category_bin.get(String(value)) ?? feature.missing_index;
  });
}

function scoreWith(loaded: LoadedModel, values: FeatureValues) {
  return scoreRecord(loaded.compiled, values, { absent_features: "missing" });
}

/**
 * The provider reports call for a score: `reportRoutes({ score: scoreProvider })`. `inquiries` are the
 * subject's answered inquiries the caller read with the file, at least those of the last 12 months.
 */
export function scoreProvider(
  ctx: AppContext,
): (
  file: CreditFile,
  inquiries: readonly { readonly at: Date }[],
  subject_key: Buffer,
  now: Date,
) => Promise<ScoreAnswer> {
  const models = new ActiveModels(ctx.db, ctx.config.regime.code);
  return async (file, inquiries, subject_key, now) => {
    const active = await models.current();
    if (active.champions.size === 0) return { available: false, reason_code: "NO_MODEL" };
    const since = monthsBefore(now, inquiry_lookback_months);
    const values = bureauFeaturesAt(
      file,
      inquiries.filter((inquiry) => inquiry.at >= since).map((inquiry) => inquiry.at),
      now,
    );
    const route = scorecardRoute(file, values, now);
    if (route === "none") return { available: false, reason_code: "INSUFFICIENT_DATA" };
    const champion = active.champions.get(route);
    if (champion === undefined) return { available: false, reason_code: "NO_MODEL" };
    const result = scoreWith(champion, values);
    const shadow: ShadowScore[] = [
      {
        model_version: champion.version,
        served: true,
        score: result.score,
        bins: binIndices(champion.compiled, values),
      },
      ...(active.challengers.get(route) ?? []).map((challenger) => ({
        model_version: challenger.version,
        served: false,
        score: scoreWith(challenger, values).score,
        bins: binIndices(challenger.compiled, values),
      })),
    ];
    await recordScores(ctx.db, shadow, subject_key, `sc_${randomBytes(8).toString("hex")}`, now);
    return {
      available: true,
      score: result.score,
      pd: Math.round(result.pd * pd_decimals) / pd_decimals,
      model_version: champion.version,
      scorecard: route,
      reasons: result.reasons.map((reason) => ({
        code: reason.code,
        points_lost: reason.points_lost,
        text: { "zh-CN": reason.zh, en: reason.en },
      })),
    };
  };
}
