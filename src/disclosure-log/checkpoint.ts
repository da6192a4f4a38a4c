// Checkpoints (c2sp.org/tlog-checkpoint): the note text that states a log's size and root hash.

import { base64Decode, base64Encode, bytesEqual, isNoteSafeText, utf8Encode } from "./bytes.ts";
import { fail } from "./errors.ts";
import { emptyRootHash, hash_bytes } from "./merkle.ts";
import type { NoteSigner } from "./note.ts";
import { signNote } from "./note.ts";

export const origin_bytes_max = 256;
export const extension_lines_max = 16;
export const extension_line_bytes_max = 1_024;

const tree_size_pattern = /^(?:0|[1-9][0-9]*)$/;

export interface Checkpoint {
  /** Names the log; the bureau's key name is the same string. */
  readonly origin: string;
  /** The number of leaves in the tree. */
  readonly size: number;
  /** The RFC 9162 root hash of the tree of `size` leaves. */
  readonly root_hash: Uint8Array;
  /** Opaque extension lines; the spec discourages them, so our log writes none. */
  readonly extensions: readonly string[];
}

/** The part of a checkpoint that proofs are checked against. */
export type TreeHead = Pick<Checkpoint, "origin" | "size" | "root_hash">;

/** Formats the checkpoint's note text, ending in a newline. */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const text = [
    checkpoint.origin,
    String(checkpoint.size),
    base64Encode(checkpoint.root_hash),
    ...checkpoint.extensions,
    "",
  ].join("\n");
  // Parsing what we format applies every rule of the spec in one place.
  parseCheckpoint(text);
  return text;
}

/** Parses and strictly validates checkpoint note text (the signed text, without signatures). */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith("\n")) malformed("the checkpoint text must end with a newline");
  if (!isNoteSafeText(text)) {
    malformed("a checkpoint must be UTF-8 without control characters other than newline");
  }
  const lines = text.slice(0, -1).split("\n");
  const [origin, size_line, root_line, ...extensions] = lines;
  if (origin === undefined || size_line === undefined || root_line === undefined) {
    return malformed("a checkpoint has at least three lines");
  }
  if (lines.some((line) => line === "")) malformed("checkpoint lines must not be empty");
  if (utf8Encode(origin).length > origin_bytes_max) {
    malformed("the origin is too long", { bytes_max: origin_bytes_max });
  }
  if (!tree_size_pattern.test(size_line) || !Number.isSafeInteger(Number(size_line))) {
    malformed("the tree size must be a decimal integer without leading zeros, below 2^53");
  }
  const size = Number(size_line);
  const root_hash = base64Decode(root_line);
  if (root_hash === null || root_hash.length !== hash_bytes) {
    return malformed("the root hash must be 32 bytes of canonical base64");
  }
  if (size === 0 && !bytesEqual(root_hash, emptyRootHash())) {
    malformed("an empty tree's root hash must be SHA-256 of the empty string");
  }
  if (extensions.length > extension_lines_max) {
    malformed("the checkpoint has too many extension lines", { lines_max: extension_lines_max });
  }
  if (extensions.some((line) => utf8Encode(line).length > extension_line_bytes_max)) {
    malformed("an extension line is too long", { bytes_max: extension_line_bytes_max });
  }
  return { origin, size, root_hash, extensions };
}

/** Formats the checkpoint and signs it: the signed note the log publishes. */
export function signCheckpoint(checkpoint: Checkpoint, signer: NoteSigner): string {
  if (signer.name !== checkpoint.origin) {
    fail("LOG_ORIGIN_MISMATCH", "the log's key name must be its checkpoint origin", {
      key_name: signer.name,
    });
  }
  return signNote(formatCheckpoint(checkpoint), [signer]);
}

function malformed(message: string, details?: Record<string, unknown>): never {
  return fail("LOG_MALFORMED_CHECKPOINT", message, details);
}
