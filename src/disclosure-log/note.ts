// C2SP signed notes (c2sp.org/signed-note): text signed by keys, and Ed25519 keys in the
// "name+hash+base64" verifier key and "PRIVATE+KEY+name+hash+base64" signer key formats of
// golang.org/x/mod/sumdb/note, so that Go's note and witness tools read our keys and notes.

import { ed25519 } from "@noble/curves/ed25519.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { base64Decode, base64Encode, bytesEqual, concatBytes, isNoteSafeText, utf8Encode } from "./bytes.ts";
import { fail } from "./errors.ts";

/** Notes longer than this are refused before parsing; 16 post-quantum signatures still fit. */
export const note_bytes_max = 131_072;
/** The spec requires accepting at least 16 signatures; Go's note package stops at 100. */
export const signatures_per_note_max = 100;

/** Signature type byte of plain Ed25519 note signatures (c2sp.org/signed-note). */
export const signature_type_ed25519 = 0x01;

const ed25519_public_key_bytes = 32;
const ed25519_seed_bytes = 32;
const ed25519_signature_bytes = 64;
const key_id_bytes = 4;
const signature_line_prefix = "\u2014 ";
// Go's unicode.IsSpace: ASCII white space, NEL, NBSP and the Unicode space separators.
const unicode_space = /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
const key_id_hex = /^[0-9a-f]{8}$/;

/** One signature line: the key's name and ID, and the signature bytes that follow the ID. */
export interface NoteSignature {
  readonly name: string;
  readonly key_id: number;
  readonly signature: Uint8Array;
}

export interface Note {
  /** The signed text, ending in a newline. */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

/** A note whose signatures from known keys all verified. */
export interface OpenedNote {
  readonly text: string;
  /** Signatures from known keys, each verified. */
  readonly verified: readonly NoteSignature[];
  /** Signatures from keys the caller did not name; the spec says to ignore them. */
  readonly unverified: readonly NoteSignature[];
}

/** Checks signatures by one key; `signature` is the signature line's bytes after the key ID. */
export interface NoteVerifier {
  readonly name: string;
  readonly key_id: number;
  verify(text: Uint8Array, signature: Uint8Array): boolean;
}

/** Signs note text with one key; returns the bytes that follow the key ID on the signature line. */
export interface NoteSigner {
  readonly name: string;
  readonly key_id: number;
  sign(text: Uint8Array): Uint8Array;
}

/** A decoded verifier key string. */
export interface VerifierKey {
  readonly name: string;
  readonly key_id: number;
  readonly type: number;
  readonly public_key: Uint8Array;
}

/** A decoded signer key string of an Ed25519-based signature type. */
export interface SignerKey extends VerifierKey {
  readonly seed: Uint8Array;
}

export interface KeyPair {
  /** "PRIVATE+KEY+name+hash+base64(type ‖ seed)": secret, for the signer only. */
  readonly signer_key: string;
  /** "name+hash+base64(type ‖ public key)": public, for every verifier. */
  readonly verifier_key: string;
}

/** Key names are non-empty and contain neither Unicode spaces nor "+". */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && name.isWellFormed() && !unicode_space.test(name) && !name.includes("+");
}

/** key ID = SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4], read as a big-endian uint32. */
export function keyId(name: string, type: number, public_key: Uint8Array): number {
  const digest = sha256(concatBytes(utf8Encode(name), new Uint8Array([0x0a, type]), public_key));
  return new DataView(digest.buffer, digest.byteOffset).getUint32(0);
}

/** Parses a signed note's syntax without checking any signature. */
export function parseNote(message: string): Note {
  if (message.length > note_bytes_max || utf8Encode(message).length > note_bytes_max) {
    fail("LOG_MALFORMED_NOTE", "the note is too long", { bytes_max: note_bytes_max });
  }
  if (!isNoteSafeText(message)) {
    fail("LOG_MALFORMED_NOTE", "a note must be UTF-8 without control characters other than newline");
  }
  const split = message.lastIndexOf("\n\n");
  if (split < 0) fail("LOG_MALFORMED_NOTE", "the note has no blank line before its signatures");
  const text = message.slice(0, split + 1);
  const block = message.slice(split + 2);
  if (block === "" || !block.endsWith("\n")) {
    fail("LOG_MALFORMED_NOTE", "the signature block must hold lines that end in a newline");
  }
  const lines = block.slice(0, -1).split("\n");
  if (lines.length > signatures_per_note_max) {
    fail("LOG_MALFORMED_NOTE", "the note has too many signatures", {
      signatures_max: signatures_per_note_max,
    });
  }
  return { text, signatures: lines.map((line, i) => parseSignatureLine(line, i + 1)) };
}

function parseSignatureLine(line: string, line_number: number): NoteSignature {
  if (!line.startsWith(signature_line_prefix)) {
    fail("LOG_MALFORMED_NOTE", "a signature line must start with an em dash and a space", { line_number });
  }
  const rest = line.slice(signature_line_prefix.length);
  const space = rest.indexOf(" ");
  const name = space < 0 ? rest : rest.slice(0, space);
  const encoded = space < 0 ? "" : rest.slice(space + 1);
  const bytes = base64Decode(encoded);
  if (!isValidKeyName(name) || bytes === null || bytes.length <= key_id_bytes) {
    fail("LOG_MALFORMED_NOTE", "a signature line must be a key name and a base64 signature", { line_number });
  }
  const key_id = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0);
  return { name, key_id, signature: bytes.slice(key_id_bytes) };
}

