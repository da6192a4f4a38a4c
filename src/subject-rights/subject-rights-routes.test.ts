import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { describeEachBackend } from "../db/testing.ts";
import { base64Decode } from "../disclosure-log/bytes.ts";
import { cosignerFromKey, generateCosignerKey } from "../disclosure-log/cosignature.ts";
import { commitSubject } from "../disclosure-log/entry.ts";
import { bureauLogVerifierKey } from "../disclosure-log/log-store.ts";
import { addSignatures, parseNote } from "../disclosure-log/note.ts";
import {
  verifyCheckpoint,
  verifyEntryInclusion,
  verifyWitnessedCheckpoint,
} from "../disclosure-log/verify.ts";
import { call } from "../http/testing.ts";
import { bureauKey } from "../identity/bureau-key.ts";
import {
  drainLog,
  furnish,
  lenderReport,
  person,
  type RightsServer,
  startRightsServer,
  tokenFor,
} from "./test-support.ts";

function loan(n: number, ref: string, months: readonly string[], late_month?: string) {
  return [
    { type: "subject", ...person(n), name: `Synthetic Person ${n}` },
    {
      type: "account",
      account_ref: ref,
      ...person(n),
      kind: "micro_loan",
      opened_on: "2025-03-01",
      currency: "CNY",
      principal_minor: 300_000,
    },
    ...months.map((period) => {
      const late = period === late_month;
      return {
        type: "statement",
        account_ref: ref,
        period,
        ...person(n),
        balance_minor: 200_000,
        past_due_minor: late ? 30_000 : 0,
        days_past_due: late ? 45 : 0,
        scheduled_payment_minor: 30_000,
        actual_payment_minor: late ? 0 : 30_000,
        status: late ? "late_31_60" : "current",
        ...(late ? { notified_on: "2026-09-20" } : {}),
      };
    }),
  ];
}

type Problem = { code: string; price_minor?: string; currency?: string };
type OwnReportBody = {
  free: boolean;
  free_copies_left_this_year: number;
  charged: { price_minor: number; currency: string } | null;
  score: { available: boolean; reason_code?: string };
  report: {
    accounts: { item: string; account_ref?: string; furnisher: { id?: string; name?: string } }[];
    disputes: { item: string; status: string }[];
  };
};
type DisputeBody = {
  id: string;
  item: string;
  status: string;
  due_at: string;
  outcome: string | null;
  answered_late: boolean | null;
  reason: string;
};
type DisclosuresBody = {
  log_origin: string;
  pseudonym: string;
  checkpoint: { size: number; note: string; witnesses: string[] } | null;
  disclosures: {
    index: number;
    entry_id: string;
    entry: { recipient: string; subject_commitment: string; furnishers: { institution: string }[] };
    entry_bytes: string;
    salt: string;
    inclusion_proof: string[];
  }[];
  pending: { entry_id: string }[];
  next_after: number | null;
};

