// Tests for cosignature/v1: the signed message, the key ID's type byte and the signature layout.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ed25519 } from "@noble/curves/ed25519.js";
import { base64Decode, utf8Encode } from "./bytes.ts";
import {
  cosignatureMessage,
  cosignatureTime,
  cosignatureVerifier,
  cosignerFromKey,
  generateCosignerKey,
} from "./cosignature.ts";
import {
  addSignatures,
  decodeVerifierKey,
  ed25519Signer,
  generateEd25519Key,
  keyId,
  openNote,
  signNote,
} from "./note.ts";
import { assertCode } from "./test-support.ts";

const checkpoint_text = "synthetic.example/log\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
const time_s = 1_679_315_147;
const pair = generateCosignerKey("synthetic.example/witness");
const cosigner = cosignerFromKey(pair.signer_key);
const bureau = ed25519Signer(generateEd25519Key("synthetic.example/log").signer_key);

describe("cosignature/v1", () => {
  test("signs the header line, the time line and the whole checkpoint text", () => {
    assert.deepEqual(
      cosignatureMessage(checkpoint_text, time_s),
      utf8Encode(`cosignature/v1\ntime 1679315147\n${checkpoint_text}`),
    );
    const signature = cosigner.cosign(checkpoint_text, time_s);
    const message = utf8Encode(`cosignature/v1\ntime 1679315147\n${checkpoint_text}`);
    const { public_key } = decodeVerifierKey(pair.verifier_key);
    assert.ok(ed25519.verify(signature.signature.slice(8), message, public_key));
  });

  test("carries an 8-byte big-endian timestamp before the Ed25519 signature", () => {
    const { signature } = cosigner.cosign(checkpoint_text, time_s);
    assert.equal(signature.length, 72);
    assert.equal(new DataView(signature.buffer).getBigUint64(0), BigInt(time_s));
    assert.equal(cosignatureTime(signature), time_s);
  });

  test("reads the timestamp of the example cosignature in c2sp.org/tlog-cosignature", () => {
    const line =
      "jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==";
    const bytes = base64Decode(line);
    assert.ok(bytes);
    assert.equal(cosignatureTime(bytes.slice(4)), time_s);
  });

  test("uses signature type 0x04 in the key ID, so the key cannot pass as a plain note key", () => {
    const { public_key, key_id, type } = decodeVerifierKey(pair.verifier_key);
    assert.equal(type, 0x04);
    assert.equal(key_id, keyId("synthetic.example/witness", 0x04, public_key));
    assert.notEqual(key_id, keyId("synthetic.example/witness", 0x01, public_key));
    assert.equal(cosigner.key_id, key_id);
    assert.equal(cosigner.verifier_key, pair.verifier_key);
  });

  test("verifies as a note signature beside the log's own", () => {
    const note = signNote(checkpoint_text, [bureau]);
    const cosigned = addSignatures(note, [cosigner.cosign(checkpoint_text, time_s)]);
    const opened = openNote(cosigned, [cosignatureVerifier(pair.verifier_key)]);
    assert.deepEqual(
      opened.verified.map((s) => s.name),
      ["synthetic.example/witness"],
    );
  });

  test("fails when the timestamp or the checkpoint is changed", () => {
    const verifier = cosignatureVerifier(pair.verifier_key);
    const { signature } = cosigner.cosign(checkpoint_text, time_s);
    const retimed = signature.slice();
    retimed[7] = (retimed[7] as number) ^ 1;
    assert.equal(verifier.verify(utf8Encode(checkpoint_text), signature), true);
    assert.equal(verifier.verify(utf8Encode(checkpoint_text), retimed), false);
    assert.equal(verifier.verify(utf8Encode(checkpoint_text.replace("2085", "2086")), signature), false);
    assert.equal(verifier.verify(utf8Encode(checkpoint_text), signature.slice(0, 71)), false);
  });

  test("refuses timestamps beyond 2^53 - 1 seconds", () => {
    const signature = new Uint8Array(72);
    new DataView(signature.buffer).setBigUint64(0, 2n ** 53n);
    assert.equal(cosignatureTime(signature), null);
    new DataView(signature.buffer).setBigUint64(0, 2n ** 53n - 1n);
    assert.equal(cosignatureTime(signature), Number.MAX_SAFE_INTEGER);
  });

  test("refuses plain note keys as cosigner keys", () => {
    const plain = generateEd25519Key("synthetic.example/witness");
    assertCode(() => cosignerFromKey(plain.signer_key), "LOG_MALFORMED_KEY");
    assertCode(() => cosignatureVerifier(plain.verifier_key), "LOG_MALFORMED_KEY");
  });
});
