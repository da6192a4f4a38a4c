// Tests of the bureau's own scorecards on a small demo population: training, serving, shadow scores, the CLI.
import assert from "node:assert/strict";
import { before, it } from "node:test";
import { ManualClock } from "../config/clock.ts";
import { loadConfig } from "../config/config.ts";
import { ephemeralKeyring } from "../config/keyring.ts";
import { describeEachBackend } from "../db/testing.ts";
import { loadDemoWorld } from "../demo/demo-world.ts";
import { loadPopulation, subjectIdentifier } from "../demo/population.ts";
import { type CreditFile, loadCreditFile } from "../furnishing/index.ts";
import type { AppContext } from "../http/context.ts";
import { subjectKey } from "../identity/index.ts";
import { bureauModelCommand } from "./bureau-cli.ts";
import { bureauFeature } from "./bureau-features.ts";
import { trainDemoModels } from "./demo-models.ts";
import { featureWindowStart } from "./feature-extraction.ts";
import { championFor, type ModelSummary } from "./model-registry.ts";
import { type ScoreAnswer, scoreProvider } from "./score-provider.ts";
import { populationStability } from "./score-shadow.ts";

const now = "2026-11-01T08:00:00Z";
const population = { people: 300, seed: 3 };
const people_examined = 40;

interface Subject {
  readonly key: Buffer;
  readonly file: CreditFile;
}

function available(answer: ScoreAnswer) {
  assert.equal(answer.available, true, JSON.stringify(answer));
  return answer as Extract<ScoreAnswer, { available: true }>;
}

function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: (text: string) => out.push(text), stderr: (text: string) => err.push(text) },
    out,
    err,
  };
}

