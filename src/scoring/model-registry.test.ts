// Tests of the model registry, shadow scores and stability, directly and over HTTP, on both backends.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { ManualClock } from "../config/clock.ts";
import { loadConfig } from "../config/config.ts";
import { ephemeralKeyring } from "../config/keyring.ts";
import { describeEachBackend } from "../db/testing.ts";
import type { App, AppContext } from "../http/context.ts";
import { buildServer } from "../http/server.ts";
import { call, ensureInstitution } from "../http/testing.ts";
import {
  championFor,
  listModels,
  type ModelSummary,
  promoteChampion,
  registerModel,
} from "./model-registry.ts";
import { modelRoutes } from "./model-routes.ts";
import type { ScorecardModel } from "./model-schema.ts";
import { populationStability, recordScores } from "./score-shadow.ts";
import { syntheticCreditData } from "./synthetic-data.ts";
import { trainScorecard } from "./trainer.ts";

const start = new Date("2026-11-01T08:00:00Z");
const hour_ms = 3_600_000;

const base_model = trainScorecard(
  syntheticCreditData({ rows: 1_000, features: 4, seed: 5, missing_share: 0.1, non_monotone: false }).dataset,
  { name: "registry-test", seed: 1, trained_at: start.toISOString(), bootstrap_resamples: 20 },
);
// Models differ by name only; each name gives its own version digest.
const variant = (name: string): ScorecardModel => ({ ...base_model, name });

// Scores laid out like the training sample: each band's share of `count`, at the band's upper edge.
function trainingLikeScores(model: ScorecardModel, count: number): number[] {
  const { upper_edges, shares } = model.score_distribution;
  return shares.flatMap((share, band) => {
    const score = upper_edges[band] ?? (upper_edges.at(-1) ?? model.scaling.score_min) + 1;
    return new Array<number>(Math.round(share * count)).fill(score);
  });
}

