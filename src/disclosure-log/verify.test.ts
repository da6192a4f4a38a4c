// Tests of the public verifier against every attack in issue 5: tampered entries, proofs for the
// wrong index, truncated or padded proofs, checkpoints signed by another key, a rolled-back tree
// and a split view. Each one must be refused with its stable code.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { base64Encode } from "./bytes.ts";
import { formatCheckpoint } from "./checkpoint.ts";
import { cosignatureVerifier, cosignerFromKey, generateCosignerKey } from "./cosignature.ts";
import { commitSubject, decodeEntry, encodeEntry, generateSubjectSalt } from "./entry.ts";
import { leafHash } from "./merkle.ts";
import type { NoteSigner } from "./note.ts";
import { addSignatures, ed25519Signer, ed25519Verifier, generateEd25519Key, signNote } from "./note.ts";
import { consistencyProof, inclusionProof } from "./subtree-proofs.ts";
import { assertCode, syntheticEntry, TestLog } from "./test-support.ts";
import {
  decodeProof,
  proof_hashes_max,
  verifyCheckpoint,
  verifyCheckpointConsistency,
  verifyEntryInclusion,
  verifyWitnessedCheckpoint,
} from "./verify.ts";

const origin = "synthetic.example/bureau-log";
const bureau_pair = generateEd25519Key(origin);
const bureau = ed25519Signer(bureau_pair.signer_key);
const bureau_key = bureau_pair.verifier_key;

describe("verifyCheckpoint", () => {
  const log = new TestLog(bureau).grow(10);

  test("accepts the bureau's checkpoint and returns what it states", () => {
    const checkpoint = verifyCheckpoint(log.checkpoint(), bureau_key);
    assert.equal(checkpoint.origin, origin);
    assert.equal(checkpoint.size, 10);
    assert.deepEqual(checkpoint.root_hash, log.store.root());
    assert.equal(checkpoint.note, log.checkpoint());
  });

  test("refuses a checkpoint signed by another key of another name", () => {
    const other = ed25519Signer(generateEd25519Key("synthetic.example/other-log").signer_key);
    const note = signNote(formatCheckpoint(verifyCheckpoint(log.checkpoint(), bureau_key)), [other]);
    assertCode(() => verifyCheckpoint(note, bureau_key), "LOG_UNKNOWN_KEY");
  });

  test("refuses a checkpoint signed by another key that uses the bureau's name", () => {
    const impostor = ed25519Signer(generateEd25519Key(origin).signer_key);
    assertCode(
      () => verifyCheckpoint(new TestLog(impostor).grow(10).checkpoint(), bureau_key),
      "LOG_UNKNOWN_KEY",
    );
  });

  test("refuses a checkpoint whose signature line forges the bureau's key ID", () => {
    const impostor = ed25519Signer(generateEd25519Key(origin).signer_key);
    const forged: NoteSigner = { name: bureau.name, key_id: bureau.key_id, sign: (t) => impostor.sign(t) };
    assertCode(
      () => verifyCheckpoint(new TestLog(forged).grow(10).checkpoint(), bureau_key),
      "LOG_BAD_SIGNATURE",
    );
  });

  test("refuses a checkpoint whose size or root was changed after signing", () => {
    const note = log.checkpoint();
    assertCode(() => verifyCheckpoint(note.replace("\n10\n", "\n11\n"), bureau_key), "LOG_BAD_SIGNATURE");
    const other_root = base64Encode(new TestLog(bureau).grow(10, "other").store.root());
    const root_line = note.split("\n")[2] as string;
    assertCode(() => verifyCheckpoint(note.replace(root_line, other_root), bureau_key), "LOG_BAD_SIGNATURE");
  });

  test("refuses a validly signed checkpoint of another origin", () => {
    const text = formatCheckpoint({
      ...verifyCheckpoint(log.checkpoint(), bureau_key),
      origin: "synthetic.example/x",
    });
    assertCode(() => verifyCheckpoint(signNote(text, [bureau]), bureau_key), "LOG_ORIGIN_MISMATCH");
  });

  test("refuses a validly signed note that is not a checkpoint", () => {
    const note = signNote(`${origin}\nten\nnot a hash\n`, [bureau]);
    assertCode(() => verifyCheckpoint(note, bureau_key), "LOG_MALFORMED_CHECKPOINT");
  });

  test("refuses a malformed bureau key", () => {
    assertCode(() => verifyCheckpoint(log.checkpoint(), bureau_key.slice(0, -4)), "LOG_MALFORMED_KEY");
  });
});

