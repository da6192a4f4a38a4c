// Byte helpers that behave the same in Node and in the browser: strict base64, strict hex, UTF-8.

const base64_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const base64_values = new Map<string, number>([...base64_alphabet].map((c, i) => [c, i]));
const hex_lowercase_pattern = /^(?:[0-9a-f]{2})*$/;

const utf8_encoder = new TextEncoder();
const utf8_decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Standard padded base64 (RFC 4648 section 4), as the signed-note and checkpoint specs use. */
export function base64Encode(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i] ?? 0;
    const b1 = bytes[i + 1] ?? 0;
    const b2 = bytes[i + 2] ?? 0;
    const chunk = (b0 << 16) | (b1 << 8) | b2;
    out += base64_alphabet[(chunk >> 18) & 63];
    out += base64_alphabet[(chunk >> 12) & 63];
    out += i + 1 < bytes.length ? base64_alphabet[(chunk >> 6) & 63] : "=";
    out += i + 2 < bytes.length ? base64_alphabet[chunk & 63] : "=";
  }
  return out;
}

/**
 * Decodes standard padded base64, or returns null. Only the canonical encoding is accepted (no
 * whitespace, no missing padding, no stray bits after the last byte), so that one byte string has
 * exactly one textual form inside signed text.
 */
export function base64Decode(text: string): Uint8Array | null {
  if (text.length % 4 !== 0) return null;
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const last_group = i + 4 === text.length;
    let chunk = 0;
    for (let j = 0; j < 4; j++) {
      const c = text[i + j] as string;
      const is_padding = last_group && j >= 4 - padding;
      const value = is_padding ? (c === "=" ? 0 : undefined) : base64_values.get(c);
      if (value === undefined) return null;
      chunk = (chunk << 6) | value;
    }
    const group = [(chunk >> 16) & 255, (chunk >> 8) & 255, chunk & 255];
    const kept = last_group ? 3 - padding : 3;
    // A padded group must leave the bits it does not use at zero, or two texts would decode alike.
    if (group.slice(kept).some((b) => b !== 0)) return null;
    for (let j = 0; j < kept; j++) out[o++] = group[j] as number;
  }
  return out;
}

export function hexEncode(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

/** Decodes lowercase hex with an even number of digits, or returns null. */
export function hexDecode(text: string): Uint8Array | null {
  if (!hex_lowercase_pattern.test(text)) return null;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function utf8Encode(text: string): Uint8Array {
  return utf8_encoder.encode(text);
}

/** Decodes UTF-8, or returns null when the bytes are not valid UTF-8. */
export function utf8Decode(bytes: Uint8Array): string | null {
  try {
    return utf8_decoder.decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Whether text is safe inside a signed note: well-formed UTF-16 (so it encodes to valid UTF-8)
 * with no ASCII control character other than newline, as c2sp.org/signed-note requires.
 */
export function isNoteSafeText(text: string): boolean {
  if (!text.isWellFormed()) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && code !== 0x0a) return false;
  }
  return true;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
