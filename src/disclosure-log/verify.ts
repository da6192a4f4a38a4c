// The verifier that regulators, lenders and data subjects run on public data alone: the bureau's
// verifier key, signed checkpoints, entries and proofs. It runs unchanged in Node and the browser.

import { base64Decode } from "./bytes.ts";
import type { Checkpoint, TreeHead } from "./checkpoint.ts";
import { parseCheckpoint } from "./checkpoint.ts";
import { cosignatureTime, cosignatureVerifier } from "./cosignature.ts";
import { fail } from "./errors.ts";
import { hash_bytes, leafHash, verifyConsistency, verifyInclusion } from "./merkle.ts";
import type { NoteVerifier } from "./note.ts";
import { ed25519Verifier, openNote } from "./note.ts";

/** More hashes than any proof in a tree below 2^53 leaves can need. */
export const proof_hashes_max = 128;
/** How far ahead of the verifier's clock a cosignature may be dated. */
export const cosignature_clock_skew_s_max = 300;

/** A checkpoint whose note carried a valid signature by the bureau's key. */
export interface VerifiedCheckpoint extends Checkpoint {
  /** The signed note it came from, kept as evidence. */
  readonly note: string;
}

export interface WitnessPolicy {
  /** Verifier key strings (type 0x04) or verifiers of the witnesses the verifier trusts. */
  readonly witness_keys: readonly (string | NoteVerifier)[];
  /** How many of those witnesses must have cosigned. */
  readonly quorum: number;
  /** The verifier's clock; when given, cosignatures dated after it (plus a small skew) are refused. */
  readonly now_s?: number;
}

export interface WitnessCosignature {
  readonly name: string;
  readonly key_id: number;
  readonly time_s: number;
}

export interface WitnessedCheckpoint extends VerifiedCheckpoint {
  /** The trusted witnesses whose cosignatures verified. */
  readonly cosignatures: readonly WitnessCosignature[];
}

/**
 * Verifies the bureau's signature on a checkpoint note and parses the checkpoint. The bureau's key
 * name must be the checkpoint's origin, so one log's checkpoint cannot pass for another's.
 * Errors: LOG_MALFORMED_NOTE, LOG_MALFORMED_KEY, LOG_BAD_SIGNATURE, LOG_UNKNOWN_KEY,
 * LOG_MALFORMED_CHECKPOINT, LOG_ORIGIN_MISMATCH.
 */
export function verifyCheckpoint(note: string, bureau_key: string | NoteVerifier): VerifiedCheckpoint {
  return verifySigned(note, asBureauVerifier(bureau_key), []).checkpoint;
}

/**
 * Verifies a checkpoint signed by the bureau and cosigned by at least `quorum` trusted witnesses.
 * Errors: those of verifyCheckpoint, and LOG_COSIGNATURE_QUORUM, LOG_COSIGNATURE_FUTURE.
 */
export function verifyWitnessedCheckpoint(
  note: string,
  bureau_key: string | NoteVerifier,
  policy: WitnessPolicy,
): WitnessedCheckpoint {
  if (
    !Number.isSafeInteger(policy.quorum) ||
    policy.quorum < 0 ||
    policy.quorum > policy.witness_keys.length
  ) {
    fail("LOG_COSIGNATURE_QUORUM", "the quorum must be between 0 and the number of trusted witnesses", {
      quorum: policy.quorum,
      witnesses: policy.witness_keys.length,
    });
  }
  const witnesses = policy.witness_keys.map((k) => (typeof k === "string" ? cosignatureVerifier(k) : k));
  const { checkpoint, verified } = verifySigned(note, asBureauVerifier(bureau_key), witnesses);
  const cosignatures: WitnessCosignature[] = [];
  for (const s of verified) {
    if (!witnesses.some((w) => w.name === s.name && w.key_id === s.key_id)) continue;
    const time_s = cosignatureTime(s.signature);
    if (time_s === null)
      fail("LOG_BAD_SIGNATURE", "a cosignature has no valid timestamp", { key_name: s.name });
    if (policy.now_s !== undefined && time_s > policy.now_s + cosignature_clock_skew_s_max) {
      fail("LOG_COSIGNATURE_FUTURE", "a cosignature is dated in the future", { key_name: s.name, time_s });
    }
    cosignatures.push({ name: s.name, key_id: s.key_id, time_s });
  }
  if (cosignatures.length < policy.quorum) {
    fail("LOG_COSIGNATURE_QUORUM", "too few trusted witnesses cosigned the checkpoint", {
      quorum: policy.quorum,
      cosignatures: cosignatures.length,
    });
  }
  return { ...checkpoint, cosignatures };
}

