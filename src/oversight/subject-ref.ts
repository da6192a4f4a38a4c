// The only way oversight output refers to a subject: a short prefix of a hash of the pseudonymous subject key.
import { createHash } from "node:crypto";

/** Hex characters kept: enough to tell subjects in one report apart, too few to look anyone up. */
export const subject_ref_hex_chars = 12;

export function subjectRef(subject_key: Uint8Array): string {
  return createHash("sha256").update(subject_key).digest("hex").slice(0, subject_ref_hex_chars);
}
