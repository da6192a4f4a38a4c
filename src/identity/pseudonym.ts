// Keyed pseudonyms: the only way the bureau's data names a person or business.
import { createHmac, createSecretKey, type KeyObject } from "node:crypto";

// Importing the raw key costs more than the HMAC itself; bulk ingestion keys millions of lines with one key.
const imported = new WeakMap<Uint8Array, KeyObject>();

/** HMAC-SHA256(pseudonym key, "type:normalised identifier"); the type keeps the key spaces apart. */
export function subjectKey(pseudonym_key: Uint8Array, id_type: string, normalised_id: string): Buffer {
  let key = imported.get(pseudonym_key);
  if (!key) {
    key = createSecretKey(pseudonym_key);
    imported.set(pseudonym_key, key);
  }
  return createHmac("sha256", key).update(`${id_type}:${normalised_id}`, "utf8").digest();
}

export function subjectKeyHex(key: Uint8Array): string {
  return Buffer.from(key).toString("hex");
}
