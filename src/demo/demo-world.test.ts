import assert from "node:assert/strict";
import { before, it } from "node:test";
import { verifyMonth } from "../billing/verify.ts";
import { ManualClock } from "../config/clock.ts";
import { loadConfig } from "../config/config.ts";
import { ephemeralKeyring } from "../config/keyring.ts";
import { describeEachBackend } from "../db/testing.ts";
import { logVerifierKey } from "../disclosure-log/log-routes.ts";
import { latestCheckpoint } from "../disclosure-log/log-store.ts";
import { verifyCheckpoint } from "../disclosure-log/verify.ts";
import type { AppContext } from "../http/context.ts";
import { complianceBoard, complianceHistory, detectAnomalies } from "../oversight/index.ts";
import { type DemoWorld, loadDemoWorld } from "./demo-world.ts";

describeEachBackend("the demo world's three weeks", (backend) => {
  let ctx: AppContext;
  let world: DemoWorld;
  const now = new ManualClock("2026-11-22T12:00:00Z");
  before(async () => {
    ctx = {
      config: loadConfig({ CREDENCE_LOG_LEVEL: "silent" }),
      db: backend().db,
      keyring: ephemeralKeyring(),
      clock: now,
    };
    world = await loadDemoWorld(ctx, 60);
  });

  it("hands out a key per institution and personal tokens for the tour", () => {
    assert.equal(world.keys.length, 9);
    assert.equal(world.subjects?.length, 3);
    assert.ok(world.submissions?.every((submission) => submission.status === "accepted"));
  });

  it("shows the regulator a board with history, a late platform and the shareholder's neutrality evidence", async () => {
    const board = await complianceBoard(ctx.db, now);
    assert.equal(board.items.length, 4);
    const travel = board.items.find((row) => row.institution_id === "yunlv-travel");
    assert.ok(travel && travel.status !== "compliant", "the travel platform joins late");
    assert.ok(board.items.some((row) => row.status === "compliant"));
    const history = await complianceHistory(ctx.db, { from: "2026-11-01", to: "2026-11-22" });
    assert.ok(JSON.stringify(history).length > 200);
    const anomalies = await detectAnomalies(ctx.db, { from: "2026-11-15", to: "2026-11-22" });
    assert.ok(anomalies.by_kind.subject_query_burst >= 1, "demo people queried by five lenders in a day");
  });

  it("logs every answered query under a signed checkpoint and bills it exactly as the log says", async () => {
    const checkpoint = verifyCheckpoint(
      (await latestCheckpoint(ctx.db))?.note as string,
      logVerifierKey(ctx),
    );
    assert.ok(checkpoint.size > 20);
    const report = await verifyMonth(ctx.db, "cn", "2026-11");
    assert.equal(
      report.matches,
      true,
      JSON.stringify(report, (_k, v) => (typeof v === "bigint" ? String(v) : v)).slice(0, 800),
    );
    assert.ok(report.charged > 0);
  });
});
