// Tests for the witness's decisions: cosign a consistent checkpoint, alarm on everything else.

import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { cosignerFromKey, generateCosignerKey } from "./cosignature.ts";
import { ed25519Signer, ed25519Verifier, generateEd25519Key } from "./note.ts";
import { consistencyProof } from "./subtree-proofs.ts";
import { TestLog } from "./test-support.ts";
import { verifyWitnessedCheckpoint } from "./verify.ts";
import type { WitnessDecision, WitnessLogState, WitnessObservation } from "./witness-state.ts";
import { witnessCheckpoint } from "./witness-state.ts";

const origin = "synthetic.example/bureau-log";
const bureau_pair = generateEd25519Key(origin);
const bureau_signer = ed25519Signer(bureau_pair.signer_key);
const bureau = ed25519Verifier(bureau_pair.verifier_key);
const witness_pair = generateCosignerKey("synthetic.example/regulator-witness");
const cosigner = cosignerFromKey(witness_pair.signer_key);
const now_s = 1_714_550_400;

function observe(
  previous: WitnessLogState | null,
  note: string,
  proof: readonly Uint8Array[] = [],
): WitnessDecision {
  const observation: WitnessObservation = { previous, note, proof, bureau, cosigner, now_s };
  return witnessCheckpoint(observation);
}

function cosigned(decision: WitnessDecision): Extract<WitnessDecision, { kind: "cosign" }> {
  assert.equal(decision.kind, "cosign", decision.kind === "alarm" ? decision.code : "");
  return decision as Extract<WitnessDecision, { kind: "cosign" }>;
}

function alarmCode(decision: WitnessDecision): string {
  assert.equal(decision.kind, "alarm");
  return decision.kind === "alarm" ? decision.code : "";
}

describe("witnessCheckpoint", () => {
  test("cosigns the first checkpoint it sees, and the cosigned note verifies", () => {
    const log = new TestLog(bureau_signer).grow(5);
    const decision = cosigned(observe(null, log.checkpoint()));
    assert.equal(decision.state.size, 5);
    assert.deepEqual(decision.state.root_hash, log.store.root());
    const policy = { witness_keys: [witness_pair.verifier_key], quorum: 1 };
    const verified = verifyWitnessedCheckpoint(decision.cosigned_note, bureau_pair.verifier_key, policy);
    assert.deepEqual(
      verified.cosignatures.map((c) => c.time_s),
      [now_s],
    );
  });

  test("cosigns a grown log with a valid consistency proof and moves its state forward", async () => {
    const log = new TestLog(bureau_signer).grow(5);
    const first = cosigned(observe(null, log.checkpoint())).state;
    log.grow(9);
    const second = cosigned(observe(first, log.checkpoint(), await consistencyProof(log.store, 5, 14)));
    assert.equal(second.state.size, 14);
  });

  test("cosigns an unchanged checkpoint again, with a fresh time", () => {
    const log = new TestLog(bureau_signer).grow(5);
    const first = cosigned(observe(null, log.checkpoint())).state;
    assert.deepEqual(cosigned(observe(first, log.checkpoint())).state, first);
  });

  test("alarms on a rolled-back tree and keeps both notes as evidence", async () => {
    const log = new TestLog(bureau_signer).grow(5);
    const small = log.checkpoint();
    log.grow(5);
    const big = cosigned(observe(null, log.checkpoint())).state;
    const decision = observe(big, small);
    assert.equal(alarmCode(decision), "LOG_TREE_SHRANK");
    assert.deepEqual(decision.kind === "alarm" ? decision.evidence : null, {
      previous_note: big.note,
      note: small,
    });
  });

  test("alarms on a split view", () => {
    const seen = cosigned(observe(null, new TestLog(bureau_signer).grow(5).checkpoint())).state;
    const other = new TestLog(bureau_signer).grow(4).grow(1, "split").checkpoint();
    assert.equal(alarmCode(observe(seen, other)), "LOG_SPLIT_VIEW");
  });

  test("alarms on a fork whose proof does not connect the roots", async () => {
    const seen = cosigned(observe(null, new TestLog(bureau_signer).grow(5).checkpoint())).state;
    const fork = new TestLog(bureau_signer).grow(4).grow(6, "fork");
    const decision = observe(seen, fork.checkpoint(), await consistencyProof(fork.store, 5, 10));
    assert.equal(alarmCode(decision), "LOG_CONSISTENCY_MISMATCH");
  });

  test("alarms on a malformed proof", async () => {
    const log = new TestLog(bureau_signer).grow(5);
    const seen = cosigned(observe(null, log.checkpoint())).state;
    log.grow(6);
    const proof = await consistencyProof(log.store, 5, 11);
    assert.equal(alarmCode(observe(seen, log.checkpoint(), proof.slice(1))), "LOG_PROOF_LENGTH");
    assert.equal(
      alarmCode(observe(seen, log.checkpoint(), [new Uint8Array(3), ...proof.slice(1)])),
      "LOG_MALFORMED_HASH",
    );
  });

  test("alarms on a checkpoint not signed by the bureau, or tampered after signing", () => {
    const impostor = ed25519Signer(generateEd25519Key(origin).signer_key);
    assert.equal(alarmCode(observe(null, new TestLog(impostor).grow(5).checkpoint())), "LOG_UNKNOWN_KEY");
    const note = new TestLog(bureau_signer).grow(5).checkpoint();
    assert.equal(alarmCode(observe(null, note.replace("\n5\n", "\n6\n"))), "LOG_BAD_SIGNATURE");
    assert.equal(alarmCode(observe(null, "not a note")), "LOG_MALFORMED_NOTE");
  });
});
