// A disclosure log entry and its canonical bytes: the exact bytes that become a Merkle leaf.
//
// The encoding is canonical JSON (sorted keys, no white space, UTF-8) and decoding accepts only
// that encoding, so one entry has one byte string and one leaf hash. The entry names no person:
// the subject appears as SHA-256(salt ‖ pseudonym), and only the subject is given the salt.

import { sha256 } from "@noble/hashes/sha2.js";
import { randomBytes } from "@noble/hashes/utils.js";
import { z } from "zod";
import { bytesEqual, concatBytes, hexDecode, hexEncode, utf8Decode, utf8Encode } from "./bytes.ts";
import { canonicalJson } from "./canonical-json.ts";
import { fail } from "./errors.ts";

export const entry_bytes_max = 65_536;
export const furnishers_per_entry_max = 256;
export const subject_salt_bytes = 32;
const pseudonym_bytes = 32;

export const products = ["report", "score", "report+score", "alert"] as const;
export type Product = (typeof products)[number];

/** A furnisher whose records went into the disclosure, and how many of them. */
export interface FurnisherContribution {
  readonly institution: string;
  readonly records: number;
}

export interface LogEntry {
  /** The entry's position in the log, which is also its leaf index. */
  readonly sequence: number;
  /** When the disclosure happened: ISO 8601 UTC with milliseconds, e.g. 2024-05-01T08:00:00.000Z. */
  readonly time: string;
  /** The institution that received the data. */
  readonly recipient: string;
  readonly product: Product;
  /** The stated purpose code of the query. */
  readonly purpose: string;
  /** SHA-256 of the signed consent, lowercase hex. */
  readonly consent_sha256: string;
  /** commitSubject(salt, pseudonym), lowercase hex. */
  readonly subject_commitment: string;
  /** Contributing furnishers; encodeEntry sorts them by institution. */
  readonly furnishers: readonly FurnisherContribution[];
  /** The price in minor units of `currency`. */
  readonly price_minor: bigint;
  /** ISO 4217 code. */
  readonly currency: string;
}

const sha256_hex = z.string().regex(/^[0-9a-f]{64}$/);
const printable_ascii = (length_max: number) =>
  z.string().regex(new RegExp(`^[\\x21-\\x7e]{1,${length_max}}$`));
const iso_utc_ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The entry as it appears in JSON: the price is a decimal string, since JSON numbers lose bigints. */
const wire_entry_schema = z.strictObject({
  consent_sha256: sha256_hex,
  currency: z.string().regex(/^[A-Z]{3}$/),
  furnishers: z
    .array(z.strictObject({ institution: printable_ascii(128), records: z.number().int().min(1) }))
    .max(furnishers_per_entry_max)
    .refine((list) => list.every((f, i) => i === 0 || (list[i - 1]?.institution ?? "") < f.institution), {
      message: "furnishers must be sorted by institution without repeats",
    }),
  price_minor: z.string().regex(/^(?:0|[1-9][0-9]{0,29})$/),
  product: z.enum(products),
  purpose: printable_ascii(64),
  recipient: printable_ascii(128),
  sequence: z.number().int().min(0),
  subject_commitment: sha256_hex,
  time: z
    .string()
    .regex(iso_utc_ms)
    .refine((t) => !Number.isNaN(Date.parse(t)) && new Date(t).toISOString() === t, {
      message: "not a real UTC time",
    }),
});
type WireEntry = z.infer<typeof wire_entry_schema>;

/** The entry's fields as they go on the wire: furnishers sorted by institution, the price as a string. */
function wireFields(entry: LogEntry): Record<keyof WireEntry, unknown> {
  return {
    consent_sha256: entry.consent_sha256,
    currency: entry.currency,
    furnishers: [...entry.furnishers]
      .map((f) => ({ institution: f.institution, records: f.records }))
      .sort((a, b) => (a.institution < b.institution ? -1 : a.institution > b.institution ? 1 : 0)),
    price_minor: typeof entry.price_minor === "bigint" ? entry.price_minor.toString() : entry.price_minor,
    product: entry.product,
    purpose: entry.purpose,
    recipient: entry.recipient,
    sequence: entry.sequence,
    subject_commitment: entry.subject_commitment,
    time: entry.time,
  };
}

