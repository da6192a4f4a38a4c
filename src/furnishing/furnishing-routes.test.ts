import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { after, before, it } from "node:test";
import { gzipSync } from "node:zlib";
import { describeEachBackend } from "../db/testing.ts";
import { uniqueResidentId } from "../demo/synthetic-ids.ts";
import { call, ensureInstitution, startTestServer, type TestServer } from "../http/testing.ts";
import { receiveSubmission } from "./submissions.ts";

const person = (n: number) => ({ id_type: "cn_resident_id", id_number: uniqueResidentId(n) });
const ndjson = (records: unknown[]) => `${records.map((record) => JSON.stringify(record)).join("\n")}\n`;

function history(n: number, ref: string, months: string[]) {
  return [
    { type: "subject", ...person(n), name: `Synthetic Person ${n}` },
    {
      type: "account",
      account_ref: ref,
      ...person(n),
      kind: "micro_loan",
      opened_on: "2025-01-15",
      currency: "CNY",
      principal_minor: 500_000,
      term_months: 12,
    },
    ...months.map((period) => ({
      type: "statement",
      account_ref: ref,
      period,
      ...person(n),
      balance_minor: 400_000,
      past_due_minor: 0,
      days_past_due: 0,
      scheduled_payment_minor: 45_000,
      actual_payment_minor: 45_000,
      status: "current",
    })),
  ];
}

async function upload(
  server: TestServer,
  key: string,
  body: string | Uint8Array,
  type = "application/x-ndjson",
  query = "?wait=true",
) {
  return call<
    Record<string, unknown> & { id: string; status: string; lines_rejected: number; lines_accepted: number }
  >(`${server.url}/v1/submissions${query}`, {
    key,
    raw: typeof body === "string" ? body : new Uint8Array(body),
    headers: { "content-type": type },
  });
}

async function errorsOf(server: TestServer, key: string, id: string) {
  const response = await fetch(`${server.url}/v1/submissions/${id}/errors`, {
    headers: { authorization: `Bearer ${key}` },
  });
  assert.equal(response.headers.get("content-type"), "application/x-ndjson");
  return (await response.text())
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { line: number; field: string; code: string; message: string });
}

