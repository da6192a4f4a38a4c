// Credentials: institution API keys and personal tokens, shown once, stored only as SHA-256 hashes.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export type CredentialKind = "api_key" | "subject_token";

const prefixes: Record<CredentialKind, string> = { api_key: "ck", subject_token: "cp" };
const credential_pattern = /^(ck|cp)_([a-f0-9]{16})_([A-Za-z0-9_-]{43})$/;

export interface MintedCredential {
  readonly id: string;
  /** The full secret credential; returned once and never stored. */
  readonly token: string;
  readonly secret_sha256: Buffer;
}

export function mintCredential(kind: CredentialKind): MintedCredential {
  const id = randomBytes(8).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  return { id, token: `${prefixes[kind]}_${id}_${secret}`, secret_sha256: sha256(secret) };
}

export function parseCredential(
  token: string,
): { kind: CredentialKind; id: string; secret: string } | undefined {
  const match = credential_pattern.exec(token);
  if (!match) return undefined;
  return {
    kind: match[1] === "ck" ? "api_key" : "subject_token",
    id: match[2] as string,
    secret: match[3] as string,
  };
}

export function secretMatches(secret: string, stored_sha256: Uint8Array): boolean {
  const candidate = sha256(secret);
  return candidate.length === stored_sha256.length && timingSafeEqual(candidate, stored_sha256);
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}
