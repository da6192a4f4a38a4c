// The disclosure log's public surface: Merkle hashing and proofs, signed checkpoints, witness
// cosignatures, the public verifier, and the canonical log entry.

export { base64Decode, base64Encode, hexDecode, hexEncode } from "./bytes.ts";
export type { Checkpoint, TreeHead } from "./checkpoint.ts";
export {
  extension_line_bytes_max,
  extension_lines_max,
  formatCheckpoint,
  origin_bytes_max,
  parseCheckpoint,
  signCheckpoint,
} from "./checkpoint.ts";
export type { AppendResult, SubtreeNode } from "./compact-range.ts";
export { CompactRange } from "./compact-range.ts";
export type { Cosigner } from "./cosignature.ts";
export {
  cosignatureMessage,
  cosignatureTime,
  cosignatureVerifier,
  cosignerFromKey,
  generateCosignerKey,
  signature_type_cosignature_v1,
} from "./cosignature.ts";
export type { FurnisherContribution, LogEntry, Product } from "./entry.ts";
export {
  commitSubject,
  decodeEntry,
  encodeEntry,
  entry_bytes_max,
  furnishers_per_entry_max,
  generateSubjectSalt,
  products,
  subject_salt_bytes,
} from "./entry.ts";
export type { LogErrorCode } from "./errors.ts";
export { DomainError, log_error_codes } from "./errors.ts";
export { InvariantError } from "./invariant.ts";
export { MemorySubtreeStore } from "./memory-subtree-store.ts";
export {
  consistencyProofLength,
  emptyRootHash,
  hash_bytes,
  inclusionProofLength,
  leafHash,
  nodeHash,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from "./merkle.ts";
export type {
  KeyPair,
  Note,
  NoteSignature,
  NoteSigner,
  NoteVerifier,
  OpenedNote,
  SignerKey,
  VerifierKey,
} from "./note.ts";
export {
  addSignatures,
  decodeSignerKey,
  decodeVerifierKey,
  ed25519Signer,
  ed25519Verifier,
  ed25519VerifierKey,
  encodeSignerKey,
  encodeVerifierKey,
  formatNote,
  generateEd25519Key,
  generateKeyPair,
  isValidKeyName,
  keyId,
  note_bytes_max,
  openNote,
  parseNote,
  signature_type_ed25519,
  signatures_per_note_max,
  signNote,
} from "./note.ts";
export type { SubtreeHashReader, SubtreeKey } from "./subtree-proofs.ts";
export { consistencyProof, frontierKeys, inclusionProof, rangeKeys, rootAt } from "./subtree-proofs.ts";
export type { VerifiedCheckpoint, WitnessCosignature, WitnessedCheckpoint, WitnessPolicy } from "./verify.ts";
export {
  cosignature_clock_skew_s_max,
  decodeProof,
  proof_hashes_max,
  verifyCheckpoint,
  verifyCheckpointConsistency,
  verifyEntryInclusion,
  verifyWitnessedCheckpoint,
} from "./verify.ts";
export type { WitnessDecision, WitnessLogState, WitnessObservation } from "./witness-state.ts";
export { witnessCheckpoint } from "./witness-state.ts";
