// Tests for the canonical entry encoding and the salted subject commitment.

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import { utf8Decode, utf8Encode } from "./bytes.ts";
import { canonicalJson } from "./canonical-json.ts";
import type { LogEntry } from "./entry.ts";
import {
  commitSubject,
  decodeEntry,
  encodeAcceptedEntry,
  encodeEntry,
  entry_bytes_max,
  furnishers_per_entry_max,
  generateSubjectSalt,
} from "./entry.ts";
import { DomainError } from "./errors.ts";
import { assertCode, syntheticEntry } from "./test-support.ts";

const entry: LogEntry = {
  ...syntheticEntry(7),
  product: "report+score",
  furnishers: [
    { institution: "platform-b", records: 3 },
    { institution: "platform-a", records: 12 },
  ],
  price_minor: 123_456_789_012_345_678_901n,
};

const encodedText = (e: LogEntry): string => utf8Decode(encodeEntry(e)) ?? "";

describe("encodeEntry", () => {
  test("writes canonical JSON: sorted keys, no white space, price as a decimal string", () => {
    const text = encodedText(entry);
    assert.equal(
      text,
      `{"consent_sha256":"${entry.consent_sha256}","currency":"CNY",` +
        `"furnishers":[{"institution":"platform-a","records":12},{"institution":"platform-b","records":3}],` +
        `"price_minor":"123456789012345678901","product":"report+score","purpose":"loan_application",` +
        `"recipient":"lender-1","sequence":7,"subject_commitment":"${entry.subject_commitment}",` +
        `"time":"2024-01-01T00:00:07.000Z"}`,
    );
  });

  test("gives the same bytes whatever the order of furnishers or fields", () => {
    const reordered: LogEntry = {
      currency: entry.currency,
      price_minor: entry.price_minor,
      furnishers: [...entry.furnishers].reverse(),
      subject_commitment: entry.subject_commitment,
      consent_sha256: entry.consent_sha256,
      purpose: entry.purpose,
      product: entry.product,
      recipient: entry.recipient,
      time: entry.time,
      sequence: entry.sequence,
    };
    assert.deepEqual(encodeEntry(reordered), encodeEntry(entry));
  });

  test("refuses invalid fields and names the field, never its value", () => {
    const cases: Record<string, Partial<Record<keyof LogEntry, unknown>>> = {
      sequence: { sequence: -1 },
      time: { time: "2024-02-30T00:00:00.000Z" },
      recipient: { recipient: "lender with spaces" },
      product: { product: "dossier" },
      purpose: { purpose: "" },
      consent_sha256: { consent_sha256: "ABCDEF" },
      subject_commitment: { subject_commitment: "0".repeat(63) },
      "furnishers.0.records": { furnishers: [{ institution: "platform-a", records: 0 }] },
      price_minor: { price_minor: -1n },
      currency: { currency: "yuan" },
    };
    for (const [field, change] of Object.entries(cases)) {
      const bad = { ...entry, ...change } as LogEntry;
      assert.throws(
        () => encodeEntry(bad),
        (e: unknown) => {
          assert.ok(e instanceof DomainError);
          assert.equal(e.code, "LOG_MALFORMED_ENTRY");
          assert.equal(e.details?.field, field);
          const value = String(Object.values(change)[0]);
          if (value.length > 2) assert.ok(!JSON.stringify([e.message, e.details]).includes(value));
          return true;
        },
        field,
      );
    }
  });

  test("refuses the same furnisher twice", () => {
    const twice = { ...entry, furnishers: [...entry.furnishers, { institution: "platform-a", records: 1 }] };
    assertCode(() => encodeEntry(twice), "LOG_MALFORMED_ENTRY");
  });

  test("accepts no furnishers, and up to the furnisher limit", () => {
    assert.deepEqual(decodeEntry(encodeEntry({ ...entry, furnishers: [] })).furnishers, []);
    const many = Array.from({ length: furnishers_per_entry_max + 1 }, (_, i) => ({
      institution: `platform-${String(i).padStart(4, "0")}`,
      records: 1,
    }));
    encodeEntry({ ...entry, furnishers: many.slice(0, furnishers_per_entry_max) });
    assertCode(() => encodeEntry({ ...entry, furnishers: many }), "LOG_MALFORMED_ENTRY");
  });
});