describe("verifyEntryInclusion", () => {
  const log = new TestLog(bureau).grow(21);
  const checkpoint = verifyCheckpoint(log.checkpoint(), bureau_key);
  const entryAt = (index: number) => log.entries[index] as Uint8Array;

  test("accepts every entry with its proof", async () => {
    for (let index = 0; index < 21; index++) {
      verifyEntryInclusion(entryAt(index), index, await inclusionProof(log.store, index, 21), checkpoint);
    }
  });

  test("refuses a tampered entry", async () => {
    const proof = await inclusionProof(log.store, 4, 21);
    const original = decodeEntry(entryAt(4));
    const cheaper = encodeEntry({ ...original, price_minor: original.price_minor - 1n });
    const other_recipient = encodeEntry({ ...original, recipient: "lender-unlisted" });
    const flipped = entryAt(4).slice();
    flipped[10] = (flipped[10] as number) ^ 1;
    for (const tampered of [cheaper, other_recipient, flipped]) {
      assertCode(() => verifyEntryInclusion(tampered, 4, proof, checkpoint), "LOG_INCLUSION_MISMATCH");
    }
  });

  test("refuses a proof for another index", async () => {
    const proof_for_5 = await inclusionProof(log.store, 5, 21);
    assertCode(() => verifyEntryInclusion(entryAt(4), 4, proof_for_5, checkpoint), "LOG_INCLUSION_MISMATCH");
    assertCode(() => verifyEntryInclusion(entryAt(4), 5, proof_for_5, checkpoint), "LOG_INCLUSION_MISMATCH");
    // Leaf 20 is alone on the right edge, so its proof is shorter than leaf 4's.
    const proof_for_20 = await inclusionProof(log.store, 20, 21);
    assertCode(() => verifyEntryInclusion(entryAt(4), 4, proof_for_20, checkpoint), "LOG_PROOF_LENGTH");
  });

  test("refuses truncated and padded proofs", async () => {
    const proof = await inclusionProof(log.store, 4, 21);
    assertCode(() => verifyEntryInclusion(entryAt(4), 4, proof.slice(0, -1), checkpoint), "LOG_PROOF_LENGTH");
    assertCode(
      () => verifyEntryInclusion(entryAt(4), 4, [...proof, checkpoint.root_hash], checkpoint),
      "LOG_PROOF_LENGTH",
    );
    assertCode(() => verifyEntryInclusion(entryAt(4), 4, [], checkpoint), "LOG_PROOF_LENGTH");
  });

  test("refuses a proof against an older checkpoint's tree", async () => {
    const old_proof = await inclusionProof(log.store, 4, 20);
    assertCode(() => verifyEntryInclusion(entryAt(4), 4, old_proof, checkpoint), "LOG_INCLUSION_MISMATCH");
  });

  test("refuses an index outside the checkpoint's tree", async () => {
    const proof = await inclusionProof(log.store, 4, 21);
    assertCode(() => verifyEntryInclusion(entryAt(4), 21, proof, checkpoint), "LOG_INDEX_OUT_OF_RANGE");
    assertCode(() => verifyEntryInclusion(entryAt(4), -1, proof, checkpoint), "LOG_INDEX_OUT_OF_RANGE");
  });
});