describeEachBackend("model registry", (backend) => {
  let ctx: AppContext & { clock: ManualClock };
  let app: App;
  let url: string;
  const keys: Record<string, string> = {};
  before(async () => {
    ctx = {
      config: loadConfig({ CREDENCE_LOG_LEVEL: "silent" }),
      db: backend().db,
      keyring: ephemeralKeyring(),
      clock: new ManualClock(start),
    };
    app = await buildServer(ctx, { logging: false, routes: [modelRoutes] });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const address = app.server.address();
    assert.ok(address !== null && typeof address === "object");
    url = `http://127.0.0.1:${address.port}`;
    for (const [id, role] of [
      ["test-bureau", "bureau"],
      ["test-regulator", "regulator"],
      ["test-lender", "lender"],
    ] as const) {
      const key = await ensureInstitution(ctx, {
        id,
        name: `Test ${role}`,
        legal_id: id.toUpperCase(),
        roles: [role],
        kind: role === "lender" ? "bank" : role,
      });
      keys[role] = key.token;
    }
  });
  after(() => app.close());

  const register = (name: string, role: "champion" | "challenger", regime = "cn", kind = "full" as const) =>
    registerModel(ctx.db, { model: variant(name), regime, kind, role, created_at: ctx.clock.now() });

  let first: ModelSummary;
  let second: ModelSummary;

  it("keeps one champion per regime and kind: a new champion retires the old one", async () => {
    first = await register("first", "champion");
    assert.match(first.version, /^cn-full-20261101t080000-[0-9a-f]{8}$/);
    assert.equal(first.role, "champion");
    second = await register("second", "champion");
    const us = await register("american", "champion", "us");
    assert.equal((await championFor(ctx.db, "cn", "full"))?.version, second.version);
    assert.equal((await championFor(ctx.db, "us", "full"))?.version, us.version);
    assert.equal(await championFor(ctx.db, "cn", "thin_file"), undefined);
    const roles = new Map(
      (await listModels(ctx.db, { regime: "cn" })).map((model) => [model.version, model.role]),
    );
    assert.equal(roles.get(first.version), "retired");
    assert.equal(roles.get(second.version), "champion");
    const again = await register("second", "champion");
    assert.equal(again.version, second.version, "registering the same model again is a no-op");
  });

  it("promotes a challenger, and racing promotions still leave exactly one champion", async () => {
    const challenger = await register("challenger", "challenger");
    assert.equal(challenger.role, "challenger");
    ctx.clock.advance(hour_ms);
    const promoted = await promoteChampion(ctx.db, challenger.version, ctx.clock.now());
    assert.equal(promoted.role, "champion");
    assert.deepEqual(promoted.promoted_at, ctx.clock.now());
    const repeat = await promoteChampion(ctx.db, challenger.version, new Date(ctx.clock.now().getTime() + 1));
    assert.deepEqual(repeat.promoted_at, promoted.promoted_at, "promoting the champion changes nothing");
    await Promise.all(
      [first, second].map((model) => promoteChampion(ctx.db, model.version, ctx.clock.now())),
    );
    const champions = await listModels(ctx.db, { regime: "cn", kind: "full", role: "champion" });
    assert.equal(champions.length, 1);
    assert.ok([first.version, second.version].includes(champions[0]?.version as string));
    await assert.rejects(promoteChampion(ctx.db, "cn-full-unknown", ctx.clock.now()), {
      code: "MODEL_UNKNOWN",
    });
  });

  it("refuses a second champion written past the registry's functions", async () => {
    const [challenger] = await listModels(ctx.db, { regime: "cn", kind: "full", role: "retired" });
    assert.ok(challenger);
    await assert.rejects(
      ctx.db.query("UPDATE scoring_models SET role = 'champion' WHERE version = $1", [challenger.version]),
    );
  });

  it("computes PSI and characteristic stability of recorded scores in a window", async () => {
    const model = (await championFor(ctx.db, "cn", "full"))?.model as ScorecardModel;
    const version = (await championFor(ctx.db, "cn", "full"))?.version as string;
    const at = new Date(start.getTime() + 2 * hour_ms);
    const first_bins = model.features.map(() => 0);
    const like_training = trainingLikeScores(model, 400);
    for (const [index, score] of like_training.entries()) {
      const subject = Buffer.alloc(32, index % 200);
      await recordScores(
        ctx.db,
        [{ model_version: version, served: true, score, bins: first_bins }],
        subject,
        `sc_${index}`,
        at,
      );
    }
    const stored = await ctx.db.query<{ subject_prefix: Buffer }>(
      "SELECT subject_prefix FROM score_shadow WHERE model_version = $1 LIMIT 1",
      [version],
    );
    assert.equal(stored[0]?.subject_prefix.length, 4, "only a four-byte hash prefix names the subject");
    const window = await populationStability(ctx.db, version, start, new Date(start.getTime() + 3 * hour_ms));
    assert.equal(window.scores, like_training.length);
    assert.ok(
      window.psi !== null && window.psi < 0.02,
      `scores laid out like training are stable (${window.psi})`,
    );
    assert.equal(window.characteristics.length, model.features.length);
    for (const characteristic of window.characteristics) {
      assert.equal(characteristic.bins[0]?.actual_share, 1);
      assert.ok(characteristic.psi > 0.25, "every record in one bin is a shift");
    }
    const lowest = model.scaling.score_min;
    for (let index = 0; index < 100; index += 1) {
      await recordScores(
        ctx.db,
        [{ model_version: version, served: true, score: lowest, bins: first_bins }],
        Buffer.alloc(32, 1),
        `sc_low_${index}`,
        new Date(start.getTime() + 5 * hour_ms),
      );
    }
    const shifted = await populationStability(
      ctx.db,
      version,
      new Date(start.getTime() + 4 * hour_ms),
      new Date(start.getTime() + 6 * hour_ms),
    );
    assert.equal(shifted.scores, 100);
    assert.ok((shifted.psi as number) > 0.25);
    const empty = await populationStability(
      ctx.db,
      version,
      new Date(start.getTime() + 7 * hour_ms),
      new Date(start.getTime() + 8 * hour_ms),
    );
    assert.deepEqual([empty.scores, empty.psi, empty.characteristics.length], [0, null, 0]);
    await assert.rejects(populationStability(ctx.db, version, at, at), { code: "STABILITY_WINDOW_INVALID" });
    await assert.rejects(
      populationStability(ctx.db, version, start, new Date(start.getTime() + 367 * 24 * hour_ms)),
      { code: "STABILITY_WINDOW_INVALID" },
    );
  });

  it("serves the registry to the bureau and the regulator; only the bureau promotes", async () => {
    assert.equal((await call(`${url}/v1/models`, { key: keys.lender })).status, 403);
    const listed = await call<{ items: ModelSummary[] }>(`${url}/v1/models?regime=cn&kind=full`, {
      key: keys.regulator,
    });
    assert.equal(listed.status, 200);
    assert.deepEqual(
      listed.body.items.map((model) => model.regime),
      ["cn", "cn", "cn"],
    );
    const one = await call<{ model_card: string; model: ScorecardModel; role: string }>(
      `${url}/v1/models/${second.version}`,
      { key: keys.regulator },
    );
    assert.equal(one.status, 200);
    assert.match(one.body.model_card, /^# Model card: registry-test/);
    assert.equal(one.body.model.name, "second");
    assert.ok(one.body.model.features.length > 0);
    const unknown = await call(`${url}/v1/models/cn-full-20991231t000000-00000000`, { key: keys.bureau });
    assert.deepEqual([unknown.status, unknown.body.code], [404, "MODEL_UNKNOWN"]);
    assert.equal((await call(`${url}/v1/models/NOT%20A%20VERSION`, { key: keys.bureau })).status, 422);
    const refused = await call(`${url}/v1/models/${second.version}/promote`, {
      method: "POST",
      key: keys.regulator,
    });
    assert.equal(refused.status, 403);
    const promoted = await call<ModelSummary>(`${url}/v1/models/${second.version}/promote`, {
      method: "POST",
      key: keys.bureau,
    });
    assert.deepEqual([promoted.status, promoted.body.role], [200, "champion"]);
    const stability = await call<{ scores: number; psi: number }>(
      `${url}/v1/models/${second.version}/stability?from=2026-11-01T00:00:00Z&to=2026-11-02T00:00:00Z`,
      { key: keys.regulator },
    );
    assert.equal(stability.status, 200);
    assert.equal(typeof stability.body.scores, "number");
    const backwards = await call(
      `${url}/v1/models/${second.version}/stability?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z`,
      { key: keys.bureau },
    );
    assert.deepEqual([backwards.status, backwards.body.code], [400, "STABILITY_WINDOW_INVALID"]);
  });
});
