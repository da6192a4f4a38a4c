// The witness's decision for one observed checkpoint: cosign it, or raise an alarm with evidence.
// Pure logic; the caller fetches checkpoints and proofs, stores the state and serves cosignatures.

import type { Cosigner } from "./cosignature.ts";
import { DomainError } from "./errors.ts";
import type { NoteSignature, NoteVerifier } from "./note.ts";
import { addSignatures, parseNote } from "./note.ts";
import type { VerifiedCheckpoint } from "./verify.ts";
import { verifyCheckpoint, verifyCheckpointConsistency } from "./verify.ts";

/** What the witness remembers per log: the largest consistent checkpoint it has cosigned. */
export interface WitnessLogState {
  readonly origin: string;
  readonly size: number;
  readonly root_hash: Uint8Array;
  /** The bureau-signed note of that checkpoint, kept as evidence for any later alarm. */
  readonly note: string;
}

export interface WitnessObservation {
  /** The last accepted state for this log, or null the first time the witness sees it. */
  readonly previous: WitnessLogState | null;
  /** The checkpoint note just fetched from the bureau. */
  readonly note: string;
  /** The consistency proof from the previous size to the new one; ignored without a previous state. */
  readonly proof: readonly Uint8Array[];
  readonly bureau: NoteVerifier;
  readonly cosigner: Cosigner;
  /** The witness's clock, in POSIX seconds. */
  readonly now_s: number;
}

export type WitnessDecision =
  | {
      readonly kind: "cosign";
      /** The state to store in place of the previous one. */
      readonly state: WitnessLogState;
      readonly cosignature: NoteSignature;
      /** The bureau's note with the witness's cosignature added, for publishing. */
      readonly cosigned_note: string;
    }
  | {
      readonly kind: "alarm";
      /**
       * Why, as a stable error code: LOG_TREE_SHRANK (rollback), LOG_SPLIT_VIEW (two roots for one
       * size), LOG_CONSISTENCY_MISMATCH (a fork, or a wrong proof), LOG_PROOF_LENGTH or
       * LOG_MALFORMED_HASH (a malformed proof), LOG_BAD_SIGNATURE or LOG_UNKNOWN_KEY (not signed by
       * the bureau's key), LOG_MALFORMED_NOTE, LOG_MALFORMED_CHECKPOINT or LOG_ORIGIN_MISMATCH.
       */
      readonly code: string;
      readonly message: string;
      /** The signed notes that prove the problem to a third party, when they are signed. */
      readonly evidence: { readonly previous_note: string | null; readonly note: string };
    };

/**
 * Decides whether to cosign a newly observed checkpoint. The witness cosigns only a checkpoint
 * signed by the bureau that is consistent with the last one it cosigned; on first sight it trusts
 * the checkpoint. It re-cosigns an unchanged checkpoint with a fresh time, since a cosignature
 * states what the witness saw as of that time.
 */
export function witnessCheckpoint(observation: WitnessObservation): WitnessDecision {
  const { previous, note } = observation;
  let checkpoint: VerifiedCheckpoint;
  try {
    checkpoint = verifyCheckpoint(note, observation.bureau);
    if (previous !== null) verifyCheckpointConsistency(previous, checkpoint, observation.proof);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return {
      kind: "alarm",
      code: error.code,
      message: error.message,
      evidence: { previous_note: previous?.note ?? null, note },
    };
  }
  const cosignature = observation.cosigner.cosign(parseNote(note).text, observation.now_s);
  return {
    kind: "cosign",
    state: { origin: checkpoint.origin, size: checkpoint.size, root_hash: checkpoint.root_hash, note },
    cosignature,
    cosigned_note: addSignatures(note, [cosignature]),
  };
}
