// Tests of the bureau's own scorecards on a small demo population: training, serving, shadow scores, the CLI.
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { before, it } from "node:test";
import { ManualClock } from "../config/clock.ts";
import { loadConfig } from "../config/config.ts";
import { ephemeralKeyring } from "../config/keyring.ts";
import { describeEachBackend } from "../db/testing.ts";
import { loadDemoWorld } from "../demo/demo-world.ts";
import { loadPopulation, subjectIdentifier } from "../demo/population.ts";
import { type CreditFile, loadCreditFile, receiveSubmission } from "../furnishing/index.ts";
import type { AppContext } from "../http/context.ts";
import { subjectKey } from "../identity/index.ts";
import { inquiriesAbout, recordInquiry } from "../reports/index.ts";
import { bureauModelCommand } from "./bureau-cli.ts";
import { bureauFeature } from "./bureau-features.ts";
import { loadFeatureFiles } from "./credit-file-batch.ts";
import { buildDataset } from "./dataset.ts";
import { trainDemoModels } from "./demo-models.ts";
import { type FeatureFile, featureWindowStart, monthsBefore } from "./feature-extraction.ts";
import { championFor, type ModelSummary, registerModel } from "./model-registry.ts";
import { createRng, randomInt } from "./prng.ts";
import { type ScoreAnswer, scoreProvider } from "./score-provider.ts";
import { populationStability } from "./score-shadow.ts";
import { trainScorecard } from "./trainer.ts";

const now = "2026-11-01T08:00:00Z";
const population = { people: 300, seed: 3 };
const people_examined = 40;

interface Subject {
  readonly n: number;
  readonly key: Buffer;
  readonly file: CreditFile;
}

function available(answer: ScoreAnswer) {
  assert.equal(answer.available, true, JSON.stringify(answer));
  return answer as Extract<ScoreAnswer, { available: true }>;
}

// A card in which recent inquiries weigh heavily, trained on made-up rows: the demo population has no
// inquiry before its observation date, so its own cards cannot show inquiries reaching a score.
function inquiryCard(trained_at: string) {
  const rng = createRng(7);
  const rows = Array.from({ length: 3_000 }, () => {
    const inquiries = randomInt(rng, 8);
    const utilisation = rng();
    const bad = rng() < 1 / (1 + Math.exp(3.5 - 0.5 * inquiries - 2 * utilisation));
    return [String(inquiries), utilisation.toFixed(3), bad ? "1" : "0"];
  });
  const table = {
    header: ["inquiries_12m", "utilisation", "bad"],
    rows,
    line_numbers: Int32Array.from(rows, (_, index) => index + 2),
  };
  return trainScorecard(buildDataset(table, { target: "bad" }), {
    name: "inquiry-card",
    seed: 1,
    trained_at,
  });
}

// A file as sorted JSON lines of the fields features read, for comparing the two loaders.
function featureView(file: FeatureFile, until_period: string) {
  const lines = (rows: readonly object[]) =>
    rows.map((row) => JSON.stringify(row, (_, v) => (typeof v === "bigint" ? String(v) : v))).sort();
  return {
    accounts: lines(
      file.accounts.map(({ furnisher_id, account_ref, kind, opened_on, closed_on, credit_limit_minor }) => ({
        furnisher_id,
        account_ref,
        kind,
        opened_on,
        closed_on,
        credit_limit_minor,
      })),
    ),
    statements: lines(
      file.statements
        .filter((row) => row.period < until_period)
        .map(({ furnisher_id, account_ref, period, balance_minor, days_past_due, status }) => ({
          furnisher_id,
          account_ref,
          period,
          balance_minor,
          days_past_due,
          status,
        })),
    ),
    activities: lines(
      file.activities
        .filter((row) => row.period < until_period)
        .map(({ category, period, count, amount_minor, on_time_share }) => ({
          category,
          period,
          count,
          amount_minor,
          on_time_share,
        })),
    ),
  };
}