/** Formats a signed note: the text, a blank line, then one line per signature. */
export function formatNote(note: Note): string {
  if (!note.text.endsWith("\n") || !isNoteSafeText(note.text)) {
    fail("LOG_MALFORMED_NOTE", "note text must end with a newline and hold no other control characters");
  }
  if (note.signatures.length === 0 || note.signatures.length > signatures_per_note_max) {
    fail("LOG_MALFORMED_NOTE", "a signed note carries at least one signature and at most the limit", {
      signatures_max: signatures_per_note_max,
    });
  }
  const lines = note.signatures.map((s) => {
    if (!isValidKeyName(s.name)) fail("LOG_MALFORMED_NOTE", "a key name is invalid");
    const id = new Uint8Array(key_id_bytes);
    new DataView(id.buffer).setUint32(0, s.key_id);
    return `${signature_line_prefix}${s.name} ${base64Encode(concatBytes(id, s.signature))}\n`;
  });
  return `${note.text}\n${lines.join("")}`;
}

/** Signs `text` with each signer and returns the signed note. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  const bytes = utf8Encode(text);
  const signatures = signers.map((s) => ({ name: s.name, key_id: s.key_id, signature: s.sign(bytes) }));
  return formatNote({ text, signatures });
}

/**
 * Adds signatures to a signed note. An existing signature by the same name and key ID is replaced,
 * as Go's note.Sign does, so that re-cosigning a checkpoint does not pile up lines.
 */
export function addSignatures(message: string, added: readonly NoteSignature[]): string {
  const note = parseNote(message);
  const replaced = (s: NoteSignature) => added.some((a) => a.name === s.name && a.key_id === s.key_id);
  return formatNote({
    text: note.text,
    signatures: [...note.signatures.filter((s) => !replaced(s)), ...added],
  });
}

/**
 * Parses a signed note and verifies every signature from a known key, as c2sp.org/signed-note
 * requires: a signature is from a known key when both its name and key ID match one; signatures
 * from unknown keys are ignored; one failing signature from a known key rejects the whole note;
 * and a note with no verified signature is rejected.
 */
export function openNote(message: string, verifiers: readonly NoteVerifier[]): OpenedNote {
  const note = parseNote(message);
  const known = new Map<string, NoteVerifier>();
  for (const v of verifiers) {
    const id = `${v.name}+${v.key_id}`;
    if (known.has(id)) {
      fail("LOG_AMBIGUOUS_KEY", "two verifier keys share a name and key ID", { key_name: v.name });
    }
    known.set(id, v);
  }
  const text = utf8Encode(note.text);
  const verified: NoteSignature[] = [];
  const unverified: NoteSignature[] = [];
  for (const s of note.signatures) {
    const verifier = known.get(`${s.name}+${s.key_id}`);
    if (verifier === undefined) {
      if (!unverified.some((u) => sameSignature(u, s))) unverified.push(s);
      continue;
    }
    if (!verifier.verify(text, s.signature)) {
      fail("LOG_BAD_SIGNATURE", "a signature from a known key does not verify", { key_name: s.name });
    }
    if (!verified.some((v) => v.name === s.name && v.key_id === s.key_id)) verified.push(s);
  }
  if (verified.length === 0) fail("LOG_UNKNOWN_KEY", "the note carries no signature from a known key");
  return { text: note.text, verified, unverified };
}

function sameSignature(a: NoteSignature, b: NoteSignature): boolean {
  return a.name === b.name && a.key_id === b.key_id && bytesEqual(a.signature, b.signature);
}

/** Encodes a verifier key string: name+hash+base64(type ‖ public key). */
export function encodeVerifierKey(name: string, type: number, public_key: Uint8Array): string {
  if (!isValidKeyName(name)) fail("LOG_MALFORMED_KEY", "a key name must be non-empty without spaces or '+'");
  const id = keyId(name, type, public_key);
  return `${name}+${hex8(id)}+${base64Encode(concatBytes(new Uint8Array([type]), public_key))}`;
}

/** Decodes a verifier key string and checks that its hash is the key ID of its name and key. */
export function decodeVerifierKey(vkey: string): VerifierKey {
  // Base64 itself contains "+", so only the first two "+" separate fields.
  const [name, after_name] = chop(vkey);
  const [hash, encoded] = chop(after_name ?? "");
  const key = encoded === undefined ? null : base64Decode(encoded);
  if (!isValidKeyName(name) || !key_id_hex.test(hash)) {
    fail("LOG_MALFORMED_KEY", "a verifier key must read name+hash+base64");
  }
  if (key === null || key.length < 2) fail("LOG_MALFORMED_KEY", "the verifier key material is not base64");
  const type = key[0] as number;
  const public_key = key.slice(1);
  const key_id = keyId(name, type, public_key);
  if (hex8(key_id) !== hash)
    fail("LOG_MALFORMED_KEY", "the verifier key hash does not match", { key_name: name });
  return { name, key_id, type, public_key };
}

