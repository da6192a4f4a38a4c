import assert from "node:assert/strict";
import { it } from "node:test";
import { ephemeralKeyring } from "../config/keyring.ts";
import { describeEachBackend } from "../db/testing.ts";
import { subjectKey } from "./pseudonym.ts";
import { getPersonalData, maskIdentifier, maskName, putPersonalData, shredPersonalData } from "./vault.ts";

const keyring = ephemeralKeyring();
const sample = {
  id_type: "cn_resident_id",
  id_number: "11010519491231002X",
  name: "Test Subject",
  phone: "+86 000",
};

describeEachBackend("personal data vault", (backend) => {
  it("stores only ciphertext and reads the same data back", async () => {
    const { db } = backend();
    const key = subjectKey(keyring.pseudonym_key, sample.id_type, sample.id_number);
    await putPersonalData(db.kysely, keyring, key, sample);
    const rows = await db.query<{ ciphertext: Uint8Array; kek_id: string }>(
      "SELECT ciphertext, kek_id FROM vault_entries",
    );
    assert.equal(rows.length, 1);
    assert.equal(rows[0]?.kek_id, "t1");
    assert.equal(Buffer.from(rows[0]?.ciphertext ?? []).includes(Buffer.from(sample.id_number)), false);
    assert.deepEqual(await getPersonalData(db, keyring, key), sample);
  });

  it("cannot be read with another keyring", async () => {
    const { db } = backend();
    const key = subjectKey(keyring.pseudonym_key, sample.id_type, sample.id_number);
    await assert.rejects(getPersonalData(db, ephemeralKeyring(), key));
  });

  it("is gone for good after shredding", async () => {
    const { db } = backend();
    const key = subjectKey(keyring.pseudonym_key, sample.id_type, sample.id_number);
    assert.equal(await shredPersonalData(db.kysely, key), true);
    assert.equal(await getPersonalData(db, keyring, key), undefined);
  });
});

it("keys the same identifier to the same pseudonym only under the same key", () => {
  const a = subjectKey(keyring.pseudonym_key, "cn_resident_id", "X1");
  assert.deepEqual(a, subjectKey(keyring.pseudonym_key, "cn_resident_id", "X1"));
  assert.notDeepEqual(a, subjectKey(ephemeralKeyring().pseudonym_key, "cn_resident_id", "X1"));
  assert.notDeepEqual(a, subjectKey(keyring.pseudonym_key, "us_ssn", "X1"));
  assert.equal(a.length, 32);
});

it("masks names and identifiers for report headers", () => {
  assert.equal(maskName("张三丰"), "张**");
  assert.equal(maskIdentifier("11010519491231002X"), "110***********002X");
});