describe("verifyCheckpointConsistency", () => {
  const log = new TestLog(bureau).grow(13);
  const older = verifyCheckpoint(log.checkpoint(), bureau_key);
  log.grow(19);
  const newer = verifyCheckpoint(log.checkpoint(), bureau_key);

  test("accepts a grown log with its consistency proof, and a checkpoint with itself", async () => {
    verifyCheckpointConsistency(older, newer, await consistencyProof(log.store, 13, 32));
    verifyCheckpointConsistency(newer, newer, []);
  });

  test("refuses a rolled-back tree", async () => {
    assertCode(() => verifyCheckpointConsistency(newer, older, []), "LOG_TREE_SHRANK");
    assertCode(() => verifyCheckpointConsistency(newer, older, [newer.root_hash]), "LOG_TREE_SHRANK");
  });

  test("refuses a split view: the bureau signed another tree of the same size", () => {
    const split = new TestLog(bureau).grow(12).grow(1, "split");
    const other = verifyCheckpoint(split.checkpoint(), bureau_key);
    assertCode(() => verifyCheckpointConsistency(older, other, []), "LOG_SPLIT_VIEW");
  });

  test("refuses a fork: a larger tree that rewrote an entry the older one held", async () => {
    const fork = new TestLog(bureau).grow(12).grow(20, "fork");
    const forked = verifyCheckpoint(fork.checkpoint(), bureau_key);
    const forked_proof = await consistencyProof(fork.store, 13, 32);
    assertCode(() => verifyCheckpointConsistency(older, forked, forked_proof), "LOG_CONSISTENCY_MISMATCH");
    const honest_proof = await consistencyProof(log.store, 13, 32);
    assertCode(() => verifyCheckpointConsistency(older, forked, honest_proof), "LOG_CONSISTENCY_MISMATCH");
  });

  test("refuses truncated, padded and altered proofs", async () => {
    const proof = await consistencyProof(log.store, 13, 32);
    assertCode(() => verifyCheckpointConsistency(older, newer, proof.slice(0, -1)), "LOG_PROOF_LENGTH");
    assertCode(
      () => verifyCheckpointConsistency(older, newer, [...proof, newer.root_hash]),
      "LOG_PROOF_LENGTH",
    );
    assertCode(() => verifyCheckpointConsistency(older, newer, []), "LOG_PROOF_LENGTH");
    const altered = [...proof.slice(0, -1), older.root_hash];
    assertCode(() => verifyCheckpointConsistency(older, newer, altered), "LOG_CONSISTENCY_MISMATCH");
  });

  test("refuses checkpoints of two different logs", () => {
    assertCode(
      () => verifyCheckpointConsistency(older, { ...newer, origin: "synthetic.example/other" }, []),
      "LOG_ORIGIN_MISMATCH",
    );
  });
});

describe("decodeProof", () => {
  test("decodes base64 hashes and refuses anything else", () => {
    const hash = new Uint8Array(32).fill(7);
    assert.deepEqual(decodeProof([base64Encode(hash)]), [hash]);
    assertCode(() => decodeProof([base64Encode(hash.slice(1))]), "LOG_MALFORMED_PROOF");
    assertCode(() => decodeProof(["not base64!"]), "LOG_MALFORMED_PROOF");
    assertCode(() => decodeProof([7 as unknown as string]), "LOG_MALFORMED_PROOF");
    assert.equal(decodeProof(Array(proof_hashes_max).fill(base64Encode(hash))).length, proof_hashes_max);
    assertCode(
      () => decodeProof(Array(proof_hashes_max + 1).fill(base64Encode(hash))),
      "LOG_MALFORMED_PROOF",
    );
  });
});

