// The personal-data vault: name, identifier and contact, encrypted with AES-256-GCM under envelope keys.
import assert from "node:assert/strict";
import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { Keyring } from "../config/keyring.ts";
import { type Database, prepared } from "../db/database.ts";

export interface PersonalData {
  readonly id_type: string;
  readonly id_number: string;
  readonly name: string;
  readonly birth_date?: string | undefined;
  readonly phone?: string | undefined;
}

type VaultTables = {
  subjects: { subject_key: Buffer; id_type: string };
  vault_entries: {
    subject_key: Buffer;
    kek_id: string;
    wrapped_key: Buffer;
    nonce: Buffer;
    ciphertext: Buffer;
    updated_at: Date;
  };
};

const nonce_bytes = 12;
const tag_bytes = 16;

// Node prepares a raw key on every cipher it makes; a KeyObject is prepared once. Key-encryption keys are
// turned into KeyObjects once per process, data keys once per use (still cheaper than a raw key).
const key_objects = new WeakMap<Uint8Array, KeyObject>();
function keyObjectOf(key: Uint8Array): KeyObject {
  let object = key_objects.get(key);
  if (!object) {
    object = createSecretKey(key);
    key_objects.set(key, object);
  }
  return object;
}

function seal(
  key: Uint8Array | KeyObject,
  plaintext: Uint8Array,
  aad: Uint8Array,
  nonce: Buffer = randomBytes(nonce_bytes),
): { nonce: Buffer; sealed: Buffer } {
  const cipher = createCipheriv("aes-256-gcm", key, nonce);
  cipher.setAAD(aad);
  const sealed = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  return { nonce, sealed };
}

function open(key: Uint8Array | KeyObject, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Buffer {
  assert.ok(sealed.length >= tag_bytes, "sealed data carries its tag");
  const decipher = createDecipheriv("aes-256-gcm", key, nonce);
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - tag_bytes));
  return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - tag_bytes)), decipher.final()]);
}

/** Encrypts personal data for one subject: a fresh data key, wrapped by the current key-encryption key. */
export function encryptPersonalData(keyring: Keyring, subject_key: Buffer, data: PersonalData) {
  const kek = keyring.vault_keys.get(keyring.vault_key_id);
  assert.ok(kek, "the current vault key is in the keyring");
  // One call to the random source for the data key and both nonces.
  const random = randomBytes(32 + 2 * nonce_bytes);
  const data_key = random.subarray(0, 32);
  const body = seal(
    createSecretKey(data_key),
    Buffer.from(JSON.stringify(data), "utf8"),
    subject_key,
    random.subarray(32, 32 + nonce_bytes),
  );
  const wrapped = seal(
    keyObjectOf(kek),
    data_key,
    Buffer.from(`vault:${keyring.vault_key_id}`),
    random.subarray(32 + nonce_bytes),
  );
  return {
    subject_key,
    kek_id: keyring.vault_key_id,
    wrapped_key: Buffer.concat([wrapped.nonce, wrapped.sealed]),
    nonce: body.nonce,
    ciphertext: body.sealed,
  };
}

export function decryptPersonalData(
  keyring: Keyring,
  row: { subject_key: Buffer; kek_id: string; wrapped_key: Buffer; nonce: Buffer; ciphertext: Buffer },
): PersonalData {
  const kek = keyring.vault_keys.get(row.kek_id);
  if (!kek) throw new Error(`vault key ${row.kek_id} is not configured`);
  const data_key = open(
    keyObjectOf(kek),
    row.wrapped_key.subarray(0, nonce_bytes),
    row.wrapped_key.subarray(nonce_bytes),
    Buffer.from(`vault:${row.kek_id}`),
  );
  return JSON.parse(
    open(createSecretKey(data_key), row.nonce, row.ciphertext, row.subject_key).toString("utf8"),
  ) as PersonalData;
}

// biome-ignore lint/complexity/noBannedTypes: any Kysely instance; this module names its own tables.
type AnyKysely = Kysely<{}>;

/** Stores (or replaces) a subject's personal data; the subject row is created if new. */
export async function putPersonalData(
  kysely: AnyKysely,
  keyring: Keyring,
  subject_key: Buffer,
  data: PersonalData,
): Promise<void> {
  const db = kysely.withTables<VaultTables>();
  await db
    .insertInto("subjects")
    .values({ subject_key, id_type: data.id_type })
    .onConflict((oc) => oc.column("subject_key").doNothing())
    .execute();
  const entry = encryptPersonalData(keyring, subject_key, data);
  await db
    .insertInto("vault_entries")
    .values({ ...entry, updated_at: new Date() })
    .onConflict((oc) =>
      oc.column("subject_key").doUpdateSet({
        kek_id: entry.kek_id,
        wrapped_key: entry.wrapped_key,
        nonce: entry.nonce,
        ciphertext: entry.ciphertext,
        updated_at: new Date(),
      }),
    )
    .execute();
}

/**
 * The subject's sealed vault entry as one JSON value (null when there is none), for a statement that reads
 * more at once; `subject` is the composing statement's placeholder for the subject key. It stays sealed
 * until personalDataFromJson opens it here, with the keyring.
 */
export function personalDataJson(subject: string): string {
  return `(SELECT json_build_object('kek_id', kek_id, 'wrapped_key', encode(wrapped_key, 'base64'),
      'nonce', encode(nonce, 'base64'), 'ciphertext', encode(ciphertext, 'base64'))
    FROM vault_entries WHERE subject_key = ${subject})`;
}

/** Opens personalDataJson's value; undefined when the subject has no vault entry. */
export function personalDataFromJson(
  keyring: Keyring,
  subject_key: Buffer,
  value: unknown,
): PersonalData | undefined {
  if (value === null || value === undefined) return undefined;
  const sealed = value as { kek_id: string; wrapped_key: string; nonce: string; ciphertext: string };
  return decryptPersonalData(keyring, {
    subject_key,
    kek_id: sealed.kek_id,
    wrapped_key: Buffer.from(sealed.wrapped_key, "base64"),
    nonce: Buffer.from(sealed.nonce, "base64"),
    ciphertext: Buffer.from(sealed.ciphertext, "base64"),
  });
}

const vault_entry = prepared("vault_entry", `SELECT ${personalDataJson("$1")} AS sealed`);

export async function getPersonalData(
  db: Pick<Database, "query">,
  keyring: Keyring,
  subject_key: Buffer,
): Promise<PersonalData | undefined> {
  const [row] = await db.query<{ sealed: unknown }>(vault_entry, [subject_key]);
  return personalDataFromJson(keyring, subject_key, row?.sealed);
}

/** Crypto-shreds a subject's vault entry: the wrapped data key was the only way to read it. */
export async function shredPersonalData(kysely: AnyKysely, subject_key: Buffer): Promise<boolean> {
  const result = await kysely
    .withTables<VaultTables>()
    .deleteFrom("vault_entries")
    .where("subject_key", "=", subject_key)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Masks a name for report headers: first character, then one star per remaining character. */
export function maskName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? "*" : `${chars[0]}${"*".repeat(Math.min(chars.length - 1, 6))}`;
}

/** Masks an identifier to its first and last few characters. */
export function maskIdentifier(id: string): string {
  if (id.length <= 6) return "*".repeat(id.length);
  return `${id.slice(0, 3)}${"*".repeat(id.length - 7)}${id.slice(-4)}`;
}
