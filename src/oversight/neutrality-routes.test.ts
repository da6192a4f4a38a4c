// The neutrality report over HTTP: shareholder queries against consents, volumes, and the log proof catching forgeries.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, it } from "node:test";
import { describeEachBackend } from "../db/testing.ts";
import { encodeEntry } from "../disclosure-log/index.ts";
import { call, startTestServer, type TestServer } from "../http/testing.ts";
import { accountsFor, admit, furnish, person } from "./test-support.ts";

type Report = {
  window: { from: string; to: string };
  shareholders: {
    institution_id: string;
    share_bp: number;
    queries: { total: number; answered: number; refused: number; violations: number };
    by_check: Record<string, number>;
    items: { inquiry_id: string; outcome: string; consent_check: string; violation: boolean }[];
  }[];
  volumes: { lender_id: string; lender_is_shareholder: boolean; furnisher_id: string; disclosures: number }[];
  log_proof: {
    holds: boolean;
    complete: boolean;
    answered_inquiries: number;
    pending_in_queue: number;
    entries_checked: number;
    consented_entries: number;
    violations_total: number;
    violations: { kind: string; entry_id?: string; inquiry_id?: string; institution_id?: string }[];
  };
};

describeEachBackend("oversight neutrality report over HTTP", (backend) => {
  let server: TestServer;
  let regulator: string;
  let shareholder: string;
  let bank: string;
  let shareholderConsent = "";

  const consent = async (key: string, n: number, purpose = "loan_origination") => {
    const response = await call<{ id: string; jws_sha256: string }>(`${server.url}/v1/consents`, {
      key,
      body: {
        subject: person(n),
        purpose,
        categories: ["credit_accounts"],
        mode: "continuous",
        expires_at: "2027-06-01T00:00:00Z",
        evidence: { sha256: "a".repeat(64), ref: `signed-form-${n}` },
      },
    });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body;
  };
  const query = async (key: string, consent_id: string, purpose = "loan_origination") => {
    server.clock.advance(1_000);
    return call<{ code?: string; disclosure?: { entry_id: string } }>(`${server.url}/v1/reports`, {
      key,
      body: { product: "report", purpose, consent_id },
    });
  };
  const report = async () => {
    const response = await call<Report>(`${server.url}/v1/oversight/neutrality`, { key: regulator });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body;
  };

  before(async () => {
    server = await startTestServer(backend());
    regulator = await admit(server, "test-regulator", ["regulator"], "regulator");
    shareholder = await admit(server, "mall-holder", ["furnisher", "lender"], "platform", 2_500);
    bank = await admit(server, "other-bank", ["lender"], "bank");
    const platform = await admit(server, "pay-plat", ["furnisher"], "platform");
    assert.equal(await furnish(server, platform, accountsFor([1, 2, 3], "PAY")), "accepted");
    assert.equal(await furnish(server, shareholder, accountsFor([1], "MALL")), "accepted");
  });
  after(() => server.close());

  it("checks every shareholder query against its consent and proves the log complete", async () => {
    shareholderConsent = (await consent(shareholder, 1)).id;
    assert.equal((await query(shareholder, shareholderConsent)).status, 200);
    const refused = await query(shareholder, shareholderConsent, "credit_limit_review");
    assert.equal(refused.body.code, "CONSENT_PURPOSE_NOT_COVERED");
    assert.equal((await query(bank, (await consent(bank, 2)).id)).status, 200);
    await server.drainLog();

    const body = await report();
    assert.equal(body.shareholders.length, 1);
    const holder = body.shareholders[0];
    assert.equal(holder?.institution_id, "mall-holder");
    assert.equal(holder?.share_bp, 2_500);
    assert.deepEqual(holder?.queries, { total: 2, answered: 1, refused: 1, violations: 0 });
    assert.deepEqual(holder?.by_check, { ok: 1, purpose_mismatch: 1 });
    assert.deepEqual(
      holder?.items.map((item) => [item.outcome, item.consent_check, item.violation]),
      [
        ["CONSENT_PURPOSE_NOT_COVERED", "purpose_mismatch", false],
        ["answered", "ok", false],
      ],
    );
    assert.deepEqual(
      body.volumes.map((volume) => [volume.lender_id, volume.furnisher_id, volume.disclosures]),
      [
        ["mall-holder", "mall-holder", 1],
        ["mall-holder", "pay-plat", 1],
        ["other-bank", "pay-plat", 1],
      ],
    );
    assert.deepEqual(
      body.volumes.map((volume) => volume.lender_is_shareholder),
      [true, true, false],
    );
    assert.equal(body.log_proof.holds, true);
    assert.equal(body.log_proof.complete, true);
    assert.equal(body.log_proof.answered_inquiries, 2);
    assert.equal(body.log_proof.entries_checked, 2);
    assert.equal(body.log_proof.consented_entries, 2);
    assert.deepEqual(body.log_proof.violations, []);
  });

  it("counts an answered query whose entry still waits in the queue as pending, not as a violation", async () => {
    assert.equal((await query(shareholder, shareholderConsent)).status, 200);
    const pending = await report();
    assert.equal(pending.log_proof.pending_in_queue, 1);
    assert.equal(pending.log_proof.holds, true);
    await server.drainLog();
    assert.equal((await report()).log_proof.pending_in_queue, 0);
  });

  it("flags a forged log entry, an answered query without consent or entry, and a consent hash mismatch", async () => {
    const db = server.ctx.db;
    const now = server.clock.now();
    const forge = async (entry_id: string, consent_sha256: string) => {
      const [size] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM log_entries");
      const idx = size?.n as number;
      const bytes = encodeEntry({
        sequence: idx,
        time: now.toISOString(),
        recipient: "mall-holder",
        product: "report",
        purpose: "loan_origination",
        consent_sha256,
        subject_commitment: randomBytes(32).toString("hex"),
        furnishers: [{ institution: "pay-plat", records: 2 }],
        price_minor: 0n,
        currency: "CNY",
      });
      await db.query(
        `INSERT INTO log_entries (idx, entry_id, entry_bytes, subject_key, subject_salt, recipient, at, price_minor,
           currency, product, furnishers)
         VALUES ($1, $2, $3, $4, $5, 'mall-holder', $6, 0, 'CNY', 'report', '[{"institution":"pay-plat","records":2}]')`,
        [idx, entry_id, bytes, randomBytes(32), randomBytes(32), now],
      );
    };
    const inquiry = (id: string, consent_id: string | null, log_entry_id: string | null) =>
      db.query(
        `INSERT INTO inquiries (id, institution_id, key_id, at, product, purpose, consent_id, subject_key, outcome,
           log_entry_id)
         VALUES ($1, 'mall-holder', 'forged', $2, 'report', 'loan_origination', $3, $4, 'answered', $5)`,
        [id, now, consent_id, randomBytes(32), log_entry_id],
      );

    await forge("le_forged_without_inquiry", randomBytes(32).toString("hex"));
    await inquiry("iq_forged_without_consent", null, null);
    await forge("le_forged_other_consent", randomBytes(32).toString("hex"));
    await inquiry("iq_forged_other_consent", shareholderConsent, "le_forged_other_consent");

    const body = await report();
    assert.equal(body.log_proof.holds, false);
    assert.deepEqual(
      body.log_proof.violations.map((violation) => [
        violation.kind,
        violation.entry_id ?? violation.inquiry_id,
      ]),
      [
        ["answered_without_entry", "iq_forged_without_consent"],
        ["entry_without_inquiry", "le_forged_without_inquiry"],
        ["entry_consent_mismatch", "le_forged_other_consent"],
      ],
    );
    assert.equal(body.log_proof.violations_total, 3);
    const holder = body.shareholders[0];
    assert.equal(holder?.queries.violations, 1);
    assert.equal(
      holder?.items.find((item) => item.inquiry_id === "iq_forged_without_consent")?.consent_check,
      "no_consent",
    );
  });

  it("reports on a chosen window and refuses a reversed one", async () => {
    const empty = await call<Report>(`${server.url}/v1/oversight/neutrality?from=2026-01-01&to=2026-01-31`, {
      key: regulator,
    });
    assert.equal(empty.status, 200);
    assert.deepEqual(empty.body.window, { from: "2026-01-01", to: "2026-01-31" });
    assert.equal(empty.body.shareholders[0]?.queries.total, 0);
    assert.equal(empty.body.log_proof.entries_checked, 0);
    assert.equal(empty.body.log_proof.holds, true);
    const reversed = await call(`${server.url}/v1/oversight/neutrality?from=2026-02-01&to=2026-01-31`, {
      key: server.bureau_key,
    });
    assert.equal(reversed.body.code, "BAD_QUERY");
  });
});
