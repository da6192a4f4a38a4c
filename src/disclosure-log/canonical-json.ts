// Canonical JSON: object keys sorted by UTF-16 code units, no white space, integers only, so that
// one value has exactly one serialisation. String escaping is JSON.stringify's, as in RFC 8785.

import { invariant } from "./invariant.ts";

export type CanonicalValue =
  | string
  | number
  | boolean
  | null
  | readonly CanonicalValue[]
  | { readonly [key: string]: CanonicalValue };

export function canonicalJson(value: CanonicalValue): string {
  if (value === null || typeof value === "string" || typeof value === "boolean") return JSON.stringify(value);
  if (typeof value === "number") {
    // Fractions and huge numbers have more than one reading across JSON parsers; keep them out.
    invariant(Number.isSafeInteger(value), "canonical JSON numbers are safe integers");
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const object = value as { readonly [key: string]: CanonicalValue };
  const keys = Object.keys(object).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(object[k] as CanonicalValue)}`).join(",")}}`;
}
