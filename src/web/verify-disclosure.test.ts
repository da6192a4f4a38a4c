// Tests of the checks the personal portal runs in the browser on a real page of GET /v1/me/disclosures: a true
// disclosure passes, and a forged proof, another person's entry, a shifted index or another bureau's key each
// fail with their code. Also the witness status the regulator's portal reads from a cosigned checkpoint.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import type { DisclosurePage, LogKey } from "../../web/src/api/types.ts";
import { checkCheckpoint, checkDisclosure } from "../../web/src/verify/verify-disclosure.ts";
import { witnessStatus } from "../../web/src/verify/witness-status.ts";
import { describeEachBackend } from "../db/testing.ts";
import { uniqueResidentId } from "../demo/synthetic-ids.ts";
import {
  addSignatures,
  base64Decode,
  base64Encode,
  cosignerFromKey,
  generateCosignerKey,
  generateEd25519Key,
  parseNote,
} from "../disclosure-log/index.ts";
import { call, ensureInstitution, startTestServer, type TestServer } from "../http/testing.ts";
import { subjectKey } from "../identity/pseudonym.ts";
import { issueSubjectToken } from "../institutions/institutions.ts";

const person = (n: number) => ({ id_type: "cn_resident_id", id_number: uniqueResidentId(n) });

describeEachBackend("disclosure checks of the personal portal", (backend) => {
  let server: TestServer;
  let page: DisclosurePage;
  let log_key: LogKey;

  before(async () => {
    server = await startTestServer(backend());
    const platform = await ensureInstitution(server.ctx, {
      id: "check-platform",
      name: "Check Platform",
      legal_id: "CHECK-PLATFORM",
      roles: ["furnisher"],
      kind: "platform",
    });
    const bank = await ensureInstitution(server.ctx, {
      id: "check-bank",
      name: "Check Bank",
      legal_id: "CHECK-BANK",
      roles: ["lender"],
      kind: "bank",
    });
    const furnished = await call(`${server.url}/v1/records`, {
      key: platform.token,
      body: {
        records: [1, 2].flatMap((n) => [
          { type: "subject", ...person(n), name: `Synthetic Person ${n}` },
          {
            type: "activity",
            ...person(n),
            category: "payments",
            period: "2026-10",
            event_count: 3,
            amount_minor: 12_000,
            currency: "CNY",
          },
        ]),
      },
    });
    assert.equal(furnished.body.lines_rejected, 0, JSON.stringify(furnished.body));
    for (const n of [1, 2, 1]) {
      const consent = await call<{ id: string }>(`${server.url}/v1/consents`, {
        key: bank.token,
        body: {
          subject: person(n),
          purpose: "loan_origination",
          categories: ["alternative_data"],
          mode: "one_time",
          expires_at: "2026-12-31T00:00:00Z",
          evidence: { sha256: "b".repeat(64), ref: "signed-form" },
        },
      });
      const answer = await call(`${server.url}/v1/reports`, {
        key: bank.token,
        body: { product: "report", purpose: "loan_origination", consent_id: consent.body.id },
      });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
    }
    await server.drainLog();
    const key = subjectKey(server.ctx.keyring.pseudonym_key, "cn_resident_id", uniqueResidentId(1));
    const { token } = await issueSubjectToken(server.ctx.db.kysely, key, server.clock);
    page = (await call<DisclosurePage>(`${server.url}/v1/me/disclosures`, { key: token })).body;
    log_key = (await call<LogKey>(`${server.url}/v1/log/key`)).body;
  });
  after(() => server.close());

  function verified() {
    const checkpoint = checkCheckpoint(page.checkpoint?.note ?? "", log_key.verifier_key);
    assert.ok(checkpoint.ok, "the bureau's checkpoint verifies");
    return checkpoint.value;
  }

  it("verifies every disclosure of the person against the bureau's checkpoint", () => {
    const checkpoint = verified();
    assert.equal(page.disclosures.length, 2);
    for (const item of page.disclosures) {
      const result = checkDisclosure(item, page.pseudonym, checkpoint);
      assert.ok(result.ok, result.ok ? "" : result.code);
      assert.equal(result.value.recipient, "check-bank");
      assert.equal(result.value.sequence, item.index);
    }
  });

  it("refuses a proof with one hash changed", () => {
    const item = page.disclosures[0];
    assert.ok(item);
    const first = base64Decode(item.inclusion_proof[0] ?? "") as Uint8Array;
    const forged = [
      base64Encode(first.map((byte, i) => (i === 0 ? byte ^ 1 : byte))),
      ...item.inclusion_proof.slice(1),
    ];
    const result = checkDisclosure({ ...item, inclusion_proof: forged }, page.pseudonym, verified());
    assert.equal(result.ok ? "ok" : result.code, "LOG_INCLUSION_MISMATCH");
  });

  it("refuses an entry that is not about this person", () => {
    const item = page.disclosures[0];
    assert.ok(item);
    const other = subjectKey(server.ctx.keyring.pseudonym_key, "cn_resident_id", uniqueResidentId(2));
    const result = checkDisclosure(item, other.toString("hex"), verified());
    assert.equal(result.ok ? "ok" : result.code, "SUBJECT_COMMITMENT_MISMATCH");
  });

  it("refuses an entry shown at another index than its own", () => {
    const [first, second] = page.disclosures;
    assert.ok(first && second);
    const result = checkDisclosure({ ...first, index: second.index }, page.pseudonym, verified());
    assert.equal(result.ok ? "ok" : result.code, "ENTRY_INDEX_MISMATCH");
  });

  it("refuses the checkpoint under another key with the bureau's name", () => {
    const impostor = generateEd25519Key(page.log_origin);
    const result = checkCheckpoint(page.checkpoint?.note ?? "", impostor.verifier_key);
    assert.equal(result.ok ? "ok" : result.code, "LOG_UNKNOWN_KEY");
  });

  it("lists the witnesses that cosigned the checkpoint, with the time each states", () => {
    const note = page.checkpoint?.note ?? "";
    assert.deepEqual(witnessStatus(note, log_key.verifier_key, log_key.origin).cosignatures, []);
    const cosigner = cosignerFromKey(generateCosignerKey("synthetic.example/witness").signer_key);
    const cosigned = addSignatures(note, [cosigner.cosign(parseNote(note).text, 1_793_000_000)]);
    const status = witnessStatus(cosigned, log_key.verifier_key, log_key.origin);
    assert.ok(status.checkpoint.ok);
    assert.deepEqual(status.cosignatures, [{ name: "synthetic.example/witness", time_s: 1_793_000_000 }]);
  });
});