/** The canonical bytes of an entry. Errors: LOG_MALFORMED_ENTRY, naming the field but never its value. */
export function encodeEntry(entry: LogEntry): Uint8Array {
  return serialize(validate(wireFields(entry)));
}

/**
 * The canonical bytes of an entry whose fields encodeEntry has already accepted, with its sequence now
 * known: the sequencer re-encodes queued disclosures this way, without validating them a second time.
 */
export function encodeAcceptedEntry(entry: LogEntry): Uint8Array {
  if (!Number.isSafeInteger(entry.sequence) || entry.sequence < 0) {
    malformed("the entry has an invalid field", { field: "sequence", issue: "invalid" });
  }
  return serialize(wireFields(entry) as WireEntry);
}

/**
 * Canonical JSON of accepted fields, written directly: the keys appear in sorted order and every value is
 * printable ASCII or a safe integer, so JSON.stringify yields exactly what canonicalJson would.
 */
function serialize(wire: WireEntry): Uint8Array {
  return utf8Encode(
    JSON.stringify({
      consent_sha256: wire.consent_sha256,
      currency: wire.currency,
      furnishers: wire.furnishers.map((f) => ({ institution: f.institution, records: f.records })),
      price_minor: wire.price_minor,
      product: wire.product,
      purpose: wire.purpose,
      recipient: wire.recipient,
      sequence: wire.sequence,
      subject_commitment: wire.subject_commitment,
      time: wire.time,
    }),
  );
}

/** Decodes canonical entry bytes. Errors: LOG_MALFORMED_ENTRY, naming the field but never its value. */
export function decodeEntry(bytes: Uint8Array): LogEntry {
  if (bytes.length > entry_bytes_max) malformed("the entry is too long", { bytes_max: entry_bytes_max });
  const text = utf8Decode(bytes);
  if (text === null) return malformed("the entry is not UTF-8");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return malformed("the entry is not JSON");
  }
  const wire = validate(json);
  if (!bytesEqual(utf8Encode(canonicalJson(wire)), bytes)) {
    malformed("the entry is not in its canonical encoding", { reason: "not_canonical" });
  }
  return { ...wire, price_minor: BigInt(wire.price_minor) };
}

/**
 * The subject commitment: lowercase hex of SHA-256(salt ‖ pseudonym), both given as lowercase hex.
 * Errors: LOG_MALFORMED_SALT, LOG_MALFORMED_PSEUDONYM.
 */
export function commitSubject(salt_hex: string, pseudonym_hex: string): string {
  const salt = hexDecode(salt_hex);
  if (salt === null || salt.length !== subject_salt_bytes) {
    fail("LOG_MALFORMED_SALT", "a subject salt is 32 bytes of lowercase hex");
  }
  const pseudonym = hexDecode(pseudonym_hex);
  if (pseudonym === null || pseudonym.length !== pseudonym_bytes) {
    fail("LOG_MALFORMED_PSEUDONYM", "a subject pseudonym is 32 bytes of lowercase hex");
  }
  return hexEncode(sha256(concatBytes(salt, pseudonym)));
}

/** A fresh random salt for one disclosure's subject commitment, as lowercase hex. */
export function generateSubjectSalt(): string {
  return hexEncode(randomBytes(subject_salt_bytes));
}

function validate(value: unknown): WireEntry {
  const result = wire_entry_schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    malformed("the entry has an invalid field", {
      field: issue?.path.map(String).join(".") ?? "",
      issue: issue?.code ?? "invalid",
    });
  }
  return result.data;
}

function malformed(message: string, details?: Record<string, unknown>): never {
  return fail("LOG_MALFORMED_ENTRY", message, details);
}