/** Encodes a signer key string: PRIVATE+KEY+name+hash+base64(type ‖ seed), for Ed25519 types. */
export function encodeSignerKey(name: string, type: number, seed: Uint8Array): string {
  if (!isValidKeyName(name)) fail("LOG_MALFORMED_KEY", "a key name must be non-empty without spaces or '+'");
  const id = keyId(name, type, ed25519.getPublicKey(seed));
  return `PRIVATE+KEY+${name}+${hex8(id)}+${base64Encode(concatBytes(new Uint8Array([type]), seed))}`;
}

/**
 * Decodes a signer key string whose key material is a 32-byte Ed25519 seed, derives the public
 * key, and checks the hash against it, as Go's note.NewSigner does.
 */
export function decodeSignerKey(skey: string): SignerKey {
  const [private_word, after_private] = chop(skey);
  const [key_word, after_key] = chop(after_private ?? "");
  const [name, after_name] = chop(after_key ?? "");
  const [hash, encoded] = chop(after_name ?? "");
  const key = encoded === undefined ? null : base64Decode(encoded);
  const well_formed = private_word === "PRIVATE" && key_word === "KEY" && key_id_hex.test(hash);
  if (!well_formed || !isValidKeyName(name)) {
    fail("LOG_MALFORMED_KEY", "a signer key must read PRIVATE+KEY+name+hash+base64");
  }
  if (key === null || key.length !== 1 + ed25519_seed_bytes) {
    fail("LOG_MALFORMED_KEY", "the signer key material must be a type byte and a 32-byte seed");
  }
  const type = key[0] as number;
  const seed = key.slice(1);
  const public_key = ed25519.getPublicKey(seed);
  const key_id = keyId(name, type, public_key);
  if (hex8(key_id) !== hash)
    fail("LOG_MALFORMED_KEY", "the signer key hash does not match", { key_name: name });
  return { name, key_id, type, public_key, seed };
}

/** Generates an Ed25519 key pair of the given signature type for the named key. */
export function generateKeyPair(name: string, type: number): KeyPair {
  const { secretKey, publicKey } = ed25519.keygen();
  return {
    signer_key: encodeSignerKey(name, type, secretKey),
    verifier_key: encodeVerifierKey(name, type, publicKey),
  };
}

/** Generates a key pair for plain Ed25519 note signatures, such as the bureau's checkpoint key. */
export function generateEd25519Key(name: string): KeyPair {
  return generateKeyPair(name, signature_type_ed25519);
}

/** The verifier key string of an Ed25519 public key. */
export function ed25519VerifierKey(name: string, public_key: Uint8Array): string {
  if (public_key.length !== ed25519_public_key_bytes) fail("LOG_MALFORMED_KEY", "an Ed25519 key is 32 bytes");
  return encodeVerifierKey(name, signature_type_ed25519, public_key);
}

/** A verifier for plain Ed25519 note signatures from a verifier key string of type 0x01. */
export function ed25519Verifier(vkey: string): NoteVerifier {
  const key = decodeVerifierKey(vkey);
  const public_key = checkEd25519PublicKey(key, signature_type_ed25519);
  return {
    name: key.name,
    key_id: key.key_id,
    verify: (text, signature) => verifyEd25519(signature, text, public_key),
  };
}

/** A signer of plain Ed25519 note signatures from a signer key string of type 0x01. */
export function ed25519Signer(skey: string): NoteSigner {
  const key = decodeSignerKey(skey);
  if (key.type !== signature_type_ed25519)
    fail("LOG_MALFORMED_KEY", "the signer key is not a plain Ed25519 key");
  return { name: key.name, key_id: key.key_id, sign: (text) => ed25519.sign(text, key.seed) };
}

/** Checks that a decoded verifier key is a valid Ed25519 point of the expected type. */
export function checkEd25519PublicKey(key: VerifierKey, type: number): Uint8Array {
  if (key.type !== type)
    fail("LOG_MALFORMED_KEY", "the verifier key has another signature type", { type: key.type });
  if (
    key.public_key.length !== ed25519_public_key_bytes ||
    !ed25519.utils.isValidPublicKey(key.public_key, false)
  ) {
    fail("LOG_MALFORMED_KEY", "the verifier key is not an Ed25519 public key", { key_name: key.name });
  }
  return key.public_key;
}

/** RFC 8032 verification (not the more permissive ZIP-215 rules), as Go's crypto/ed25519 does. */
export function verifyEd25519(signature: Uint8Array, message: Uint8Array, public_key: Uint8Array): boolean {
  if (signature.length !== ed25519_signature_bytes) return false;
  try {
    return ed25519.verify(signature, message, public_key, { zip215: false });
  } catch {
    return false;
  }
}

/** Splits at the first "+": the text before it, and the text after it or undefined without one. */
function chop(text: string): [string, string | undefined] {
  const at = text.indexOf("+");
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, "0");
}
