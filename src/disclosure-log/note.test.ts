// Tests for signed notes and Ed25519 note keys, including Go's published note test vector.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import { base64Encode } from "./bytes.ts";
import { generateCosignerKey } from "./cosignature.ts";
import type { NoteSigner } from "./note.ts";
import {
  addSignatures,
  decodeSignerKey,
  decodeVerifierKey,
  ed25519Signer,
  ed25519Verifier,
  formatNote,
  generateEd25519Key,
  keyId,
  note_bytes_max,
  openNote,
  parseNote,
  signatures_per_note_max,
  signNote,
} from "./note.ts";
import { assertCode } from "./test-support.ts";

// The example key and note of golang.org/x/mod/sumdb/note, which defines the key string formats.
// Matching it byte for byte shows that Go's tools and ours read each other's keys and notes.
const go_signer_key = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
const go_verifier_key = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const go_text =
  "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const go_note = `${go_text}\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;

const text = "synthetic.example/log\nsome signed text\n";

describe("Go's note test vector", () => {
  test("signing the example text with the example key gives the published note", () => {
    const signer = ed25519Signer(go_signer_key);
    assert.equal(signer.key_id, 0xc74f20a3);
    assert.equal(signNote(go_text, [signer]), go_note);
  });

  test("the published note opens with the example verifier key", () => {
    const opened = openNote(go_note, [ed25519Verifier(go_verifier_key)]);
    assert.equal(opened.text, go_text);
    assert.deepEqual(
      opened.verified.map((s) => [s.name, s.key_id]),
      [["PeterNeumann", 0xc74f20a3]],
    );
  });

  test("the signer key derives the published verifier key", () => {
    const signer = decodeSignerKey(go_signer_key);
    const verifier = decodeVerifierKey(go_verifier_key);
    assert.deepEqual(signer.public_key, verifier.public_key);
    assert.equal(signer.key_id, verifier.key_id);
  });
});

