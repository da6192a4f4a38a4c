// Keyed pseudonyms: the only way the bureau's data names a person or business.
import { createHmac } from "node:crypto";

/** HMAC-SHA256(pseudonym key, "type:normalised identifier"); the type keeps the key spaces apart. */
export function subjectKey(pseudonym_key: Uint8Array, id_type: string, normalised_id: string): Buffer {
  return createHmac("sha256", pseudonym_key).update(`${id_type}:${normalised_id}`, "utf8").digest();
}

export function subjectKeyHex(key: Uint8Array): string {
  return Buffer.from(key).toString("hex");
}
