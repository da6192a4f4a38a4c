// Lenders' webhook endpoints and their signing secrets, sealed at rest under a vault key and shown once.
import assert from "node:assert/strict";
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { Keyring } from "../config/keyring.ts";
import type { Database } from "../db/database.ts";
import { ApiError, registerErrorCodes } from "../http/errors.ts";

registerErrorCodes({
  WEBHOOK_URL_INVALID: { status: 422, title: "The webhook URL is not an acceptable http(s) URL" },
  WEBHOOK_NOT_REGISTERED: { status: 404, title: "This lender has registered no webhook" },
});

/** The longest webhook URL accepted. */
export const webhook_url_length_max = 2048;
const secret_prefix = "whsec_";
const nonce_bytes = 12;
const tag_bytes = 16;

export interface Webhook {
  readonly url: string;
  readonly updated_at: Date;
}

/** A webhook as the dispatcher reads it: the URL and the sealed secret. */
export interface SealedWebhook {
  readonly url: string;
  readonly kek_id: string;
  readonly nonce: Uint8Array;
  readonly sealed_secret: Uint8Array;
}

function aad(lender_id: string): Buffer {
  return Buffer.from(`feed-webhook:${lender_id}`);
}

function checkWebhookUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ApiError("WEBHOOK_URL_INVALID", "The url is not a URL.", { field: "url" });
  }
  if (url.length > webhook_url_length_max) {
    throw new ApiError(
      "WEBHOOK_URL_INVALID",
      `The url is longer than ${webhook_url_length_max} characters.`,
      {
        field: "url",
      },
    );
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new ApiError("WEBHOOK_URL_INVALID", "The url must use https (or http).", { field: "url" });
  }
  // Credentials in the URL would end up in logs and proxies; the signature authenticates the bureau.
  if (parsed.username !== "" || parsed.password !== "") {
    throw new ApiError("WEBHOOK_URL_INVALID", "The url must not carry a user name or password.", {
      field: "url",
    });
  }
  return parsed;
}

/**
 * Registers (or replaces) the lender's webhook URL and issues a new signing secret, returned only here.
 * Every registration rotates the secret, so a lender that lost it registers again.
 */
export async function registerWebhook(
  db: Pick<Database, "query">,
  keyring: Keyring,
  lender_id: string,
  url: string,
  now: Date,
): Promise<Webhook & { secret: string }> {
  checkWebhookUrl(url);
  const secret = `${secret_prefix}${randomBytes(32).toString("base64url")}`;
  const kek = keyring.vault_keys.get(keyring.vault_key_id);
  assert.ok(kek, "the current vault key is in the keyring");
  const nonce = randomBytes(nonce_bytes);
  const cipher = createCipheriv("aes-256-gcm", kek, nonce);
  cipher.setAAD(aad(lender_id));
  const sealed = Buffer.concat([cipher.update(secret, "utf8"), cipher.final(), cipher.getAuthTag()]);
  await db.query(
    `INSERT INTO feed_webhooks (lender_id, url, kek_id, nonce, sealed_secret, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (lender_id) DO UPDATE SET url = excluded.url, kek_id = excluded.kek_id, nonce = excluded.nonce,
       sealed_secret = excluded.sealed_secret, updated_at = excluded.updated_at`,
    [lender_id, url, keyring.vault_key_id, nonce, sealed, now],
  );
  return { url, secret, updated_at: now };
}

export async function findWebhook(db: Pick<Database, "query">, lender_id: string): Promise<Webhook> {
  const [row] = await db.query<Webhook>("SELECT url, updated_at FROM feed_webhooks WHERE lender_id = $1", [
    lender_id,
  ]);
  if (!row) throw new ApiError("WEBHOOK_NOT_REGISTERED", "Register a webhook with PUT /v1/webhooks.");
  return row;
}

/** Opens a sealed secret for signing; a missing vault key is a configuration bug, not bad input. */
export function openWebhookSecret(keyring: Keyring, lender_id: string, webhook: SealedWebhook): string {
  const kek = keyring.vault_keys.get(webhook.kek_id);
  if (!kek) throw new Error(`vault key ${webhook.kek_id} is not configured`);
  const sealed = Buffer.from(webhook.sealed_secret);
  assert.ok(sealed.length > tag_bytes, "a sealed secret carries its tag");
  const decipher = createDecipheriv("aes-256-gcm", kek, webhook.nonce);
  decipher.setAAD(aad(lender_id));
  decipher.setAuthTag(sealed.subarray(sealed.length - tag_bytes));
  return Buffer.concat([
    decipher.update(sealed.subarray(0, sealed.length - tag_bytes)),
    decipher.final(),
  ]).toString("utf8");
}
