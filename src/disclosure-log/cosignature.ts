// Witness cosignatures (c2sp.org/tlog-cosignature, Ed25519 cosignature/v1): a timestamped
// statement that the cosigner saw this checkpoint as the largest consistent tree of its log.

import { ed25519 } from "@noble/curves/ed25519.js";
import { concatBytes, utf8Encode } from "./bytes.ts";
import { fail } from "./errors.ts";
import { invariant } from "./invariant.ts";
import type { KeyPair, NoteSignature, NoteVerifier } from "./note.ts";
import {
  checkEd25519PublicKey,
  decodeSignerKey,
  decodeVerifierKey,
  encodeVerifierKey,
  generateKeyPair,
  verifyEd25519,
} from "./note.ts";

/** Signature type byte of timestamped Ed25519 cosignatures (c2sp.org/signed-note). */
export const signature_type_cosignature_v1 = 0x04;

const timestamp_bytes = 8;
const ed25519_signature_bytes = 64;

/** Signs checkpoints as a witness; `time_s` is the POSIX time the cosignature states. */
export interface Cosigner {
  readonly name: string;
  readonly key_id: number;
  /** The verifier key string to publish for this cosigner. */
  readonly verifier_key: string;
  cosign(checkpoint_text: string, time_s: number): NoteSignature;
}

/**
 * The message a cosignature signs: "cosignature/v1\n", "time <t>\n", then the whole checkpoint
 * note text including its final newline, with <t> in decimal without leading zeros.
 */
export function cosignatureMessage(checkpoint_text: string, time_s: number): Uint8Array {
  return concatBytes(messageHeader(time_s), utf8Encode(checkpoint_text));
}

function messageHeader(time_s: number): Uint8Array {
  invariant(
    Number.isSafeInteger(time_s) && time_s >= 0,
    "a cosignature time is whole non-negative POSIX seconds",
  );
  return utf8Encode(`cosignature/v1\ntime ${time_s}\n`);
}

/** Generates a witness key pair of signature type 0x04. */
export function generateCosignerKey(name: string): KeyPair {
  return generateKeyPair(name, signature_type_cosignature_v1);
}

/** A cosigner from a signer key string of type 0x04. */
export function cosignerFromKey(skey: string): Cosigner {
  const key = decodeSignerKey(skey);
  if (key.type !== signature_type_cosignature_v1) {
    fail("LOG_MALFORMED_KEY", "the signer key is not a cosignature/v1 key");
  }
  return {
    name: key.name,
    key_id: key.key_id,
    verifier_key: encodeVerifierKey(key.name, key.type, key.public_key),
    cosign: (checkpoint_text, time_s) => {
      const signature = ed25519.sign(cosignatureMessage(checkpoint_text, time_s), key.seed);
      const timestamp = new Uint8Array(timestamp_bytes);
      new DataView(timestamp.buffer).setBigUint64(0, BigInt(time_s));
      return { name: key.name, key_id: key.key_id, signature: concatBytes(timestamp, signature) };
    },
  };
}

/** A note verifier for cosignatures from a verifier key string of type 0x04. */
export function cosignatureVerifier(vkey: string): NoteVerifier {
  const key = decodeVerifierKey(vkey);
  const public_key = checkEd25519PublicKey(key, signature_type_cosignature_v1);
  return {
    name: key.name,
    key_id: key.key_id,
    verify: (text, signature) => {
      const time_s = cosignatureTime(signature);
      if (time_s === null) return false;
      const message = concatBytes(messageHeader(time_s), text);
      return verifyEd25519(signature.slice(timestamp_bytes), message, public_key);
    },
  };
}

/**
 * The timestamp of a cosignature's signature bytes (after the key ID), or null if they are not a
 * timestamped Ed25519 signature. The spec caps timestamps at 2^63 - 1 and lets verifiers refuse
 * future ones; times beyond 2^53 - 1 seconds are both, so they are refused here too.
 */
export function cosignatureTime(signature: Uint8Array): number | null {
  if (signature.length !== timestamp_bytes + ed25519_signature_bytes) return null;
  const time = new DataView(signature.buffer, signature.byteOffset).getBigUint64(0);
  return time <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(time) : null;
}
