// The disclosure log's error type and the catalogue of its stable error codes.

/** Every code the disclosure log can raise, with what it means. Codes are stable forever. */
export const log_error_codes = {
  LOG_MALFORMED_HASH: "a hash is not 32 bytes",
  LOG_INDEX_OUT_OF_RANGE: "a leaf index is negative, not an integer, or not below the tree size",
  LOG_SIZE_OUT_OF_RANGE: "a tree size is negative, not an integer, or the sizes of a range are reversed",
  LOG_PROOF_LENGTH: "a proof has more or fewer hashes than its tree sizes require",
  LOG_MALFORMED_PROOF: "a proof is not a list of base64 SHA-256 hashes",
  LOG_INCLUSION_MISMATCH: "an inclusion proof does not lead from the entry to the checkpoint's root",
  LOG_CONSISTENCY_MISMATCH:
    "a consistency proof does not connect the two roots: the log forked or the proof is wrong",
  LOG_TREE_SHRANK: "a newer checkpoint has a smaller tree than an older one: the log was rolled back",
  LOG_SPLIT_VIEW: "two checkpoints of the same size have different roots: the log shows different views",
  LOG_MALFORMED_NOTE: "a signed note breaks the c2sp.org/signed-note format",
  LOG_MALFORMED_CHECKPOINT: "a checkpoint breaks the c2sp.org/tlog-checkpoint format",
  LOG_MALFORMED_KEY: "a signer or verifier key string is malformed or its key ID does not match",
  LOG_AMBIGUOUS_KEY: "two configured verifier keys share a name and key ID",
  LOG_BAD_SIGNATURE: "a signature from a known key does not verify",
  LOG_UNKNOWN_KEY: "no signature from the expected key is on the note",
  LOG_ORIGIN_MISMATCH: "a checkpoint's origin is not the log it was expected from",
  LOG_COSIGNATURE_FUTURE: "a cosignature is dated in the future",
  LOG_COSIGNATURE_QUORUM: "fewer witnesses cosigned a checkpoint than the policy requires",
  LOG_MALFORMED_ENTRY: "a log entry is invalid or not in its canonical encoding",
  LOG_MALFORMED_SALT: "a subject commitment salt is not 32 bytes of lowercase hex",
  LOG_MALFORMED_PSEUDONYM: "a subject pseudonym is not 32 bytes of lowercase hex",
} as const;

export type LogErrorCode = keyof typeof log_error_codes;

export class DomainError extends Error {
  readonly code: string;
  readonly details?: Record<string, unknown>;

  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = "DomainError";
    this.code = code;
    if (details !== undefined) this.details = details;
  }
}

/** Throws a DomainError whose code is in the catalogue above, so a typo cannot mint a new code. */
export function fail(code: LogErrorCode, message: string, details?: Record<string, unknown>): never {
  throw new DomainError(code, message, details);
}