describe("keys", () => {
  test("the key ID is SHA-256(name, newline, type byte, public key), first four bytes big-endian", () => {
    const pair = generateEd25519Key("synthetic.example/bureau");
    const key = decodeVerifierKey(pair.verifier_key);
    const digest = createHash("sha256")
      .update("synthetic.example/bureau\n")
      .update(Buffer.from([0x01]))
      .update(key.public_key)
      .digest();
    assert.equal(key.key_id, digest.readUInt32BE(0));
    assert.equal(keyId("synthetic.example/bureau", 0x01, key.public_key), key.key_id);
    assert.match(pair.verifier_key, /^synthetic\.example\/bureau\+[0-9a-f]{8}\+A[Q-Za-f]/);
    assert.match(pair.signer_key, /^PRIVATE\+KEY\+synthetic\.example\/bureau\+[0-9a-f]{8}\+A[Q-Za-f]/);
  });

  test("a generated pair signs and verifies", () => {
    const pair = generateEd25519Key("synthetic.example/bureau");
    const note = signNote(text, [ed25519Signer(pair.signer_key)]);
    assert.equal(openNote(note, [ed25519Verifier(pair.verifier_key)]).text, text);
  });

  test("malformed key strings are refused", () => {
    const [name, hash, material] = [
      "PeterNeumann",
      "c74f20a3",
      "ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ];
    assertCode(() => decodeVerifierKey(`${name}+c74f20a4+${material}`), "LOG_MALFORMED_KEY");
    assertCode(() => decodeVerifierKey(`${name}+C74F20A3+${material}`), "LOG_MALFORMED_KEY");
    assertCode(() => decodeVerifierKey(`${name}+${hash}`), "LOG_MALFORMED_KEY");
    assertCode(() => decodeVerifierKey(`${name}+${hash}+${material.slice(1)}`), "LOG_MALFORMED_KEY");
    assertCode(() => decodeVerifierKey(`Peter Neumann+${hash}+${material}`), "LOG_MALFORMED_KEY");
    assertCode(() => decodeVerifierKey(`+${hash}+${material}`), "LOG_MALFORMED_KEY");
    assertCode(() => decodeSignerKey(go_signer_key.replace("PRIVATE", "PUBLIC")), "LOG_MALFORMED_KEY");
    assertCode(() => decodeSignerKey(go_signer_key.replace("c74f20a3", "00000000")), "LOG_MALFORMED_KEY");
    assertCode(() => ed25519Signer(go_verifier_key), "LOG_MALFORMED_KEY");
  });

  test("a key of another signature type, or not on the curve, is refused", () => {
    const witness = generateCosignerKey("synthetic.example/witness");
    assertCode(() => ed25519Verifier(witness.verifier_key), "LOG_MALFORMED_KEY");
    assertCode(() => ed25519Signer(witness.signer_key), "LOG_MALFORMED_KEY");
    // y = 2 has no x on edwards25519, so these 32 bytes are no public key.
    const off_curve = new Uint8Array(32);
    off_curve[0] = 2;
    const name = "synthetic.example/bad";
    const id = keyId(name, 1, off_curve).toString(16).padStart(8, "0");
    const vkey = `${name}+${id}+${base64Encode(new Uint8Array([1, ...off_curve]))}`;
    assertCode(() => ed25519Verifier(vkey), "LOG_MALFORMED_KEY");
  });
});

describe("parseNote", () => {
  const signer = ed25519Signer(generateEd25519Key("synthetic.example/signer").signer_key);
  const good = signNote(text, [signer]);

  test("splits at the last blank line, so the text may contain blank lines", () => {
    const note = parseNote(signNote("first\n\nsecond\n", [signer]));
    assert.equal(note.text, "first\n\nsecond\n");
    assert.equal(formatNote(note), signNote("first\n\nsecond\n", [signer]));
  });

  test("refuses notes that break the format", () => {
    const line = good.slice(good.lastIndexOf("\u2014"));
    const cases = {
      no_blank_line: `${text}${line}`,
      no_final_newline: good.slice(0, -1),
      no_signatures: `${text}\n`,
      hyphen_not_em_dash: good.replace("\u2014", "-"),
      no_space_after_dash: good.replace("\u2014 ", "\u2014"),
      plus_in_name: good.replace("synthetic.example/signer", "synthetic+example"),
      not_base64: good.replace(/ [A-Za-z0-9+/=]+\n$/, " !!!!\n"),
      signature_too_short: `${text}\n\u2014 synthetic.example/signer AAAAAA==\n`,
      carriage_return: good.replace("some", "so\rme"),
      tab: good.replace("some", "so\tme"),
      lone_surrogate: good.replace("some", "so\ud800me"),
    };
    for (const [name, message] of Object.entries(cases)) {
      assert.throws(() => parseNote(message), { code: "LOG_MALFORMED_NOTE" }, name);
    }
  });

  test("accepts a signature of one byte after the key ID, the shortest the format allows", () => {
    const note = parseNote(`${text}\n\u2014 synthetic.example/signer AAAAAAA=\n`);
    assert.deepEqual(note.signatures[0]?.signature, new Uint8Array([0]));
  });

  test("formats only notes it could parse back", () => {
    assertCode(() => formatNote({ text, signatures: [] }), "LOG_MALFORMED_NOTE");
    assertCode(
      () => formatNote({ text: "no newline", signatures: parseNote(good).signatures }),
      "LOG_MALFORMED_NOTE",
    );
    assertCode(() => signNote("tab\there\n", [signer]), "LOG_MALFORMED_NOTE");
  });

  test("accepts signatures up to the limit, and refuses one more", () => {
    const note = parseNote(good);
    const at_limit = formatNote({
      text,
      signatures: Array(signatures_per_note_max).fill(note.signatures[0]),
    });
    assert.equal(parseNote(at_limit).signatures.length, signatures_per_note_max);
    const over = `${at_limit}${at_limit.slice(at_limit.lastIndexOf("\u2014"))}`;
    assertCode(() => parseNote(over), "LOG_MALFORMED_NOTE");
  });

  test("refuses a note longer than the size limit", () => {
    const long_text = `${"x".repeat(note_bytes_max)}\n`;
    assertCode(() => parseNote(signNote(long_text, [signer])), "LOG_MALFORMED_NOTE");
  });
});

describe("openNote", () => {
  const bureau_pair = generateEd25519Key("synthetic.example/bureau");
  const bureau = ed25519Signer(bureau_pair.signer_key);
  const bureau_verifier = ed25519Verifier(bureau_pair.verifier_key);

  test("ignores signatures from unknown keys beside a valid known one", () => {
    const stranger = ed25519Signer(generateEd25519Key("synthetic.example/stranger").signer_key);
    const opened = openNote(signNote(text, [stranger, bureau]), [bureau_verifier]);
    assert.deepEqual(
      opened.verified.map((s) => s.name),
      ["synthetic.example/bureau"],
    );
    assert.deepEqual(
      opened.unverified.map((s) => s.name),
      ["synthetic.example/stranger"],
    );
  });

  test("refuses a note signed only by another key, even one with the same name", () => {
    const impostor = ed25519Signer(generateEd25519Key("synthetic.example/bureau").signer_key);
    assertCode(() => openNote(signNote(text, [impostor]), [bureau_verifier]), "LOG_UNKNOWN_KEY");
  });

  test("refuses a signature by another key that claims the known key's name and ID", () => {
    const impostor = ed25519Signer(generateEd25519Key("synthetic.example/bureau").signer_key);
    const forged: NoteSigner = { name: bureau.name, key_id: bureau.key_id, sign: (t) => impostor.sign(t) };
    assertCode(() => openNote(signNote(text, [forged]), [bureau_verifier]), "LOG_BAD_SIGNATURE");
  });

  test("refuses the whole note when one known signature fails, even if another verifies", () => {
    const witness_pair = generateEd25519Key("synthetic.example/other");
    const other = ed25519Signer(witness_pair.signer_key);
    const broken: NoteSigner = { name: other.name, key_id: other.key_id, sign: () => new Uint8Array(64) };
    assertCode(
      () =>
        openNote(signNote(text, [bureau, broken]), [
          bureau_verifier,
          ed25519Verifier(witness_pair.verifier_key),
        ]),
      "LOG_BAD_SIGNATURE",
    );
  });

  test("refuses altered text", () => {
    const note = signNote(text, [bureau]);
    assertCode(() => openNote(note.replace("some", "same"), [bureau_verifier]), "LOG_BAD_SIGNATURE");
  });

  test("refuses two verifiers with one name and key ID", () => {
    assertCode(
      () => openNote(signNote(text, [bureau]), [bureau_verifier, bureau_verifier]),
      "LOG_AMBIGUOUS_KEY",
    );
  });
});

describe("addSignatures", () => {
  test("appends new signatures and replaces an older one by the same key", () => {
    const a = ed25519Signer(generateEd25519Key("synthetic.example/a").signer_key);
    const b = ed25519Signer(generateEd25519Key("synthetic.example/b").signer_key);
    const signed = signNote(text, [a]);
    const b_signature = parseNote(signNote(text, [b])).signatures[0];
    assert.ok(b_signature);
    const twice = addSignatures(addSignatures(signed, [b_signature]), [b_signature]);
    assert.deepEqual(
      parseNote(twice).signatures.map((s) => s.name),
      ["synthetic.example/a", "synthetic.example/b"],
    );
    assert.equal(twice, signNote(text, [a, b]));
  });
});