async function furnish(ctx: AppContext, furnisher_id: string, records: readonly object[]): Promise<void> {
  const body = Readable.from([`${records.map((record) => JSON.stringify(record)).join("\n")}\n`]);
  const { done } = await receiveSubmission(
    ctx,
    { furnisher_id, format: "ndjson", gzip: false, channel: "api" },
    body,
  );
  assert.equal((await done).status, "accepted");
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
  // As a report scores: with the answered inquiries read beside the file.
  const scoreOf = async (subject: Subject) =>
    score(
      subject.file,
      await inquiriesAbout(ctx.db, subject.key, monthsBefore(ctx.clock.now(), 12)),
      subject.key,
      ctx.clock.now(),
    );
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
      subjects.push({ n, key, file: await loadCreditFile(ctx.db, key, featureWindowStart(ctx.clock.now())) });
    }
    credit = subjects.filter((subject) => subject.file.accounts.length > 0);
    thin = subjects.filter(
      (subject) => subject.file.accounts.length === 0 && subject.file.activities.length > 0,
    );
    assert.ok(credit.length > 10 && thin.length > 0, "the sample holds both kinds of subject");
  });

  it("answers NO_MODEL while no champion is registered", async () => {
    const subject = credit[0] as Subject;
    assert.deepEqual(await scoreOf(subject), {
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
      const answer = available(await scoreOf(subject));
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
      const answer = available(await scoreOf(subject));
      assert.deepEqual([answer.scorecard, answer.model_version], ["thin_file", champion?.version]);
      assert.ok(Number.isInteger(answer.score) && answer.score >= 300 && answer.score <= 900);
    }
    assert.deepEqual(
      await score({ accounts: [], statements: [], activities: [] }, [], Buffer.alloc(32), ctx.clock.now()),
      {
        available: false,
        reason_code: "INSUFFICIENT_DATA",
      },
    );
  });

  it("scores challengers in shadow beside the served champion score", async () => {
    const subject = credit[0] as Subject;
    const before_challenger = available(await scoreOf(subject));
    ctx.clock.advance(3_600_000);
    const challengers = await trainDemoModels(ctx, population.people, population.seed, {
      role: "challenger",
    });
    assert.ok(challengers);
    const after_challenger = available(await scoreOf(subject));
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

  it("counts the subject's earlier inquiries, which can cost points as a key factor", async () => {
    const card = inquiryCard(ctx.clock.now().toISOString());
    await registerModel(ctx.db, {
      model: card,
      regime: "cn",
      kind: "full",
      role: "champion",
      created_at: ctx.clock.now(),
    });
    const subject = credit[1] as Subject;
    const quiet = available(await scoreOf(subject));
    for (let day = 1; day <= 6; day += 1) {
      await recordInquiry(ctx.db, {
        institution_id: "donggang-bank",
        key_id: "k",
        at: new Date(ctx.clock.now().getTime() - day * 86_400_000),
        product: "score",
        purpose: "loan_origination",
        consent_id: null,
        subject_key: subject.key,
        outcome: "answered",
        log_entry_id: null,
      });
    }
    const asked = available(await scoreOf(subject));
    assert.ok(asked.score < quiet.score, `${asked.score} < ${quiet.score}`);
    assert.ok(asked.reasons.some((reason) => reason.code === "INQUIRIES_12M_HIGH"));
  });

  it("reads files in batches exactly as the furnishing domain does, corrections and deletions included", async () => {
    const now_period = ctx.clock.now().toISOString().slice(0, 7);
    const corrected = credit[2] as Subject;
    const statement = corrected.file.statements.findLast((row) => row.period < now_period);
    assert.ok(statement);
    await furnish(ctx, statement.furnisher_id, [
      {
        type: "statement",
        account_ref: statement.account_ref,
        period: statement.period,
        ...subjectIdentifier(corrected.n),
        balance_minor: 123_456,
        past_due_minor: 0,
        days_past_due: 0,
        scheduled_payment_minor: 0,
        actual_payment_minor: 0,
        status: "current",
      },
    ]);
    const withdrawn = thin[0] as Subject;
    const activity = withdrawn.file.activities.findLast((row) => row.period < now_period);
    assert.ok(activity);
    await furnish(ctx, activity.furnisher_id, [
      {
        type: "activity",
        op: "delete",
        ...subjectIdentifier(withdrawn.n),
        category: activity.category,
        period: activity.period,
      },
    ]);
    const subjects = [...credit, ...thin];
    const since = featureWindowStart(ctx.clock.now());
    const batch = await loadFeatureFiles(
      ctx.db,
      subjects.map((subject) => subject.key),
      since,
      now_period,
    );
    for (const subject of subjects) {
      const single = await loadCreditFile(ctx.db, subject.key, since);
      const batched = batch.get(subject.key.toString("hex")) as FeatureFile;
      assert.deepEqual(
        featureView(batched, now_period),
        featureView(single, now_period),
        `person ${subject.n}`,
      );
    }
    const corrected_file = batch.get(corrected.key.toString("hex")) as FeatureFile;
    assert.ok(corrected_file.statements.some((row) => row.balance_minor === 123_456n));
    const withdrawn_file = batch.get(withdrawn.key.toString("hex")) as FeatureFile;
    assert.equal(
      withdrawn_file.activities.length,
      featureView(withdrawn.file, now_period).activities.length - 1,
    );
  });
});