describeEachBackend("subject rights over HTTP", (backend) => {
  let server: RightsServer;
  let alice = "";
  let bob = "";
  const me = (path: string, token: string, init: { method?: string; body?: unknown } = {}) =>
    call(`${server.url}/v1/me/${path}`, { key: token, ...init });
  const asFurnisher = (id: string, path: string, init: { method?: string; body?: unknown } = {}) =>
    call(`${server.url}${path}`, { key: server.keys[id] as string, ...init });

  before(async () => {
    server = await startRightsServer(backend());
    await furnish(server, "pay-app", [
      ...loan(1, "PAY-1", ["2026-07", "2026-08", "2026-09", "2026-10"], "2026-09"),
      ...loan(2, "PAY-2", ["2026-10"]),
    ]);
    await furnish(server, "shop-app", [
      {
        type: "account",
        account_ref: "SHOP-1",
        ...person(1),
        kind: "bnpl",
        opened_on: "2026-01-10",
        currency: "CNY",
        credit_limit_minor: 500_000,
      },
    ]);
    alice = await tokenFor(server, 1);
    bob = await tokenFor(server, 2);
  });
  after(() => server.close());

  it("gives the regime's free own reports, then names the price and charges it only when accepted", async () => {
    const allowance = await me("allowance", bob);
    assert.equal(allowance.status, 200);
    assert.equal(allowance.body.free_copies_left_this_year, 2);
    const first = await me("report", bob);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    const body = first.body as OwnReportBody;
    assert.equal(body.free, true);
    assert.equal(body.free_copies_left_this_year, 1);
    assert.equal(body.charged, null);
    // No model is registered in this test, so the score says why it is missing rather than being absent.
    assert.deepEqual(body.score, { available: false, reason_code: "NO_MODEL" });
    // The subject sees the furnisher by name and their own account reference.
    assert.deepEqual(body.report.accounts[0]?.furnisher, { id: "pay-app", name: "pay-app name" });
    assert.equal(body.report.accounts[0]?.account_ref, "PAY-2");
    assert.equal(((await me("report", bob)).body as OwnReportBody).free_copies_left_this_year, 0);
    assert.equal((await me("allowance", bob)).body.free_copies_left_this_year, 0);

    const unpriced = await me("report", bob);
    assert.equal(unpriced.status, 402);
    assert.deepEqual(
      [
        (unpriced.body as Problem).code,
        (unpriced.body as Problem).price_minor,
        (unpriced.body as Problem).currency,
      ],
      ["PRICE_NOT_ACCEPTED", "1000", "CNY"],
    );
    assert.equal((await me("report?accept_price_minor=999", bob)).status, 402);
    const paid = await me("report?accept_price_minor=1000", bob);
    assert.equal(paid.status, 200);
    assert.deepEqual((paid.body as OwnReportBody).charged, { price_minor: 1000, currency: "CNY" });
    const charges = await backend().db.query<{ free: boolean; price_minor: bigint }>(
      "SELECT free, price_minor FROM own_report_requests ORDER BY requested_at, free DESC",
    );
    assert.deepEqual(
      charges.map((row) => [row.free, row.price_minor]),
      [
        [true, 0n],
        [true, 0n],
        [false, 1000n],
      ],
    );
  });

  it("refuses institution keys on personal routes and personal tokens on furnisher routes", async () => {
    const byBank = await call(`${server.url}/v1/me/report`, { key: server.keys["big-bank"] as string });
    assert.equal((byBank.body as Problem).code, "ROLE_FORBIDDEN");
    const byPerson = await call(`${server.url}/v1/furnishers/me/disputes`, { key: alice });
    assert.equal((byPerson.body as Problem).code, "ROLE_FORBIDDEN");
  });

  it("lists every disclosure with a proof that verifies with nothing but public keys", async () => {
    await lenderReport(server, 1);
    const queued = (await me("disclosures", alice)).body as DisclosuresBody;
    assert.equal(queued.disclosures.length, 0);
    assert.equal(queued.pending.length, 1);

    await drainLog(server);
    await lenderReport(server, 1);
    await drainLog(server);
    // The regulator's witness cosigns the latest checkpoint, as the witness would post it.
    const [latest] = await backend().db.query<{ size: bigint; note: string }>(
      "SELECT size, note FROM log_checkpoints ORDER BY size DESC LIMIT 1",
    );
    const witness = generateCosignerKey("regulator.example/witness");
    const cosigner = cosignerFromKey(witness.signer_key);
    const cosigned = addSignatures(latest?.note as string, [
      cosigner.cosign(
        parseNote(latest?.note as string).text,
        Math.floor(server.clock.now().getTime() / 1000),
      ),
    ]);
    await backend().db.query(
      "INSERT INTO log_cosignatures (size, witness, note, received_at) VALUES ($1, $2, $3, $4)",
      [latest?.size, cosigner.name, cosigned, server.clock.now()],
    );
    const listed = await me("disclosures", alice);
    assert.equal(listed.status, 200);
    const body = listed.body as DisclosuresBody;
    assert.equal(body.pending.length, 0);
    assert.equal(body.disclosures.length, 2);
    assert.deepEqual(body.checkpoint?.witnesses, ["regulator.example/witness"]);

    const vkey = bureauLogVerifierKey(body.log_origin, bureauKey(server.ctx.keyring).public_raw);
    const checkpoint = verifyWitnessedCheckpoint(body.checkpoint?.note as string, vkey, {
      witness_keys: [witness.verifier_key],
      quorum: 1,
    });
    assert.equal(verifyCheckpoint(body.checkpoint?.note as string, vkey).size, checkpoint.size);
    for (const disclosure of body.disclosures) {
      const bytes = base64Decode(disclosure.entry_bytes) as Uint8Array;
      const proof = disclosure.inclusion_proof.map((hash) => base64Decode(hash) as Uint8Array);
      verifyEntryInclusion(bytes, disclosure.index, proof, checkpoint);
      assert.equal(commitSubject(disclosure.salt, body.pseudonym), disclosure.entry.subject_commitment);
      assert.equal(disclosure.entry.recipient, "big-bank");
    }
    const tampered = base64Decode(body.disclosures[0]?.entry_bytes as string) as Uint8Array;
    tampered[10] = (tampered[10] as number) ^ 1;
    assert.throws(() =>
      verifyEntryInclusion(
        tampered,
        body.disclosures[0]?.index as number,
        (body.disclosures[0]?.inclusion_proof ?? []).map((hash) => base64Decode(hash) as Uint8Array),
        checkpoint,
      ),
    );

    const firstPage = (await me("disclosures?limit=1", alice)).body as DisclosuresBody;
    assert.equal(firstPage.disclosures.length, 1);
    const secondPage = (await me(`disclosures?limit=1&after=${firstPage.next_after}`, alice))
      .body as DisclosuresBody;
    assert.equal(secondPage.disclosures[0]?.index, body.disclosures[1]?.index);
    assert.equal(secondPage.next_after, null);
    assert.equal((await me("disclosures?limit=201", alice)).status, 422);
    assert.equal(((await me("disclosures", bob)).body as DisclosuresBody).disclosures.length, 0);
  });

  it("tells a furnisher which lenders received its records, by month", async () => {
    const november = await asFurnisher("pay-app", "/v1/furnishers/me/disclosures?month=2026-11");
    assert.equal(november.status, 200);
    const rows = november.body.items as {
      lender: string;
      month: string;
      disclosures: number;
      records: number;
    }[];
    assert.equal(rows.length, 1);
    assert.deepEqual([rows[0]?.lender, rows[0]?.month, rows[0]?.disclosures], ["big-bank", "2026-11", 2]);
    assert.ok((rows[0]?.records ?? 0) >= 2);
    const october = await asFurnisher("pay-app", "/v1/furnishers/me/disclosures?month=2026-10");
    assert.deepEqual(october.body.items, []);
    const all = await asFurnisher("shop-app", "/v1/furnishers/me/disclosures");
    assert.equal((all.body.items as unknown[]).length, 1);
  });

  let statementDispute = "";
  let accountDispute = "";
  it("opens a dispute once per item, only on the subject's own items, and shows it in reports at once", async () => {
    const item = "statement:pay-app:PAY-1:2026-09";
    const opened = await me("disputes", alice, { body: { item, reason: "I paid this instalment on time." } });
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    const dispute = opened.body as DisputeBody;
    statementDispute = dispute.id;
    assert.equal(dispute.status, "open");
    assert.equal(dispute.due_at, "2026-11-21T08:00:00.000Z");

    const twice = await me("disputes", alice, { body: { item, reason: "Again." } });
    assert.deepEqual([twice.status, (twice.body as Problem).code], [409, "DISPUTE_EXISTS"]);
    const foreign = await me("disputes", bob, {
      body: { item: "account:pay-app:PAY-1", reason: "Not mine." },
    });
    assert.deepEqual([foreign.status, (foreign.body as Problem).code], [403, "DISPUTE_ITEM_NOT_YOURS"]);
    const invented = await me("disputes", alice, { body: { item: "account:pay-app:NOPE", reason: "x" } });
    assert.equal((invented.body as Problem).code, "DISPUTE_ITEM_NOT_YOURS");
    const malformed = await me("disputes", alice, { body: { item: "PAY-1", reason: "x" } });
    assert.equal((malformed.body as Problem).code, "VALIDATION_FAILED");

    const report = await lenderReport(server, 1);
    assert.equal(report.negative_events?.find((event) => event.item === item)?.disputed, true);
    assert.deepEqual(report.disputes, [{ item, status: "open", opened_at: "2026-11-01T08:00:00.000Z" }]);

    const onAccount = await me("disputes", alice, {
      body: { item: "account:shop-app:SHOP-1", reason: "I never opened this." },
    });
    accountDispute = (onAccount.body as DisputeBody).id;
    assert.equal(onAccount.status, 201);
  });

  it("refuses a personal token on another subject's dispute", async () => {
    const other = await me(`disputes/${statementDispute}`, bob);
    assert.deepEqual([other.status, (other.body as Problem).code], [403, "SUBJECT_FORBIDDEN"]);
    const own = await me(`disputes/${statementDispute}`, alice);
    assert.equal((own.body as DisputeBody).item, "statement:pay-app:PAY-1:2026-09");
  });

  it("lets only the item's furnisher see and answer a dispute, in time", async () => {
    const payList = await asFurnisher("pay-app", "/v1/furnishers/me/disputes");
    assert.deepEqual(
      (payList.body.items as DisputeBody[]).map((d) => [d.id, d.reason]),
      [[statementDispute, "I paid this instalment on time."]],
    );
    const wrong = await asFurnisher("shop-app", `/v1/disputes/${statementDispute}/answer`, {
      body: { outcome: "corrected", note: "Not ours." },
    });
    assert.deepEqual([wrong.status, (wrong.body as Problem).code], [403, "DISPUTE_NOT_YOURS"]);
    server.clock.advanceDays(10);
    const answered = await asFurnisher("pay-app", `/v1/disputes/${statementDispute}/answer`, {
      body: { outcome: "confirmed", note: "The payment arrived 45 days late." },
    });
    assert.equal(answered.status, 200);
    assert.deepEqual(
      [(answered.body as DisputeBody).outcome, (answered.body as DisputeBody).answered_late],
      ["confirmed", false],
    );
    const again = await asFurnisher("pay-app", `/v1/disputes/${statementDispute}/answer`, {
      body: { outcome: "corrected", note: "Changed our mind." },
    });
    assert.deepEqual([again.status, (again.body as Problem).code], [409, "DISPUTE_ANSWERED"]);
    const report = await lenderReport(server, 1);
    assert.equal(report.negative_events?.[0]?.disputed, false);
  });

  it("suppresses an item unanswered past the deadline until a late answer, which stays flagged", async () => {
    server.clock.advanceDays(11);
    const suppressed = await lenderReport(server, 1);
    assert.deepEqual(
      suppressed.accounts?.map((account) => account.item),
      ["account:pay-app:PAY-1"],
    );
    assert.deepEqual(suppressed.disputes, [
      { item: "account:shop-app:SHOP-1", status: "overdue", opened_at: "2026-11-01T08:00:00.000Z" },
    ]);
    // The subject still sees the item in their own report, marked by the overdue dispute.
    const own = (await me("report", alice)).body as OwnReportBody;
    assert.ok(own.report.accounts.some((account) => account.item === "account:shop-app:SHOP-1"));
    assert.equal(own.report.disputes[0]?.status, "overdue");

    const late = await asFurnisher("shop-app", `/v1/disputes/${accountDispute}/answer`, {
      body: { outcome: "corrected", note: "Account closed; correction submitted." },
    });
    assert.equal(late.status, 200);
    assert.deepEqual(
      [(late.body as DisputeBody).outcome, (late.body as DisputeBody).answered_late],
      ["corrected", true],
    );
    const restored = await lenderReport(server, 1);
    assert.equal(restored.accounts?.length, 2);
    assert.deepEqual(restored.disputes, []);

    const history = (await me("disputes", alice)).body.items as DisputeBody[];
    assert.deepEqual(history.map((d) => [d.item, d.status, d.outcome, d.answered_late]).sort(), [
      ["account:shop-app:SHOP-1", "answered", "corrected", true],
      ["statement:pay-app:PAY-1:2026-09", "answered", "confirmed", false],
    ]);
    const answered = await asFurnisher("shop-app", "/v1/furnishers/me/disputes?status=answered");
    assert.equal((answered.body.items as DisputeBody[])[0]?.answered_late, true);
    const reopened = await me("disputes", alice, {
      body: { item: "account:shop-app:SHOP-1", reason: "Still wrong." },
    });
    assert.equal(reopened.status, 201);
  });

  it("attaches a personal statement of up to 500 characters to every report, and removes it", async () => {
    const longest = "我".repeat(500);
    const put = await me("statement", alice, { method: "PUT", body: { text: longest } });
    assert.equal(put.status, 200);
    const tooLong = await me("statement", alice, { method: "PUT", body: { text: `${longest}!` } });
    assert.deepEqual([tooLong.status, (tooLong.body as Problem).code], [422, "STATEMENT_TOO_LONG"]);
    assert.deepEqual(
      (await lenderReport(server, 1)).personal_statements.map((statement) => statement.text),
      [longest],
    );
    assert.equal((await me("statement", alice, { method: "DELETE" })).status, 204);
    const twice = await me("statement", alice, { method: "DELETE" });
    assert.deepEqual([twice.status, (twice.body as Problem).code], [404, "STATEMENT_UNKNOWN"]);
    assert.deepEqual((await lenderReport(server, 1)).personal_statements, []);
    assert.deepEqual((await me("statement", alice)).body, { statement: null });
  });

  it("gives the free copies again in a new calendar year", async () => {
    assert.equal((await me("allowance", bob)).body.free_copies_left_this_year, 0);
    server.clock.set("2027-01-01T00:00:00Z");
    const allowance = await me("allowance", bob);
    assert.deepEqual([allowance.body.year, allowance.body.free_copies_left_this_year], [2027, 2]);
  });
});