/**
 * Verifies that `entry_bytes` is leaf `index` of the checkpoint's tree.
 * Errors: LOG_MALFORMED_HASH, LOG_INDEX_OUT_OF_RANGE, LOG_PROOF_LENGTH, LOG_INCLUSION_MISMATCH.
 */
export function verifyEntryInclusion(
  entry_bytes: Uint8Array,
  index: number,
  proof: readonly Uint8Array[],
  checkpoint: TreeHead,
): void {
  verifyInclusion(leafHash(entry_bytes), index, checkpoint.size, proof, checkpoint.root_hash);
}

/**
 * Verifies that `newer` extends `older`: same log, not smaller, the same root at the same size,
 * and a valid consistency proof otherwise.
 * Errors: LOG_ORIGIN_MISMATCH, LOG_TREE_SHRANK, LOG_SPLIT_VIEW, LOG_PROOF_LENGTH,
 * LOG_MALFORMED_HASH, LOG_CONSISTENCY_MISMATCH.
 */
export function verifyCheckpointConsistency(
  older: TreeHead,
  newer: TreeHead,
  proof: readonly Uint8Array[],
): void {
  if (older.origin !== newer.origin) fail("LOG_ORIGIN_MISMATCH", "the checkpoints are from different logs");
  if (newer.size < older.size) {
    fail("LOG_TREE_SHRANK", "the newer checkpoint has a smaller tree: the log was rolled back", {
      older_size: older.size,
      newer_size: newer.size,
    });
  }
  verifyConsistency(older.size, newer.size, proof, older.root_hash, newer.root_hash);
}

/** Decodes a proof sent as base64 hashes. Errors: LOG_MALFORMED_PROOF. */
export function decodeProof(hashes: readonly string[]): Uint8Array[] {
  if (!Array.isArray(hashes) || hashes.length > proof_hashes_max) {
    fail("LOG_MALFORMED_PROOF", "a proof is a list of at most 128 hashes", { hashes_max: proof_hashes_max });
  }
  return hashes.map((h, position) => {
    const bytes = typeof h === "string" ? base64Decode(h) : null;
    if (bytes === null || bytes.length !== hash_bytes) {
      fail("LOG_MALFORMED_PROOF", "a proof hash is not 32 bytes of canonical base64", { position });
    }
    return bytes;
  });
}

function asBureauVerifier(key: string | NoteVerifier): NoteVerifier {
  return typeof key === "string" ? ed25519Verifier(key) : key;
}

function verifySigned(note: string, bureau: NoteVerifier, witnesses: readonly NoteVerifier[]) {
  const opened = openNote(note, [bureau, ...witnesses]);
  if (!opened.verified.some((s) => s.name === bureau.name && s.key_id === bureau.key_id)) {
    fail("LOG_UNKNOWN_KEY", "the checkpoint is not signed by the bureau's key", { key_name: bureau.name });
  }
  const parsed = parseCheckpoint(opened.text);
  if (parsed.origin !== bureau.name) {
    fail("LOG_ORIGIN_MISMATCH", "the checkpoint's origin is not the bureau's key name", {
      key_name: bureau.name,
    });
  }
  return { checkpoint: { ...parsed, note }, verified: opened.verified };
}
