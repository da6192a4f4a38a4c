// Checks a disclosure of the person's data in the browser, with the bureau's public verifier (shared with the
// server, see src/disclosure-log): the checkpoint carries the bureau's signature, the entry is a leaf of that
// checkpoint's tree, and the entry's subject commitment opens to the person's pseudonym with the given salt.
import { base64Decode } from "../../../src/disclosure-log/bytes.ts";
import { commitSubject, decodeEntry, type LogEntry } from "../../../src/disclosure-log/entry.ts";
import { DomainError } from "../../../src/disclosure-log/errors.ts";
import {
  decodeProof,
  type VerifiedCheckpoint,
  verifyCheckpoint,
  verifyEntryInclusion,
} from "../../../src/disclosure-log/verify.ts";
import type { DisclosureItem } from "../api/types.ts";

/** Codes of the checks made here rather than inside the log's verifier. */
export const browser_check_codes = {
  /** The entry's bytes are not base64. */
  ENTRY_NOT_BASE64: "ENTRY_NOT_BASE64",
  /** The entry states a sequence other than the leaf index it was proven at. */
  ENTRY_INDEX_MISMATCH: "ENTRY_INDEX_MISMATCH",
  /** The salt and the person's pseudonym do not open the entry's subject commitment: not about this person. */
  SUBJECT_COMMITMENT_MISMATCH: "SUBJECT_COMMITMENT_MISMATCH",
  /** Anything else went wrong while checking. */
  VERIFY_FAILED: "VERIFY_FAILED",
} as const;

export type Checked<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

function failure(error: unknown): { ok: false; code: string; message: string } {
  if (error instanceof DomainError) return { ok: false, code: error.code, message: error.message };
  return {
    ok: false,
    code: browser_check_codes.VERIFY_FAILED,
    message: error instanceof Error ? error.message : String(error),
  };
}

/** Verifies the bureau's signature on the checkpoint note every proof of the page leads to. */
export function checkCheckpoint(note: string, verifier_key: string): Checked<VerifiedCheckpoint> {
  try {
    return { ok: true, value: verifyCheckpoint(note, verifier_key) };
  } catch (error) {
    return failure(error);
  }
}

/** Verifies one disclosure against a verified checkpoint; the entry returned is decoded from the proven bytes. */
export function checkDisclosure(
  item: DisclosureItem,
  pseudonym: string,
  checkpoint: VerifiedCheckpoint,
): Checked<LogEntry> {
  try {
    const bytes = base64Decode(item.entry_bytes);
    if (bytes === null) {
      return { ok: false, code: browser_check_codes.ENTRY_NOT_BASE64, message: "the entry is not base64" };
    }
    const entry = decodeEntry(bytes);
    if (entry.sequence !== item.index) {
      return {
        ok: false,
        code: browser_check_codes.ENTRY_INDEX_MISMATCH,
        message: "the entry's sequence is not its leaf index",
      };
    }
    verifyEntryInclusion(bytes, item.index, decodeProof(item.inclusion_proof), checkpoint);
    if (commitSubject(item.salt, pseudonym) !== entry.subject_commitment) {
      return {
        ok: false,
        code: browser_check_codes.SUBJECT_COMMITMENT_MISMATCH,
        message: "the entry's subject commitment is not this person's",
      };
    }
    return { ok: true, value: entry };
  } catch (error) {
    return failure(error);
  }
}
