import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { Database } from "../db/database.ts";
import { describeEachBackend } from "../db/testing.ts";
import { base64Decode } from "../disclosure-log/bytes.ts";
import { bureauLogVerifierKey } from "../disclosure-log/log-store.ts";
import { verifyCheckpoint, verifyEntryInclusion } from "../disclosure-log/verify.ts";
import { call } from "../http/testing.ts";
import { bureauKey } from "../identity/bureau-key.ts";
import { getPersonalData } from "../identity/vault.ts";
import { retentionCutoffs, runRetention } from "./retention.ts";
import { RetentionSchedule } from "./retention-schedule.ts";
import {
  drainLog,
  furnish,
  lenderConsent,
  lenderReport,
  person,
  type RightsServer,
  startRightsServer,
  subjectKeyOf,
  tokenFor,
} from "./test-support.ts";

const statuses: Record<string, { days_past_due: number; past_due_minor: number }> = {
  current: { days_past_due: 0, past_due_minor: 0 },
  closed: { days_past_due: 0, past_due_minor: 0 },
  late_1_30: { days_past_due: 10, past_due_minor: 5_000 },
  late_31_60: { days_past_due: 40, past_due_minor: 10_000 },
  late_91_180: { days_past_due: 120, past_due_minor: 30_000 },
  charged_off: { days_past_due: 150, past_due_minor: 40_000 },
};

function statement(n: number, account_ref: string, period: string, status: string) {
  const negative = status !== "current" && status !== "closed";
  return {
    type: "statement",
    account_ref,
    period,
    ...person(n),
    balance_minor: 100_000,
    scheduled_payment_minor: 20_000,
    actual_payment_minor: negative ? 0 : 20_000,
    status,
    ...statuses[status],
    ...(negative ? { notified_on: `${period}-20` } : {}),
  };
}

function account(n: number, account_ref: string, opened_on: string, closed_on?: string) {
  return {
    type: "account",
    account_ref,
    ...person(n),
    kind: "consumer_loan",
    opened_on,
    currency: "CNY",
    principal_minor: 500_000,
    ...(closed_on ? { closed_on } : {}),
  };
}

/** A database whose `failing`-th transaction fails after its first statement, like a crash mid-batch. */
function crashingOn(db: Database, failing: number): Database {
  let transactions = 0;
  return {
    ...db,
    transaction: (body) => {
      transactions += 1;
      if (transactions !== failing) return db.transaction(body);
      return db.transaction((tx) => {
        let statements = 0;
        return body({
          ...tx,
          query: (text, params) => {
            statements += 1;
            if (statements > 1) return Promise.reject(new Error("the process died here"));
            return tx.query(text, params);
          },
        });
      });
    },
  };
}

const cn = { code: "cn", negative_retention_years: 5 } as const;

it("puts the retention boundary where the event's month ends plus the regime's years", () => {
  assert.deepEqual(retentionCutoffs(new Date("2027-04-30T23:59:59Z"), 5), {
    period: "2022-04-01",
    date: "2022-04-30",
  });
  assert.deepEqual(retentionCutoffs(new Date("2027-05-01T00:00:00Z"), 5), {
    period: "2022-05-01",
    date: "2022-05-01",
  });
  assert.deepEqual(retentionCutoffs(new Date("2029-05-01T00:00:00Z"), 7), {
    period: "2022-05-01",
    date: "2022-05-01",
  });
});