describeEachBackend("bureau scorecards on the demo population", (backend) => {
  let ctx: AppContext & { clock: ManualClock };
  let score: ReturnType<typeof scoreProvider>;
  let credit: Subject[];
  let thin: Subject[];
  before(async () => {
    ctx = {
      config: loadConfig({ CREDENCE_LOG_LEVEL: "silent" }),
      db: backend().db,
      keyring: ephemeralKeyring(),
      clock: new ManualClock(now),
    };
    await loadDemoWorld(ctx, 0);
    await loadPopulation(ctx, population);
    score = scoreProvider(ctx);
    const subjects: Subject[] = [];
    for (let n = 0; n < people_examined; n += 1) {
      const { id_type, id_number } = subjectIdentifier(n);
      const key = subjectKey(ctx.keyring.pseudonym_key, id_type, id_number);
      subjects.push({ key, file: await loadCreditFile(ctx.db, key, featureWindowStart(ctx.clock.now())) });
    }
    credit = subjects.filter((subject) => subject.file.accounts.length > 0);
    thin = subjects.filter(
      (subject) => subject.file.accounts.length === 0 && subject.file.activities.length > 0,
    );
    assert.ok(credit.length > 10 && thin.length > 0, "the sample holds both kinds of subject");
  });

  it("answers NO_MODEL while no champion is registered", async () => {
    const subject = credit[0] as Subject;
    assert.deepEqual(await score(subject.file, subject.key, ctx.clock.now()), {
      available: false,
      reason_code: "NO_MODEL",
    });
  });

  it("trains a full card that ranks well above chance and a thin-file card that widens coverage", async () => {
    const result = await trainDemoModels(ctx, population.people, population.seed);
    assert.ok(result);
    assert.equal(result.as_of, "2025-11-01T00:00:00.000Z");
    assert.ok(result.full.auc_out_of_fold > 0.65, `full card AUC ${result.full.auc_out_of_fold}`);
    assert.ok(result.full.features.some((name) => bureauFeature(name)?.source === "credit"));
    assert.ok(result.thin_file.features.every((name) => bureauFeature(name)?.source === "alternative"));
    assert.ok(result.coverage.full_only_share > 0.5);
    assert.ok(result.coverage.with_thin_share > result.coverage.full_only_share + 0.1);
    assert.equal((await championFor(ctx.db, "cn", "full"))?.version, result.full.version);
    assert.equal((await championFor(ctx.db, "cn", "thin_file"))?.version, result.thin_file.version);
    const card = (await championFor(ctx.db, "cn", "full"))?.model_card ?? "";
    assert.match(card, /Observation date: 2025-11-01/);
  });

  it("scores credit holders with the full card: integers in range, at most four reasons and an inquiry", async () => {
    const champion = await championFor(ctx.db, "cn", "full");
    for (const subject of credit) {
      const answer = available(await score(subject.file, subject.key, ctx.clock.now()));
      assert.equal(answer.scorecard, "full");
      assert.equal(answer.model_version, champion?.version);
      assert.ok(
        Number.isInteger(answer.score) && answer.score >= 300 && answer.score <= 900,
        String(answer.score),
      );
      assert.ok(answer.pd > 0 && answer.pd < 1);
      const inquiry = answer.reasons.filter((reason) => reason.code.startsWith("INQUIRIES_"));
      assert.ok(answer.reasons.length - inquiry.length <= 4 && inquiry.length <= 1);
      for (const reason of answer.reasons) {
        assert.ok(
          reason.points_lost > 0 && reason.text.en.length > 0 && /[\u4e00-\u9fff]/.test(reason.text["zh-CN"]),
        );
      }
    }
    const served = await ctx.db.query<{ count: bigint }>(
      "SELECT count(*) AS count FROM score_shadow WHERE model_version = $1 AND served",
      [champion?.version],
    );
    assert.equal(Number(served[0]?.count), credit.length);
  });

  it("scores people who never borrowed with the thin-file card, and an empty file not at all", async () => {
    const champion = await championFor(ctx.db, "cn", "thin_file");
    for (const subject of thin) {
      const answer = available(await score(subject.file, subject.key, ctx.clock.now()));
      assert.deepEqual([answer.scorecard, answer.model_version], ["thin_file", champion?.version]);
      assert.ok(Number.isInteger(answer.score) && answer.score >= 300 && answer.score <= 900);
    }
    assert.deepEqual(
      await score({ accounts: [], statements: [], activities: [] }, Buffer.alloc(32), ctx.clock.now()),
      {
        available: false,
        reason_code: "INSUFFICIENT_DATA",
      },
    );
  });

  it("scores challengers in shadow beside the served champion score", async () => {
    const subject = credit[0] as Subject;
    const before_challenger = available(await score(subject.file, subject.key, ctx.clock.now()));
    ctx.clock.advance(3_600_000);
    const challengers = await trainDemoModels(ctx, population.people, population.seed, {
      role: "challenger",
    });
    assert.ok(challengers);
    const after_challenger = available(await score(subject.file, subject.key, ctx.clock.now()));
    assert.deepEqual(after_challenger, before_challenger, "the lender still receives the champion's score");
    const rows = await ctx.db.query<{ model_version: string; served: boolean; scoring_id: string }>(
      "SELECT model_version, served, scoring_id FROM score_shadow WHERE at = $1 ORDER BY served DESC",
      [ctx.clock.now()],
    );
    assert.deepEqual(
      rows.map((row) => [row.model_version, row.served]),
      [
        [after_challenger.model_version, true],
        [challengers.full.version, false],
      ],
    );
    assert.equal(rows[0]?.scoring_id, rows[1]?.scoring_id);
    const stability = await populationStability(
      ctx.db,
      after_challenger.model_version,
      new Date("2026-10-01T00:00:00Z"),
      new Date("2026-12-01T00:00:00Z"),
    );
    assert.equal(stability.scores, credit.length + 2);
    assert.ok(stability.psi !== null && Number.isFinite(stability.psi));
  });

  it("lists the registry and refuses bad options on the command line", async () => {
    const open = <T>(body: (context: AppContext) => Promise<T>) => body(ctx);
    const listed = captureIo();
    assert.equal(await bureauModelCommand(["list", "--json"], listed.io, open), 0);
    const items = (JSON.parse(listed.out.join("")) as { items: ModelSummary[] }).items;
    assert.deepEqual(items.map((model) => `${model.kind}:${model.role}`).sort(), [
      "full:challenger",
      "full:champion",
      "thin_file:challenger",
      "thin_file:champion",
    ]);
    const human = captureIo();
    assert.equal(await bureauModelCommand(["list"], human.io, open), 0);
    assert.match(human.out.join(""), /cn-full-\S+ +full +champion +AUC 0\.\d{3}/);
    const bad = captureIo();
    assert.equal(await bureauModelCommand(["bureau-train", "--people", "many"], bad.io, open), 2);
    assert.match(bad.err.join(""), /--people must be a whole number/);
  });
});