describeEachBackend("furnishing over HTTP", (backend) => {
  let server: TestServer;
  let platform: string;
  let rival: string;
  let lender: string;
  before(async () => {
    server = await startTestServer(backend(), { CREDENCE_REJECT_SHARE_MAX: "0.5" });
    platform = (
      await ensureInstitution(server.ctx, {
        id: "pay-app",
        name: "Pay App",
        legal_id: "L-PAY",
        roles: ["furnisher"],
        kind: "platform",
      })
    ).token;
    rival = (
      await ensureInstitution(server.ctx, {
        id: "shop-app",
        name: "Shop App",
        legal_id: "L-SHOP",
        roles: ["furnisher"],
        kind: "platform",
      })
    ).token;
    lender = (
      await ensureInstitution(server.ctx, {
        id: "a-bank",
        name: "A Bank",
        legal_id: "L-BANK",
        roles: ["lender"],
        kind: "bank",
      })
    ).token;
  });
  after(() => server.close());

  it("publishes the record format as JSON Schema", async () => {
    const schema = await call<{ $schema: string; anyOf: unknown[] }>(
      `${server.url}/v1/schemas/furnishing.json`,
    );
    assert.equal(schema.status, 200);
    assert.match(schema.body.$schema, /2020-12/);
    assert.ok(schema.body.anyOf.length >= 8);
  });

  let firstId = "";
  it("accepts a file, rejects its bad lines with line, field and code, and stores the rest", async () => {
    const records: unknown[] = [
      ...history(1, "L-1", ["2026-07", "2026-08", "2026-09"]),
      {
        type: "statement",
        account_ref: "NOPE",
        period: "2026-09",
        ...person(1),
        balance_minor: 1,
        past_due_minor: 0,
        days_past_due: 0,
        scheduled_payment_minor: 0,
        actual_payment_minor: 0,
        status: "current",
      },
      { ...(history(2, "L-2", [])[1] as object), principal_minor: 12.5 },
      {
        type: "account",
        account_ref: "L-3",
        id_type: "cn_resident_id",
        id_number: `${uniqueResidentId(3).slice(0, 17)}0`,
        kind: "micro_loan",
        opened_on: "2025-01-15",
        currency: "CNY",
        principal_minor: 1,
      },
    ];
    const text = `${ndjson(records)}{"type":"statement",\n`;
    const response = await upload(server, platform, text);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    assert.equal(response.body.status, "accepted");
    assert.equal(response.body.lines_accepted, 5);
    assert.equal(response.body.lines_rejected, 4);
    firstId = response.body.id;
    const errors = await errorsOf(server, platform, firstId);
    assert.deepEqual(
      errors.map((error) => [error.line, error.field, error.code]),
      [
        [6, "account_ref", "ACCOUNT_UNKNOWN"],
        [7, "principal_minor", "AMOUNT_NOT_INTEGER"],
        [8, "id_number", "ID_CHECK_CHARACTER"],
        [9, "", "JSON_INVALID"],
      ],
    );
    for (const error of errors)
      assert.ok(!error.message.includes(uniqueResidentId(3).slice(0, 10)), "no identifier in messages");
  });

  it("returns the first result when the same file is sent again", async () => {
    const records = [...history(1, "L-1", ["2026-07", "2026-08", "2026-09"])];
    const again = await upload(server, platform, `${ndjson(records)}`);
    assert.equal(again.status, 201);
    const replay = await upload(server, platform, `${ndjson(records)}`);
    assert.equal(replay.status, 200);
    assert.equal(replay.body.id, again.body.id);
    assert.equal(replay.body.replay, true);
  });

  it("applies nothing of an upload that fails or grows past the limit while it is being read", async () => {
    const lines = ndjson(history(13, "L-13", ["2026-06", "2026-07", "2026-08", "2026-09"]));
    const count = async () =>
      (
        await backend().db.query<{ n: bigint }>(
          "SELECT (SELECT count(*) FROM accounts WHERE account_ref = 'L-13') + (SELECT count(*) FROM submissions WHERE furnisher_id = 'pay-app')::int8 AS n",
        )
      )[0]?.n;
    const before = await count();
    const upload = { furnisher_id: "pay-app", format: "ndjson", gzip: false, channel: "bulk" } as const;
    const small = { ...server.ctx, config: { ...server.ctx.config, upload_bytes_max: lines.length + 10 } };
    await assert.rejects(
      receiveSubmission(small, upload, Readable.from([lines, lines])),
      (error: { code?: string }) => error.code === "PAYLOAD_TOO_LARGE",
    );
    const failing = Readable.from(
      (async function* () {
        yield lines;
        await new Promise((resolve) => setTimeout(resolve, 50));
        throw Object.assign(new Error("connection reset"), { code: "ECONNRESET" });
      })(),
    );
    await assert.rejects(receiveSubmission(server.ctx, upload, failing));
    assert.equal(await count(), before);
    // The same lines sent whole afterwards are a new submission and are applied.
    const whole = await receiveSubmission(server.ctx, upload, Readable.from([lines]));
    assert.equal(whole.replay, false);
    assert.equal((await whole.done).status, "accepted");
  });

  it("accepts a statement whose account came earlier in the file, never one whose account comes later", async () => {
    const [subject, account, statement] = history(12, "L-12", ["2026-09"]);
    const later = { ...(statement as object), period: "2026-08" };
    const response = await upload(server, platform, ndjson([subject, statement, account, later]));
    assert.equal(response.body.status, "accepted", JSON.stringify(response.body));
    assert.equal(response.body.lines_accepted, 3);
    const errors = await errorsOf(server, platform, response.body.id);
    assert.deepEqual(
      errors.map((error) => [error.line, error.code]),
      [[2, "ACCOUNT_UNKNOWN"]],
    );
  });

  it("rejects a whole file whose rejected share is over the threshold, applying none of it", async () => {
    const before = await backend().db.query("SELECT 1 FROM accounts WHERE account_ref = 'L-9'");
    const records = [history(9, "L-9", [])[1], { type: "account" }, { type: "loan" }, { type: "statement" }];
    const response = await upload(server, platform, ndjson(records));
    assert.equal(response.body.status, "rejected");
    assert.match(String(response.body.rejection_reason), /more than the 50\.0%/);
    assert.deepEqual(await backend().db.query("SELECT 1 FROM accounts WHERE account_ref = 'L-9'"), before);
    const codes = (await errorsOf(server, platform, response.body.id)).map((error) => error.code);
    assert.deepEqual(codes, ["FIELD_MISSING", "RECORD_TYPE_UNKNOWN", "FIELD_MISSING"]);
  });

  it("reads gzip and rejects a truncated gzip whole", async () => {
    const gz = gzipSync(ndjson(history(4, "L-4", ["2026-09"])));
    const ok = await upload(server, platform, gz, "application/gzip");
    assert.equal(ok.body.status, "accepted");
    assert.equal(ok.body.lines_accepted, 3);
    const truncated = await upload(server, platform, gz.subarray(0, gz.length - 12), "application/gzip");
    assert.equal(truncated.body.status, "rejected");
    const errors = await errorsOf(server, platform, truncated.body.id);
    assert.equal(errors.at(-1)?.code, "STREAM_CORRUPT");
  });

  it("reads CSV with the same fields and rejects a wrong header with its code", async () => {
    const csv = `type,account_ref,id_type,id_number,kind,opened_on,currency,principal_minor\naccount,C-1,cn_resident_id,${uniqueResidentId(5)},consumer_loan,2025-02-01,CNY,100000\n`;
    const ok = await upload(server, platform, csv, "text/csv");
    assert.equal(ok.body.status, "accepted", JSON.stringify(ok.body));
    const bad = await upload(server, platform, "type,colour\naccount,red\n", "text/csv");
    assert.equal(bad.body.status, "rejected");
    assert.equal((await errorsOf(server, platform, bad.body.id))[0]?.code, "CSV_BAD_HEADER");
  });

  it("takes a small synchronous batch and answers with its errors", async () => {
    const response = await call<{ status: string; errors: { line: number; code: string }[] }>(
      `${server.url}/v1/records`,
      {
        key: platform,
        body: {
          records: [
            ...history(6, "L-6", ["2026-09"]),
            {
              type: "activity",
              ...person(6),
              category: "travel",
              period: "2099-01",
              event_count: 1,
              amount_minor: 1,
              currency: "CNY",
            },
          ],
        },
      },
    );
    assert.equal(response.status, 201);
    assert.equal(response.body.status, "accepted");
    assert.deepEqual(
      response.body.errors.map((error) => [error.line, error.code]),
      [[4, "PERIOD_IN_FUTURE"]],
    );
    const tooMany = await call(`${server.url}/v1/records`, {
      key: platform,
      body: { records: Array(1001).fill({}) },
    });
    assert.equal(tooMany.status, 413);
    assert.equal(tooMany.body.code, "BATCH_TOO_LARGE");
  });

  it("lets a later record correct an earlier one and a delete withdraw it", async () => {
    const correction = {
      ...(history(1, "L-1", ["2026-09"])[2] as object),
      balance_minor: 123,
      status: "late_1_30",
      days_past_due: 5,
      past_due_minor: 45_000,
      notified_on: "2026-10-02",
    };
    assert.equal((await upload(server, platform, ndjson([correction]))).body.status, "accepted");
    const [latest] = await backend().db.query<{ balance_minor: bigint }>(
      "SELECT balance_minor FROM statements WHERE account_ref = 'L-1' AND period = '2026-09-01' ORDER BY seq DESC LIMIT 1",
    );
    assert.equal(latest?.balance_minor, 123n);
    const withdrawal = { type: "statement", op: "delete", account_ref: "L-1", period: "2026-08" };
    assert.equal((await upload(server, platform, ndjson([withdrawal]))).body.status, "accepted");
    const [gone] = await backend().db.query<{ deleted: boolean }>(
      "SELECT deleted FROM statements WHERE account_ref = 'L-1' AND period = '2026-08-01' ORDER BY seq DESC LIMIT 1",
    );
    assert.equal(gone?.deleted, true);
  });

  it("keeps each furnisher to its own submissions and records", async () => {
    const theirs = await call(`${server.url}/v1/submissions/${firstId}`, { key: rival });
    assert.equal(theirs.status, 403);
    assert.equal(theirs.body.code, "SUBMISSION_NOT_YOURS");
    const lenderTry = await call(`${server.url}/v1/submissions/${firstId}`, { key: lender });
    assert.equal(lenderTry.status, 403);
    assert.equal(lenderTry.body.code, "ROLE_FORBIDDEN");
    const statement = { ...(history(1, "L-1", ["2026-09"])[2] as object), balance_minor: 1 };
    const rivalWrite = await upload(server, rival, ndjson([statement]));
    assert.equal(rivalWrite.body.status, "rejected");
    assert.equal((await errorsOf(server, rival, rivalWrite.body.id))[0]?.code, "ACCOUNT_UNKNOWN");
    const quality = await call(`${server.url}/v1/furnishers/pay-app/quality`, { key: rival });
    assert.equal(quality.body.code, "INSTITUTION_FORBIDDEN");
  });

  it("reports data quality per furnisher", async () => {
    const quality = await call<{
      submissions: { total: number; rejected: number };
      rejected_by_code: Record<string, number>;
      subjects_matched_share: number;
    }>(`${server.url}/v1/furnishers/pay-app/quality`, { key: platform });
    assert.equal(quality.status, 200);
    assert.ok(quality.body.submissions.total >= 8);
    assert.ok(quality.body.submissions.rejected >= 3);
    assert.ok((quality.body.rejected_by_code.ACCOUNT_UNKNOWN ?? 0) >= 1);
    assert.ok(quality.body.subjects_matched_share > 0);
  });

  it("refuses an empty upload and an unknown media type", async () => {
    const empty = await upload(server, platform, "");
    assert.equal(empty.body.code, "SUBMISSION_EMPTY");
    const pdf = await upload(server, platform, "%PDF", "application/pdf");
    assert.equal(pdf.status, 415);
    assert.equal(pdf.body.code, "UNSUPPORTED_MEDIA_TYPE");
  });
});
