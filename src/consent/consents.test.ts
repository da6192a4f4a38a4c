// A query reads the subject's data in the statement that reads its consent; these tests show the reads
// run only under a consent the lender may use, on both databases.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { before, it } from "node:test";
import { ManualClock } from "../config/clock.ts";
import { ephemeralKeyring } from "../config/keyring.ts";
import { describeEachBackend } from "../db/testing.ts";
import { createInstitution } from "../institutions/institutions.ts";
import {
  type ConsentRow,
  consentWithReadsSql,
  consumeOneTimeConsent,
  registerConsent,
  revokeConsent,
} from "./consents.ts";

const start = new Date("2026-11-01T00:00:00Z");
const day_ms = 86_400_000;
// The reads here only echo the subject key: NULL means they did not run.
const statement = consentWithReadsSql(
  { id: "$1", lender: "$2", now: "$3", purpose: "$4" },
  (subject) => `${subject} AS read_key`,
);

describeEachBackend("consentWithReadsSql", (backend) => {
  const clock = new ManualClock(start);
  const keyring = ephemeralKeyring();
  const subject_key = createHash("sha256").update("subject").digest();
  const consent = (mode: "one_time" | "continuous", starts_in_days = 0) =>
    registerConsent(backend().db.kysely, keyring, clock, "bank-a", {
      subject_key,
      purpose: "loan_origination",
      categories: ["credit_accounts"],
      mode,
      starts_at: new Date(start.getTime() + starts_in_days * day_ms),
      expires_at: new Date(start.getTime() + 30 * day_ms),
      evidence_sha256: "a".repeat(64),
      evidence_ref: "form-1",
    });
  const read = async (row: ConsentRow, lender: string, at: Date, purpose = "loan_origination") => {
    const [result] = await backend().db.query<ConsentRow & { read_key: Buffer | null }>(statement, [
      row.id,
      lender,
      at,
      purpose,
    ]);
    return result;
  };

  before(async () => {
    for (const id of ["bank-a", "bank-b"]) {
      await createInstitution(
        backend().db.kysely,
        { id, name: id, legal_id: `L-${id}`, roles: ["lender"], kind: "bank" },
        clock,
      );
    }
  });

  it("reads for the lender the consent names, while it is active and for its purpose", async () => {
    const row = await consent("continuous");
    const allowed = await read(row, "bank-a", new Date(start.getTime() + day_ms));
    assert.equal(allowed?.id, row.id);
    assert.deepEqual(allowed?.read_key, subject_key);
  });

  it("returns the consent but reads nothing for another lender, another purpose or outside its time", async () => {
    const row = await consent("continuous", 2);
    const refused = [
      await read(row, "bank-b", new Date(start.getTime() + 3 * day_ms)),
      await read(row, "bank-a", new Date(start.getTime() + 3 * day_ms), "credit_limit_review"),
      await read(row, "bank-a", new Date(start.getTime() + day_ms)),
      await read(row, "bank-a", new Date(start.getTime() + 30 * day_ms)),
    ];
    for (const result of refused) {
      assert.equal(result?.id, row.id, "the consent itself is read, so the refusal can say why");
      assert.equal(result?.read_key, null);
    }
  });

  it("reads nothing under a revoked or used-up consent", async () => {
    const at = new Date(start.getTime() + day_ms);
    const revoked = await consent("continuous");
    await revokeConsent(backend().db.kysely, revoked.id, "subject", clock);
    const used = await consent("one_time");
    assert.ok(await consumeOneTimeConsent(backend().db.kysely, used.id, at));
    assert.equal((await read(revoked, "bank-a", at))?.read_key, null);
    assert.equal((await read(used, "bank-a", at))?.read_key, null);
  });
});