describe("encodeAcceptedEntry", () => {
  test("gives exactly the bytes of encodeEntry, which are canonical JSON, for many varied entries", () => {
    for (let i = 0; i < 500; i++) {
      const varied: LogEntry = {
        ...syntheticEntry(i * 7919, `label-${i}`),
        recipient: `r~!${i}"\\{}`,
        purpose: i % 2 === 0 ? "a:b,c" : "post_loan",
        furnishers: Array.from({ length: i % 6 }, (_, k) => ({
          institution: `f-${(k * 37 + i) % 97}-${k}`,
          records: k + 1,
        })),
        price_minor: BigInt(i) ** 9n,
      };
      const bytes = encodeEntry(varied);
      assert.deepEqual(encodeAcceptedEntry(varied), bytes);
      assert.equal(utf8Decode(bytes), canonicalJson(JSON.parse(utf8Decode(bytes) ?? "")));
    }
  });

  test("still refuses a sequence that is not a safe non-negative integer", () => {
    assert.throws(
      () => encodeAcceptedEntry({ ...entry, sequence: -1 }),
      (e) => e instanceof DomainError,
    );
  });
});

describe("decodeEntry", () => {
  test("round-trips every field, bigints included", () => {
    const decoded = decodeEntry(encodeEntry(entry));
    assert.deepEqual(decoded, { ...entry, furnishers: [...entry.furnishers].reverse() });
    assert.equal(typeof decoded.price_minor, "bigint");
  });

  test("refuses any encoding but the canonical one", () => {
    const canonical = encodedText(entry);
    const object = JSON.parse(canonical) as Record<string, unknown>;
    const cases = {
      spaced: JSON.stringify(object, null, 1),
      reordered_keys: JSON.stringify({ time: object.time, ...object }),
      unsorted_furnishers: canonical.replace(
        '[{"institution":"platform-a","records":12},{"institution":"platform-b","records":3}]',
        '[{"institution":"platform-b","records":3},{"institution":"platform-a","records":12}]',
      ),
      escaped_letter: canonical.replace('"CNY"', '"\\u0043NY"'),
      price_leading_zero: canonical.replace('"123456789012345678901"', '"0123456789012345678901"'),
      price_as_number: canonical.replace('"123456789012345678901"', "123456789012345678901"),
      sequence_as_float: canonical.replace('"sequence":7', '"sequence":7.0'),
      duplicate_key: canonical.replace('{"consent_sha256"', '{"currency":"USD","consent_sha256"'),
      unknown_key: canonical.replace('{"consent_sha256"', '{"comment":"x","consent_sha256"'),
      missing_key: canonical.replace('"currency":"CNY",', ""),
      time_without_ms: canonical.replace("2024-01-01T00:00:07.000Z", "2024-01-01T00:00:07Z"),
      not_json: canonical.slice(0, -1),
    };
    for (const [name, text] of Object.entries(cases)) {
      assert.throws(() => decodeEntry(utf8Encode(text)), { code: "LOG_MALFORMED_ENTRY" }, name);
    }
    assertCode(() => decodeEntry(new Uint8Array([0x7b, 0xff, 0x7d])), "LOG_MALFORMED_ENTRY");
  });

  test("refuses entries over the size limit before parsing them", () => {
    assertCode(() => decodeEntry(new Uint8Array(entry_bytes_max + 1).fill(0x20)), "LOG_MALFORMED_ENTRY");
  });
});

describe("commitSubject", () => {
  const salt = "11".repeat(32);
  const pseudonym = "22".repeat(32);

  test("is SHA-256 of the salt bytes followed by the pseudonym bytes", () => {
    const expected = createHash("sha256")
      .update(Buffer.from(salt, "hex"))
      .update(Buffer.from(pseudonym, "hex"))
      .digest("hex");
    assert.equal(commitSubject(salt, pseudonym), expected);
  });

  test("hides the pseudonym behind a fresh salt for every disclosure", () => {
    const a = generateSubjectSalt();
    const b = generateSubjectSalt();
    assert.match(a, /^[0-9a-f]{64}$/);
    assert.notEqual(a, b);
    assert.notEqual(commitSubject(a, pseudonym), commitSubject(b, pseudonym));
  });

  test("refuses salts and pseudonyms that are not 32 bytes of lowercase hex", () => {
    assertCode(() => commitSubject(salt.slice(2), pseudonym), "LOG_MALFORMED_SALT");
    assertCode(() => commitSubject(salt.toUpperCase().replace(/1/g, "A"), pseudonym), "LOG_MALFORMED_SALT");
    assertCode(() => commitSubject(salt, `${pseudonym}00`), "LOG_MALFORMED_PSEUDONYM");
    assertCode(() => commitSubject(salt, "not hex"), "LOG_MALFORMED_PSEUDONYM");
  });
});