describe("verifyWitnessedCheckpoint", () => {
  const witness_pairs = [
    generateCosignerKey("synthetic.example/witness-1"),
    generateCosignerKey("synthetic.example/witness-2"),
  ];
  const witnesses = witness_pairs.map((p) => cosignerFromKey(p.signer_key));
  const witness_keys = witness_pairs.map((p) => p.verifier_key);
  const log = new TestLog(bureau).grow(5);
  const note = log.checkpoint();
  const text = formatCheckpoint(verifyCheckpoint(note, bureau_key));
  const time_s = 1_714_550_400;
  const cosigned = addSignatures(
    note,
    witnesses.map((w) => w.cosign(text, time_s)),
  );

  test("accepts a checkpoint cosigned by a quorum and reports each cosignature's time", () => {
    const checkpoint = verifyWitnessedCheckpoint(cosigned, bureau_key, { witness_keys, quorum: 2 });
    assert.equal(checkpoint.size, 5);
    assert.deepEqual(
      checkpoint.cosignatures.map((c) => [c.name, c.time_s]),
      [
        ["synthetic.example/witness-1", time_s],
        ["synthetic.example/witness-2", time_s],
      ],
    );
  });

  test("refuses too few cosignatures, and cosignatures from untrusted witnesses do not count", () => {
    const stranger = cosignerFromKey(generateCosignerKey("synthetic.example/stranger").signer_key);
    const one = addSignatures(
      note,
      [witnesses[0]?.cosign(text, time_s), stranger.cosign(text, time_s)].filter((s) => s !== undefined),
    );
    verifyWitnessedCheckpoint(one, bureau_key, { witness_keys, quorum: 1 });
    assertCode(
      () => verifyWitnessedCheckpoint(one, bureau_key, { witness_keys, quorum: 2 }),
      "LOG_COSIGNATURE_QUORUM",
    );
    assertCode(
      () => verifyWitnessedCheckpoint(note, bureau_key, { witness_keys, quorum: 3 }),
      "LOG_COSIGNATURE_QUORUM",
    );
  });

  test("refuses a cosignature copied from another checkpoint", () => {
    const other_note = new TestLog(bureau).grow(6).checkpoint();
    const other_text = formatCheckpoint(verifyCheckpoint(other_note, bureau_key));
    const copied = addSignatures(
      note,
      [witnesses[0]?.cosign(other_text, time_s)].filter((s) => s !== undefined),
    );
    assertCode(
      () => verifyWitnessedCheckpoint(copied, bureau_key, { witness_keys, quorum: 1 }),
      "LOG_BAD_SIGNATURE",
    );
  });

  test("refuses cosignatures dated in the future when given a clock", () => {
    const policy = { witness_keys, quorum: 2 };
    verifyWitnessedCheckpoint(cosigned, bureau_key, { ...policy, now_s: time_s });
    assertCode(
      () => verifyWitnessedCheckpoint(cosigned, bureau_key, { ...policy, now_s: time_s - 3_600 }),
      "LOG_COSIGNATURE_FUTURE",
    );
  });

  test("still requires the bureau's own signature", () => {
    const bureau_line_removed = cosigned.replace(/\u2014 synthetic\.example\/bureau-log [^\n]*\n/, "");
    assertCode(
      () => verifyWitnessedCheckpoint(bureau_line_removed, bureau_key, { witness_keys, quorum: 2 }),
      "LOG_UNKNOWN_KEY",
    );
  });

  test("accepts witness verifiers as well as key strings", () => {
    const verifiers = witness_keys.map(cosignatureVerifier);
    assert.equal(
      verifyWitnessedCheckpoint(cosigned, ed25519Verifier(bureau_key), { witness_keys: verifiers, quorum: 2 })
        .size,
      5,
    );
  });
});

describe("a disclosure proven end to end", () => {
  test("the subject finds their entry, checks its commitment, and proves it in a witnessed checkpoint", async () => {
    const salt = generateSubjectSalt();
    const pseudonym = "5a".repeat(32);
    const log = new TestLog(bureau).grow(3);
    const entry_bytes = encodeEntry({
      ...syntheticEntry(3),
      subject_commitment: commitSubject(salt, pseudonym),
    });
    log.entries.push(entry_bytes);
    log.store.append([leafHash(entry_bytes)]);
    log.grow(4);
    const witness = cosignerFromKey(generateCosignerKey("synthetic.example/regulator-witness").signer_key);
    const note = log.checkpoint();
    const text = formatCheckpoint(verifyCheckpoint(note, bureau_key));
    const published = addSignatures(note, [witness.cosign(text, 1_714_550_400)]);

    // What the subject's browser does with public data, the salt and its own pseudonym.
    const policy = { witness_keys: [witness.verifier_key], quorum: 1 };
    const checkpoint = verifyWitnessedCheckpoint(published, bureau_key, policy);
    const proof = await inclusionProof(log.store, 3, checkpoint.size);
    verifyEntryInclusion(entry_bytes, 3, proof, checkpoint);
    const entry = decodeEntry(entry_bytes);
    assert.equal(entry.sequence, 3);
    assert.equal(entry.subject_commitment, commitSubject(salt, pseudonym));
    assert.notEqual(entry.subject_commitment, commitSubject(generateSubjectSalt(), pseudonym));
  });
});