describeEachBackend("retention", (backend) => {
  let server: RightsServer;
  const statementsOf = (ref: string) =>
    backend().db.query<{ period: Date | string; status: string }>(
      "SELECT period, status FROM statements WHERE account_ref = $1 ORDER BY period, seq",
      [ref],
    );
  const negativeItems = async () => {
    const own = await call<{ report: { negative_events: { item: string }[] } }>(
      `${server.url}/v1/me/report?accept_price_minor=1000`,
      { key: await tokenFor(server, 3) },
    );
    assert.equal(own.status, 200);
    return own.body.report.negative_events.map((event) => event.item);
  };

  before(async () => {
    server = await startRightsServer(backend());
    // Person 3: a loan closed after two late months, and a live card whose history was corrected both ways.
    await furnish(server, "pay-app", [
      { type: "subject", ...person(3), name: "Synthetic Person 3" },
      account(3, "A-OLD", "2022-01-10", "2022-06-30"),
      statement(3, "A-OLD", "2022-04", "late_1_30"),
      statement(3, "A-OLD", "2022-05", "late_31_60"),
      statement(3, "A-OLD", "2022-06", "closed"),
      // Person 4: one loan, charged off, never formally closed.
      { type: "subject", ...person(4), name: "Synthetic Person 4" },
      account(4, "C-GONE", "2021-06-05"),
      statement(4, "C-GONE", "2022-01", "late_91_180"),
      statement(4, "C-GONE", "2022-02", "charged_off"),
    ]);
    await furnish(server, "shop-app", [
      account(3, "B-LIVE", "2022-01-10"),
      statement(3, "B-LIVE", "2022-03", "current"),
      statement(3, "B-LIVE", "2022-04", "late_1_30"),
      statement(3, "B-LIVE", "2026-10", "current"),
    ]);
    await furnish(server, "shop-app", [
      statement(3, "B-LIVE", "2022-03", "late_1_30"),
      statement(3, "B-LIVE", "2022-04", "current"),
    ]);
    await lenderReport(server, 4);
    await drainLog(server);
    // An unused consent keeps person 4's personal data until it expires.
    await lenderConsent(server, 4, "2027-08-01T00:00:00Z");
    const dispute = await call(`${server.url}/v1/me/disputes`, {
      key: await tokenFor(server, 3),
      body: { item: "statement:pay-app:A-OLD:2022-05", reason: "The bank lost my transfer." },
    });
    assert.equal(dispute.status, 201);
    const put = await call(`${server.url}/v1/me/statement`, {
      key: await tokenFor(server, 3),
      method: "PUT",
      body: { text: "I lost my job in 2022." },
    });
    assert.equal(put.status, 200);
  });
  after(() => server.close());

  it("deletes nothing before the boundary, and a dry run changes nothing", async () => {
    const result = await runRetention(backend().db, server.clock, cn, { dry_run: false });
    assert.deepEqual(
      [result.accounts_deleted, result.statement_versions_deleted, result.subjects_shredded],
      [0, 0, 0],
    );
    assert.deepEqual(await negativeItems(), [
      "statement:pay-app:A-OLD:2022-04",
      "statement:pay-app:A-OLD:2022-05",
      "statement:shop-app:B-LIVE:2022-03",
    ]);
    server.clock.set("2027-04-15T00:00:00Z");
    const dry = await runRetention(backend().db, server.clock, cn, { dry_run: true });
    assert.deepEqual(
      [
        dry.dry_run,
        dry.cutoff_period,
        dry.accounts_deleted,
        dry.account_versions_deleted,
        dry.statement_versions_deleted,
        dry.subjects_shredded,
      ],
      [true, "2022-04", 1, 1, 4, 0],
    );
    assert.equal((await statementsOf("C-GONE")).length, 2);
    assert.equal((await statementsOf("B-LIVE")).length, 5);
  });

  it("finishes an interrupted run when run again, and finds nothing more the third time", async () => {
    // Transactions: 1 deletes C-GONE, 2 finds no more accounts, 3 deletes a B-LIVE statement and crashes.
    await assert.rejects(
      runRetention(crashingOn(backend().db, 3), server.clock, cn, { dry_run: false, batch_keys: 1 }),
      /the process died here/,
    );
    assert.equal((await statementsOf("C-GONE")).length, 0);
    assert.equal((await statementsOf("B-LIVE")).length, 5, "the crashed batch left no trace");
    const [unfinished] = await backend().db.query<{ n: bigint }>(
      "SELECT count(*)::int8 AS n FROM retention_runs WHERE finished_at IS NULL",
    );
    assert.equal(unfinished?.n, 1n);

    const rerun = await runRetention(backend().db, server.clock, cn, { dry_run: false, batch_keys: 1 });
    assert.deepEqual([rerun.accounts_deleted, rerun.statement_versions_deleted], [0, 2]);
    const again = await runRetention(backend().db, server.clock, cn, { dry_run: false });
    assert.deepEqual(
      [again.accounts_deleted, again.statement_versions_deleted, again.subjects_shredded],
      [0, 0, 0],
    );
    assert.deepEqual(
      (await statementsOf("B-LIVE")).map((row) => row.status),
      ["late_1_30", "current", "current"],
    );
    assert.deepEqual(await negativeItems(), [
      "statement:pay-app:A-OLD:2022-04",
      "statement:pay-app:A-OLD:2022-05",
    ]);
  });

  it("removes a closed account past retention whole, and a corrected negative version, keeping live data", async () => {
    server.clock.set("2027-07-02T00:00:00Z");
    const result = await runRetention(backend().db, server.clock, cn, { dry_run: false });
    assert.deepEqual(
      [result.accounts_deleted, result.account_versions_deleted, result.statement_versions_deleted],
      [1, 1, 4],
    );
    assert.equal((await statementsOf("A-OLD")).length, 0);
    assert.deepEqual(
      (await statementsOf("B-LIVE")).map((row) => row.status),
      ["current", "current"],
    );
    assert.deepEqual(await negativeItems(), []);
    const disputes = await call<{ items: unknown[] }>(`${server.url}/v1/me/disputes`, {
      key: await tokenFor(server, 3),
    });
    assert.deepEqual(disputes.body.items, [], "a dispute about deleted information goes with it");
    // Person 3 still has a live account: their personal data and statement stay.
    assert.ok(await getPersonalData(server.ctx.db, server.ctx.keyring, subjectKeyOf(server, 3)));
    const statement = await call<{ statement: { text: string } | null }>(`${server.url}/v1/me/statement`, {
      key: await tokenFor(server, 3),
    });
    assert.equal(statement.body.statement?.text, "I lost my job in 2022.");
    assert.equal(result.subjects_shredded, 0, "person 4's open consent keeps their data");
    assert.ok(await getPersonalData(server.ctx.db, server.ctx.keyring, subjectKeyOf(server, 4)));
  });

  it("crypto-shreds a subject left with nothing once their last consent lapses; the log still proves", async () => {
    const logBefore = await backend().db.query("SELECT idx, entry_bytes FROM log_entries ORDER BY idx");
    server.clock.set("2027-08-02T00:00:00Z");
    const schedule = new RetentionSchedule(server.ctx);
    const result = await schedule.tick();
    assert.equal(result?.subjects_shredded, 1);
    assert.equal(
      await getPersonalData(server.ctx.db, server.ctx.keyring, subjectKeyOf(server, 4)),
      undefined,
    );
    assert.ok(await getPersonalData(server.ctx.db, server.ctx.keyring, subjectKeyOf(server, 3)));
    assert.equal(await schedule.tick(), undefined, "the schedule runs once a day");
    server.clock.advanceDays(1);
    assert.equal((await schedule.tick())?.subjects_shredded, 0);

    const logAfter = await backend().db.query("SELECT idx, entry_bytes FROM log_entries ORDER BY idx");
    assert.deepEqual(logAfter, logBefore);
    const [entry] = await backend().db.query<{ idx: bigint; entry_bytes: Uint8Array }>(
      "SELECT idx, entry_bytes FROM log_entries ORDER BY idx LIMIT 1",
    );
    const { body: page } = await call<{
      log_origin: string;
      checkpoint: { note: string };
      disclosures: { index: number; entry_bytes: string; inclusion_proof: string[] }[];
    }>(`${server.url}/v1/me/disclosures`, { key: await tokenFor(server, 4) });
    const vkey = bureauLogVerifierKey(page.log_origin, bureauKey(server.ctx.keyring).public_raw);
    const disclosure = page.disclosures[0];
    assert.ok(disclosure && entry);
    assert.equal(disclosure.index, Number(entry.idx));
    verifyEntryInclusion(
      base64Decode(disclosure.entry_bytes) as Uint8Array,
      disclosure.index,
      disclosure.inclusion_proof.map((hash) => base64Decode(hash) as Uint8Array),
      verifyCheckpoint(page.checkpoint.note, vkey),
    );
  });
});
