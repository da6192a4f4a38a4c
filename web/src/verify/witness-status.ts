// Reads the witness status of a checkpoint note in the browser: whether the bureau's signature verifies, and which
// other keys (the witnesses) added cosignature lines, with the time each cosignature states.
import { cosignatureTime } from "../../../src/disclosure-log/cosignature.ts";
import { parseNote } from "../../../src/disclosure-log/note.ts";
import type { VerifiedCheckpoint } from "../../../src/disclosure-log/verify.ts";
import { type Checked, checkCheckpoint } from "./verify-disclosure.ts";

export interface Cosignature {
  readonly name: string;
  /** Seconds since the epoch the cosignature states, or null when the line is not a timestamped cosignature. */
  readonly time_s: number | null;
}

export interface WitnessStatus {
  readonly checkpoint: Checked<VerifiedCheckpoint>;
  readonly cosignatures: readonly Cosignature[];
}

export function witnessStatus(note: string, verifier_key: string, origin: string): WitnessStatus {
  const checkpoint = checkCheckpoint(note, verifier_key);
  if (!checkpoint.ok) return { checkpoint, cosignatures: [] };
  const cosignatures = parseNote(note)
    .signatures.filter((signature) => signature.name !== origin)
    .map((signature) => ({ name: signature.name, time_s: cosignatureTime(signature.signature) }));
  return { checkpoint, cosignatures };
}
