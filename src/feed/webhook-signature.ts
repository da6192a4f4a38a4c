// Webhook signatures: `Credence-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`, and the
// check a receiver runs, which also rejects a signature outside the replay window.
import { createHmac, timingSafeEqual } from "node:crypto";

export const signature_header = "credence-signature";
/** A receiver rejects a signature made more than this many seconds before or after its own clock. */
export const replay_window_s = 300;
/** The longest signature header a receiver parses; a few v1 entries during a secret rotation fit. */
export const signature_header_length_max = 1024;

function hmacHex(secret: string, timestamp: number, body: string | Uint8Array): string {
  return createHmac("sha256", secret).update(`${timestamp}.`).update(body).digest("hex");
}

/** The header value for `body` signed at `at`. The secret is used as given (its UTF-8 bytes). */
export function signWebhook(secret: string, body: string | Uint8Array, at: Date): string {
  const timestamp = Math.floor(at.getTime() / 1000);
  return `t=${timestamp},v1=${hmacHex(secret, timestamp, body)}`;
}

export type SignatureCheck =
  | { readonly ok: true; readonly signed_at: Date }
  | { readonly ok: false; readonly reason: "missing" | "malformed" | "outside_window" | "mismatch" };

/**
 * For receivers: checks `header` against the raw request body, exactly as received. Accepts the request
 * when any v1 signature matches (a rotation may send several) and the timestamp is within
 * `replay_window_s` of `now`; a receiver should also drop event ids it has already processed.
 */
export function verifyWebhookSignature(input: {
  readonly secret: string;
  readonly header: string | null | undefined;
  readonly body: string | Uint8Array;
  readonly now: Date;
  readonly window_s?: number;
}): SignatureCheck {
  const header = input.header;
  if (header === null || header === undefined || header === "") return { ok: false, reason: "missing" };
  if (header.length > signature_header_length_max) return { ok: false, reason: "malformed" };
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(",")) {
    const [name, value] = part.trim().split("=", 2);
    if (name === "t" && value !== undefined && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (name === "v1" && value !== undefined && /^[0-9a-f]{64}$/.test(value)) candidates.push(value);
  }
  if (timestamp === undefined || candidates.length === 0) return { ok: false, reason: "malformed" };
  const window_s = input.window_s ?? replay_window_s;
  if (Math.abs(input.now.getTime() / 1000 - timestamp) > window_s)
    return { ok: false, reason: "outside_window" };
  const expected = Buffer.from(hmacHex(input.secret, timestamp, input.body), "hex");
  const matches = candidates.some((candidate) => timingSafeEqual(Buffer.from(candidate, "hex"), expected));
  return matches ? { ok: true, signed_at: new Date(timestamp * 1000) } : { ok: false, reason: "mismatch" };
}
