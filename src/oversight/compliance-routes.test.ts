// The compliance board over HTTP: mandates, every status and its rule, the daily history, and role checks.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { describeEachBackend } from "../db/testing.ts";
import { call, startTestServer, type TestServer } from "../http/testing.ts";
import { scheduleComplianceSnapshots, snapshotCompliance } from "./compliance-history.ts";
import { accountsFor, admit, furnish, person } from "./test-support.ts";

type Row = {
  institution_id: string;
  status: string;
  rule: string;
  coverage: number;
  subjects_furnished: number;
  records_furnished: number;
  rejected_share: number | null;
  first_submission_at: string | null;
  last_accepted_at: string | null;
  late: boolean;
  days_to_deadline: number;
};
type Board = {
  as_of: string;
  thresholds: Record<string, number>;
  counts: Record<string, number>;
  items: Row[];
};
type History = {
  range: { from: string; to: string };
  items: { institution_id: string; points: { day: string; status: string; coverage: number }[] }[];
};

describeEachBackend("oversight compliance board over HTTP", (backend) => {
  let server: TestServer;
  let regulator: string;
  let lender: string;
  const platforms: Record<string, string> = {};

  const board = async () => {
    const response = await call<Board>(`${server.url}/v1/oversight/compliance`, { key: regulator });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return {
      ...response.body,
      row: (id: string) => response.body.items.find((item) => item.institution_id === id) as Row,
    };
  };
  const mandate = (id: string, body: Record<string, unknown>, key = regulator) =>
    call(`${server.url}/v1/oversight/mandates/${id}`, { method: "PUT", key, body });

  before(async () => {
    server = await startTestServer(backend(), { CREDENCE_REJECT_SHARE_MAX: "0.5" });
    regulator = await admit(server, "test-regulator", ["regulator"], "regulator");
    lender = await admit(server, "plain-bank", ["lender"], "bank");
    for (const id of ["p-idle", "p-onboard", "p-partial", "p-full", "p-noisy"]) {
      platforms[id] = await admit(server, id, ["furnisher"], "platform");
    }
  });
  after(() => server.close());

  it("lets the regulator and the bureau set mandates, and refuses bad ones with a code", async () => {
    const deadlines: Record<string, [string, number, string | null]> = {
      "p-idle": ["2026-12-01", 1_000, null],
      "p-onboard": ["2027-03-01", 1_000, "2026-10-20T00:00:00Z"],
      "p-partial": ["2027-03-01", 100, "2026-10-01T00:00:00Z"],
      "p-full": ["2027-03-01", 2, "2026-10-01T00:00:00Z"],
      "p-noisy": ["2027-03-01", 2, "2026-10-01T00:00:00Z"],
    };
    for (const [id, [deadline, active_users_declared, onboarded_at]] of Object.entries(deadlines)) {
      const key = id === "p-noisy" ? server.bureau_key : regulator;
      const response = await mandate(id, { deadline, active_users_declared, onboarded_at }, key);
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assert.equal(response.body.deadline, deadline);
    }
    const listed = await call<{ items: { institution_id: string; updated_by: string }[] }>(
      `${server.url}/v1/oversight/mandates`,
      { key: regulator },
    );
    assert.equal(listed.body.items.length, 5);
    assert.equal(
      listed.body.items.find((item) => item.institution_id === "p-noisy")?.updated_by,
      "test-bureau",
    );

    const good = { deadline: "2027-03-01", active_users_declared: 10 };
    assert.equal((await mandate("no-such-platform", good)).body.code, "INSTITUTION_UNKNOWN");
    const bank = await mandate("plain-bank", good);
    assert.equal(bank.status, 422);
    assert.equal(bank.body.code, "MANDATE_NOT_FURNISHER");
    const badDay = await mandate("p-idle", { ...good, deadline: "2027-02-30" });
    assert.equal(badDay.body.code, "VALIDATION_FAILED");
    const noUsers = await mandate("p-idle", { ...good, active_users_declared: 0 });
    assert.equal(noUsers.body.code, "VALIDATION_FAILED");
  });

  it("shows platforms that have not started and those onboarding, before anyone furnishes", async () => {
    const before = await board();
    assert.equal(before.row("p-idle").status, "not_started");
    assert.match(before.row("p-idle").rule, /not onboarded and nothing submitted/);
    assert.equal(before.row("p-onboard").status, "onboarding");
    assert.equal(before.row("p-onboard").first_submission_at, null);
    assert.deepEqual(before.counts, {
      not_started: 1,
      onboarding: 4,
      furnishing: 0,
      compliant: 0,
      lapsed: 0,
    });
    assert.equal(before.thresholds.coverage_min, 0.8);
  });

  it("calls a platform compliant only with enough coverage, few rejections and a recent submission", async () => {
    assert.equal(
      await furnish(server, platforms["p-partial"] as string, accountsFor([1, 2], "PART")),
      "accepted",
    );
    assert.equal(
      await furnish(server, platforms["p-full"] as string, accountsFor([3, 4], "FULL")),
      "accepted",
    );
    const noisy = [
      ...accountsFor([5, 6], "NOISY"),
      { type: "account", account_ref: "NOISY-BAD", ...person(5), kind: "micro_loan", principal_minor: 1.5 },
    ];
    assert.equal(await furnish(server, platforms["p-noisy"] as string, noisy), "accepted");

    const now = await board();
    const partial = now.row("p-partial");
    assert.equal(partial.status, "furnishing");
    assert.equal(partial.coverage, 0.02);
    assert.equal(partial.subjects_furnished, 2);
    assert.equal(partial.records_furnished, 4);
    assert.match(partial.rule, /coverage 2\.0% < 80\.0%/);
    const full = now.row("p-full");
    assert.equal(full.status, "compliant");
    assert.equal(full.coverage, 1);
    assert.equal(full.rejected_share, 0);
    assert.equal(full.last_accepted_at, now.as_of);
    assert.match(full.rule, /^compliant: coverage 100\.0% >= 80\.0%, rejection rate 0\.0% <= 5\.0%/);
    const noisyRow = now.row("p-noisy");
    assert.equal(noisyRow.status, "furnishing");
    assert.equal(noisyRow.rejected_share, 0.2);
    assert.match(noisyRow.rule, /rejection rate 20\.0% > 5\.0%/);
    assert.equal(now.row("p-idle").status, "not_started");
  });

  it("keeps one snapshot per platform per day and returns the series day by day", async () => {
    const day0 = server.clock.now().toISOString().slice(0, 10);
    assert.equal(await snapshotCompliance(server.ctx.db, server.clock), 5);
    server.clock.advance(3_600_000);
    assert.equal(await snapshotCompliance(server.ctx.db, server.clock), 5);
    server.clock.advanceDays(1);
    await snapshotCompliance(server.ctx.db, server.clock);

    // Thirty-six days without an accepted submission: the furnishing platforms lapse.
    server.clock.advanceDays(36);
    const later = await board();
    assert.equal(later.row("p-full").status, "lapsed");
    assert.match(later.row("p-full").rule, /^lapsed: last accepted submission 37 days ago > 35/);
    assert.equal(later.row("p-partial").status, "lapsed");
    assert.equal(later.row("p-idle").late, true);
    assert.ok(later.row("p-idle").days_to_deadline < 0);
    assert.equal(later.row("p-onboard").late, false);
    await snapshotCompliance(server.ctx.db, server.clock);

    // A fresh submission brings the platform back.
    assert.equal(
      await furnish(server, platforms["p-full"] as string, accountsFor([3, 4], "FULL2")),
      "accepted",
    );
    assert.equal((await board()).row("p-full").status, "compliant");

    const today = server.clock.now().toISOString().slice(0, 10);
    const history = await call<History>(
      `${server.url}/v1/oversight/compliance/history?from=${day0}&to=${today}`,
      { key: regulator },
    );
    assert.equal(history.status, 200, JSON.stringify(history.body));
    const full = history.body.items.find((item) => item.institution_id === "p-full");
    assert.deepEqual(
      full?.points.map((point) => point.status),
      ["compliant", "compliant", "lapsed"],
    );
    assert.deepEqual(full?.points.map((point) => point.day)[0], day0);
    assert.equal(history.body.items.length, 5);

    const fallback = await call<History>(`${server.url}/v1/oversight/compliance/history`, { key: regulator });
    assert.equal(fallback.body.range.to, today);
    assert.equal(fallback.body.items.find((item) => item.institution_id === "p-full")?.points.length, 1);
  });

  it("takes a snapshot as soon as the schedule starts", async () => {
    server.clock.advanceDays(1);
    const today = server.clock.now().toISOString().slice(0, 10);
    const errors: unknown[] = [];
    const schedule = scheduleComplianceSnapshots(server.ctx.db, server.clock, {
      onError: (error) => errors.push(error),
    });
    await schedule.stop();
    assert.deepEqual(errors, []);
    const history = await call<History>(
      `${server.url}/v1/oversight/compliance/history?from=${today}&to=${today}`,
      { key: server.bureau_key },
    );
    assert.deepEqual(
      history.body.items.map((item) => [item.institution_id, item.points.map((point) => point.status)]),
      [
        ["p-full", ["compliant"]],
        ["p-idle", ["not_started"]],
        ["p-noisy", ["lapsed"]],
        ["p-onboard", ["onboarding"]],
        ["p-partial", ["lapsed"]],
      ],
    );
  });

  it("refuses a history range that is reversed or longer than the limit", async () => {
    const reversed = await call(
      `${server.url}/v1/oversight/compliance/history?from=2026-12-02&to=2026-12-01`,
      {
        key: regulator,
      },
    );
    assert.equal(reversed.status, 400);
    assert.equal(reversed.body.code, "BAD_QUERY");
    const longest = await call(
      `${server.url}/v1/oversight/compliance/history?from=2026-01-01&to=2027-01-01`,
      {
        key: regulator,
      },
    );
    assert.equal(longest.status, 200);
    const tooLong = await call(
      `${server.url}/v1/oversight/compliance/history?from=2026-01-01&to=2027-01-02`,
      {
        key: regulator,
      },
    );
    assert.equal(tooLong.body.code, "BAD_QUERY");
  });

  it("refuses a lender's key on every oversight route", async () => {
    for (const path of ["compliance", "compliance/history", "mandates", "neutrality", "anomalies"]) {
      const response = await call(`${server.url}/v1/oversight/${path}`, { key: lender });
      assert.equal(response.status, 403, path);
      assert.equal(response.body.code, "ROLE_FORBIDDEN");
    }
    const put = await mandate("p-idle", { deadline: "2027-03-01", active_users_declared: 1 }, lender);
    assert.equal(put.body.code, "ROLE_FORBIDDEN");
    const anonymous = await call(`${server.url}/v1/oversight/compliance`);
    assert.equal(anonymous.body.code, "AUTH_MISSING");
  });
});
