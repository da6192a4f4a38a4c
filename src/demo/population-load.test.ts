// Tests that the synthetic population goes through the real bulk submission pipeline: every furnisher's file
// is accepted, only the deliberate errors are rejected, and a person's credit file holds what was generated.
import assert from "node:assert/strict";
import { before, it } from "node:test";
import { ManualClock } from "../config/clock.ts";
import { loadConfig } from "../config/config.ts";
import { ephemeralKeyring } from "../config/keyring.ts";
import { describeEachBackend } from "../db/testing.ts";
import { loadCreditFile } from "../furnishing/credit-file.ts";
import type { SubmissionRow } from "../furnishing/submissions.ts";
import type { AppContext } from "../http/context.ts";
import { subjectKey } from "../identity/pseudonym.ts";
import { loadDemoWorld } from "./demo-world.ts";
import { generatePopulation, loadPopulation, populationFurnishers, subjectIdentifier } from "./population.ts";
import { erroneous_furnisher } from "./population-records.ts";

const now = "2026-11-01T08:00:00Z";
const options = { people: 200, seed: 11 };

describeEachBackend("demo population through the submission pipeline", (backend) => {
  let ctx: AppContext;
  let submissions: SubmissionRow[];
  before(async () => {
    ctx = {
      config: loadConfig({ CREDENCE_LOG_LEVEL: "silent" }),
      db: backend().db,
      keyring: ephemeralKeyring(),
      clock: new ManualClock(now),
    };
    await loadDemoWorld(ctx, 0);
    submissions = await loadPopulation(ctx, options);
  });

  it("accepts every furnisher's file with every generated line counted", () => {
    const generated = generatePopulation({ ...options, now: new Date(now) });
    assert.deepEqual(
      submissions.map((submission) => submission.furnisher_id),
      populationFurnishers,
    );
    for (const [i, submission] of submissions.entries()) {
      assert.equal(submission.status, "accepted", submission.furnisher_id);
      assert.equal(submission.channel, "bulk");
      assert.equal(Number(submission.lines_total), [...(generated[i]?.lines ?? [])].length);
      assert.ok(Number(submission.lines_rejected) / Number(submission.lines_total) < 0.05);
    }
  });

  it("rejects only the mistyped identifiers, and only in the one erroneous file", () => {
    for (const submission of submissions) {
      if (submission.furnisher_id === erroneous_furnisher) {
        assert.ok(Number(submission.lines_rejected) > 0);
        assert.deepEqual(Object.keys(submission.rejected_by_code), ["ID_CHECK_CHARACTER"]);
      } else {
        assert.equal(Number(submission.lines_rejected), 0, submission.furnisher_id);
      }
    }
    const byType = (id: string) =>
      submissions.find((submission) => submission.furnisher_id === id)?.accepted_by_type;
    assert.ok((byType("donggang-bank")?.statement ?? 0) > 0);
    assert.ok((byType("qilin-pay")?.account ?? 0) > 0);
    assert.ok((byType("yunlv-travel")?.activity ?? 0) > 0);
  });

  it("puts each person's generated accounts into their credit file", async () => {
    const accounts = new Map<string, number>();
    for (const file of generatePopulation({ ...options, now: new Date(now) })) {
      for (const line of file.lines) {
        const record = JSON.parse(line) as { type: string; id_number: string };
        if (record.type === "account")
          accounts.set(record.id_number, (accounts.get(record.id_number) ?? 0) + 1);
      }
    }
    for (const n of [0, 1, 2, 3, 4, 5]) {
      const { id_type, id_number } = subjectIdentifier(n);
      const file = await loadCreditFile(
        ctx.db,
        subjectKey(ctx.keyring.pseudonym_key, id_type, id_number),
        "2023-11",
      );
      assert.equal(file.accounts.length, accounts.get(id_number) ?? 0, `person ${n}`);
    }
  });

  it("sends no file for a furnisher that none of the people use", async () => {
    assert.deepEqual(await loadPopulation(ctx, { people: 0, seed: 2 }), []);
    const one = await loadPopulation(ctx, { people: 1, seed: 2 });
    const expected = generatePopulation({ people: 1, seed: 2, now: new Date(now) })
      .filter((file) => [...file.lines].length > 0)
      .map((file) => file.institution_id);
    assert.ok(expected.length > 0 && expected.length < populationFurnishers.length);
    assert.deepEqual(
      one.map((submission) => submission.furnisher_id),
      expected,
    );
    assert.ok(one.every((submission) => submission.status === "accepted"));
  });
});
