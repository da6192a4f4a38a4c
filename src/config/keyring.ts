// Key material: from the environment when given, else generated once into the data folder (mode 0600).
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import type { Config } from "./config.ts";

export interface Keyring {
  /** HMAC-SHA256 key that turns a normalised identifier into a subject key. */
  readonly pseudonym_key: Buffer;
  /** Vault key-encryption keys by id; `vault_key_id` names the one new records use. */
  readonly vault_keys: ReadonlyMap<string, Buffer>;
  readonly vault_key_id: string;
  /** Ed25519 seed of the bureau's signing key (consents, checkpoints). */
  readonly signing_seed: Buffer;
}

interface KeyFile {
  pseudonym_key: string;
  vault_keys: string;
  signing_key: string;
}

const key_file_name = "keys.json";

function parseVaultKeys(spec: string): { keys: Map<string, Buffer>; current: string } {
  const keys = new Map<string, Buffer>();
  for (const part of spec.split(",")) {
    const [kid, b64] = part.split(":") as [string, string];
    keys.set(kid, Buffer.from(b64, "base64"));
  }
  return { keys, current: spec.split(":")[0] as string };
}

function readOrCreateKeyFile(dir: string): KeyFile {
  const file = path.join(dir, key_file_name);
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")) as KeyFile;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const created: KeyFile = {
    pseudonym_key: randomBytes(32).toString("base64"),
    vault_keys: `v1:${randomBytes(32).toString("base64")}`,
    signing_key: randomBytes(32).toString("base64"),
  };
  fs.writeFileSync(file, `${JSON.stringify(created, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  return created;
}

export function loadKeyring(
  config: Pick<Config, "data_dir" | "pseudonym_key_b64" | "vault_keys" | "signing_key">,
): Keyring {
  const needsFile = !config.pseudonym_key_b64 || !config.vault_keys || !config.signing_key;
  const file = needsFile ? readOrCreateKeyFile(config.data_dir) : undefined;
  const vault = parseVaultKeys(config.vault_keys ?? (file as KeyFile).vault_keys);
  return {
    pseudonym_key: Buffer.from(config.pseudonym_key_b64 ?? (file as KeyFile).pseudonym_key, "base64"),
    vault_keys: vault.keys,
    vault_key_id: vault.current,
    signing_seed: Buffer.from(config.signing_key ?? (file as KeyFile).signing_key, "base64"),
  };
}

/** A keyring for tests and throwaway runs; never written anywhere. */
export function ephemeralKeyring(): Keyring {
  return {
    pseudonym_key: randomBytes(32),
    vault_keys: new Map([["t1", randomBytes(32)]]),
    vault_key_id: "t1",
    signing_seed: randomBytes(32),
  };
}
