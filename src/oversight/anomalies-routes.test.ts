// Anomalies over HTTP: each kind raised by constructed data and not by normal behaviour.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { after, before, it } from "node:test";
import { describeEachBackend } from "../db/testing.ts";
import { call, startTestServer, type TestServer } from "../http/testing.ts";
import { admit } from "./test-support.ts";

type Anomaly = {
  kind: string;
  institution_id: string | null;
  day: string;
  rule: string;
  evidence: Record<string, unknown>;
};
type Report = {
  range: { from: string; to: string };
  total: number;
  by_kind: Record<string, number>;
  items: Anomaly[];
};

// Subject keys the scenarios single out; every other query is about a fresh random subject.
const subject = {
  four_lenders: randomBytes(32),
  five_lenders: randomBytes(32),
  ten_queries: randomBytes(32),
  co_lent_queried: randomBytes(32),
  co_lent_unqueried: randomBytes(32),
  co_lent_queried_late: randomBytes(32),
  co_lent_unknown_bank: randomBytes(32),
};

describeEachBackend("oversight anomalies over HTTP", (backend) => {
  let server: TestServer;
  let regulator: string;
  let seq = 0;

  const sql = (text: string, params: unknown[]) => server.ctx.db.query(text, params);
  /** `per_day` queries on every day from `from` to `to`, at 02:00 UTC, each about a fresh subject. */
  const dailyQueries = (institution: string, from: string, to: string, per_day: number) =>
    sql(
      `INSERT INTO inquiries (id, institution_id, key_id, at, product, purpose, subject_key, outcome)
       SELECT 'iq_' || md5(random()::text || g || d::text), $1, 'test', (d AT TIME ZONE 'UTC') + interval '2 hours',
         'report', 'loan_origination', decode(md5(random()::text), 'hex') || decode(md5(random()::text), 'hex'),
         'answered'
       FROM generate_series($2::date, $3::date, interval '1 day') d, generate_series(1, $4::int) g`,
      [institution, from, to, per_day],
    );
  /** `count` answered queries on one day about subjects derived from `tag` and 1..count. */
  const taggedQueries = (institution: string, at: string, tag: string, count: number) =>
    sql(
      `INSERT INTO inquiries (id, institution_id, key_id, at, product, purpose, subject_key, outcome)
       SELECT 'iq_' || md5($3 || g), $1, 'test', $2::timestamptz, 'report', 'loan_origination',
         decode(md5($3 || g), 'hex') || decode(md5($3 || g || 'x'), 'hex'), 'answered'
       FROM generate_series(1, $4::int) g`,
      [institution, at, tag, count],
    );
  /** Accounts opened on `opened_on` for the tagged subjects g in [first, last]. */
  const taggedAccounts = (
    furnisher: string,
    co_lender: string | null,
    tag: string,
    first: number,
    last: number,
    opened_on: string,
  ) =>
    sql(
      `INSERT INTO accounts (furnisher_id, account_ref, seq, subject_key, kind, opened_on, currency, principal_minor,
         co_lender_id)
       SELECT $1, $3 || '-' || g, 1, decode(md5($3 || g), 'hex') || decode(md5($3 || g || 'x'), 'hex'), 'micro_loan',
         $6::date, 'CNY', 100000, $2
       FROM generate_series($4::int, $5::int) g`,
      [furnisher, co_lender, tag, first, last, opened_on],
    );
  const query = (institution: string, key: Buffer, at: string) =>
    sql(
      `INSERT INTO inquiries (id, institution_id, key_id, at, product, purpose, subject_key, outcome)
       VALUES ($1, $2, 'test', $3, 'report', 'loan_origination', $4, 'answered')`,
      [`iq_${randomBytes(12).toString("hex")}`, institution, at, key],
    );
  const account = (furnisher: string, ref: string, key: Buffer, opened_on: string, co_lender: string) =>
    sql(
      `INSERT INTO accounts (furnisher_id, account_ref, seq, subject_key, kind, opened_on, currency, principal_minor,
         co_lender_id)
       VALUES ($1, $2, $3, $4, 'micro_loan', $5, 'CNY', 100000, $6)`,
      [furnisher, ref, ++seq, key, opened_on, co_lender],
    );
  const anomalies = async (query_string = "") => {
    const response = await call<Report>(`${server.url}/v1/oversight/anomalies${query_string}`, {
      key: regulator,
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body;
  };

  before(async () => {
    server = await startTestServer(backend());
    regulator = await admit(server, "test-regulator", ["regulator"], "regulator");
    for (const id of ["steady-bank", "spiky-bank", "harvest-bank", "lending-bank", "co-bank", "bank-e"]) {
      await admit(server, id, ["lender", "furnisher"], "bank");
    }
    await admit(server, "plat", ["furnisher"], "platform");

    // Normal behaviour, as of 2026-11-01: a lender with a steady 60 queries a day; a lender whose 100 queries
    // all became loans (half its own, half co-lent by the platform); a subject asked about by four lenders
    // nine times in a day; a co-lent loan the co-lending bank queried the bureau about the day before.
    await dailyQueries("steady-bank", "2026-09-25", "2026-11-01", 60);
    // The steady lender also lends: 3,000 loans over the year, 250 a month, so 1,800 queries a month is normal.
    await taggedAccounts("steady-bank", null, "steady", 1, 3000, "2026-05-01");
    await taggedQueries("lending-bank", "2026-07-24T03:00:00Z", "lend", 100);
    await taggedAccounts("lending-bank", null, "lend", 1, 50, "2026-08-03");
    await taggedAccounts("plat", "LEGAL-LENDING-BANK", "lend", 51, 100, "2026-08-03");
    for (const [lender, times] of [
      ["steady-bank", 3],
      ["spiky-bank", 2],
      ["co-bank", 2],
      ["bank-e", 2],
    ] as const) {
      for (let i = 0; i < times; i++)
        await query(lender, subject.four_lenders, `2026-10-31T0${i + 4}:00:00Z`);
    }
    await query("co-bank", subject.co_lent_queried, "2026-10-29T09:00:00Z");
    await account("plat", "PLAT-OK", subject.co_lent_queried, "2026-10-30", "LEGAL-CO-BANK");
  });
  after(() => server.close());

  it("finds nothing in normal behaviour", async () => {
    const report = await anomalies();
    assert.deepEqual(report.range, { from: "2026-10-26", to: "2026-11-01" });
    assert.equal(report.total, 0, JSON.stringify(report.items));
  });

  it("flags a lender whose daily queries jump far above its trailing median", async () => {
    await dailyQueries("spiky-bank", "2026-10-01", "2026-10-30", 20);
    await dailyQueries("spiky-bank", "2026-10-31", "2026-10-31", 100);
    const spikes = (await anomalies()).items.filter((item) => item.kind === "query_volume_spike");
    assert.deepEqual(
      spikes.map((item) => [
        item.institution_id,
        item.day,
        item.evidence.queries,
        item.evidence.trailing_median,
      ]),
      [["spiky-bank", "2026-10-31", 102, 20]],
    );
    assert.equal(spikes[0]?.evidence.ratio, 5.1);
  });

  it("flags a lender whose answered queries are almost never followed by a loan", async () => {
    await taggedQueries("harvest-bank", "2026-07-24T03:00:00Z", "harv", 120);
    await taggedAccounts("harvest-bank", null, "harv", 1, 1, "2026-07-30");
    const harvesting = (await anomalies()).items.filter((item) => item.kind === "query_harvesting");
    assert.equal(harvesting.length, 1);
    assert.equal(harvesting[0]?.institution_id, "harvest-bank");
    assert.deepEqual(harvesting[0]?.evidence, {
      queries_answered: 120,
      followed: 1,
      followed_share: 0.0083,
      queries_from: "2026-06-05",
      queries_to: "2026-09-02",
      follow_days: 60,
    });
  });

  it("flags a subject queried by many lenders, or many times, in one day, naming it only by a hash prefix", async () => {
    for (const lender of ["steady-bank", "spiky-bank", "harvest-bank", "lending-bank", "co-bank"]) {
      await query(lender, subject.five_lenders, "2026-10-30T05:00:00Z");
    }
    for (let i = 0; i < 10; i++) await query("co-bank", subject.ten_queries, `2026-10-29T1${i}:00:00Z`);
    const report = await anomalies();
    const bursts = report.items.filter((item) => item.kind === "subject_query_burst");
    const ref = (key: Buffer) => createHash("sha256").update(key).digest("hex").slice(0, 12);
    assert.deepEqual(
      bursts.map((item) => [
        item.day,
        item.institution_id,
        item.evidence.subject_ref,
        item.evidence.queries,
        item.evidence.lenders,
      ]),
      [
        ["2026-10-30", null, ref(subject.five_lenders), 5, 5],
        ["2026-10-29", null, ref(subject.ten_queries), 10, 1],
      ],
    );
    const text = JSON.stringify(report);
    for (const key of Object.values(subject)) assert.ok(!text.includes(key.toString("hex")));
  });

  it("flags co-lent loans whose bank never queried the bureau about the borrower before they opened", async () => {
    await account("plat", "PLAT-NEVER", subject.co_lent_unqueried, "2026-10-28", "LEGAL-CO-BANK");
    await query("co-bank", subject.co_lent_queried_late, "2026-10-29T09:00:00Z");
    await account("plat", "PLAT-LATE", subject.co_lent_queried_late, "2026-10-27", "LEGAL-CO-BANK");
    await account("plat", "PLAT-OUTSIDER", subject.co_lent_unknown_bank, "2026-10-27", "91000000OUTSIDE1X");
    const channels = (await anomalies()).items.filter((item) => item.kind === "direct_channel");
    assert.deepEqual(
      channels.map((item) => [item.institution_id, item.day, item.evidence]),
      [
        [
          "co-bank",
          "2026-10-28",
          {
            furnisher_id: "plat",
            co_lender_legal_id: "LEGAL-CO-BANK",
            co_lender_known: true,
            accounts: 2,
            account_refs: ["PLAT-NEVER", "PLAT-LATE"],
            opened_from: "2026-10-27",
            opened_to: "2026-10-28",
          },
        ],
        [
          null,
          "2026-10-27",
          {
            furnisher_id: "plat",
            co_lender_legal_id: "91000000OUTSIDE1X",
            co_lender_known: false,
            accounts: 1,
            account_refs: ["PLAT-OUTSIDER"],
            opened_from: "2026-10-27",
            opened_to: "2026-10-27",
          },
        ],
      ],
    );
  });

  it("counts every kind, scans only the range asked for, and refuses a range over the limit", async () => {
    const report = await anomalies();
    assert.deepEqual(report.by_kind, {
      query_volume_spike: 1,
      query_harvesting: 1,
      query_volume_over_lending: 1,
      subject_query_burst: 2,
      direct_channel: 2,
    });
    const overLending = report.items.filter((item) => item.kind === "query_volume_over_lending");
    assert.deepEqual(
      overLending.map((item) => [
        item.institution_id,
        item.evidence.queries_answered,
        item.evidence.loans_past_year,
      ]),
      [["spiky-bank", 663, 0]],
    );
    const before = await anomalies("?from=2026-10-01&to=2026-10-26");
    assert.deepEqual(before.by_kind, {
      query_volume_spike: 0,
      query_harvesting: 1,
      query_volume_over_lending: 1,
      subject_query_burst: 0,
      direct_channel: 0,
    });
    const longest = await call(`${server.url}/v1/oversight/anomalies?from=2026-08-01&to=2026-10-31`, {
      key: regulator,
    });
    assert.equal(longest.status, 200);
    const tooLong = await call(`${server.url}/v1/oversight/anomalies?from=2026-07-31&to=2026-10-31`, {
      key: regulator,
    });
    assert.equal(tooLong.status, 400);
    assert.equal(tooLong.body.code, "BAD_QUERY");
  });
});
