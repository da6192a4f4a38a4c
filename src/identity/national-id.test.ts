// Tests for the national identifier validators with published examples and synthetic numbers built from
// the check algorithms (no real person's identifier appears here).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  type IdentifierResult,
  type IdentifierType,
  organisationCodeCheckCharacter,
  residentIdCheckCharacter,
  usccCheckCharacter,
  validateIdentifier,
} from "./national-id.ts";

const now = new Date("2025-06-15T12:00:00Z");

function residentId(area: string, birth: string, sequence: string): string {
  const first17 = area + birth + sequence;
  return first17 + residentIdCheckCharacter(first17);
}

function uscc(prefix8: string, organisationBody: string): string {
  const first17 = prefix8 + organisationBody + organisationCodeCheckCharacter(organisationBody);
  return first17 + usccCheckCharacter(first17);
}

function expectError(result: IdentifierResult, code: string, raw: string): void {
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.equal(result.code, code);
  assert.ok(!result.message.includes(raw), "the message must not echo the identifier");
  assert.ok(!result.message.includes(raw.slice(0, 10)), "the message must not echo part of the identifier");
}

function otherCheckCharacter(c: string, alphabet: string): string {
  return alphabet[(alphabet.indexOf(c) + 1) % alphabet.length] as string;
}

describe("cn_resident_id", () => {
  test("accepts the GB 11643-1999 example number and extracts its birth date", () => {
    assert.deepEqual(validateIdentifier("cn_resident_id", "11010519491231002X", now), {
      ok: true,
      normalised: "11010519491231002X",
      birth_date: "1949-12-31",
    });
  });

  test("normalises a lowercase x check character to X", () => {
    const result = validateIdentifier("cn_resident_id", "11010519491231002x", now);
    assert.equal(result.ok && result.normalised, "11010519491231002X");
  });

  test("accepts synthetic numbers built with the MOD 11-2 check, including a leap day", () => {
    for (const [birth, expected] of [
      ["19800101", "1980-01-01"],
      ["20000229", "2000-02-29"],
      ["20250615", "2025-06-15"],
    ] as const) {
      const id = residentId("320102", birth, "123");
      const result = validateIdentifier("cn_resident_id", id, now);
      assert.deepEqual(result, { ok: true, normalised: id, birth_date: expected });
    }
  });

  test("rejects a wrong check character", () => {
    const id = residentId("440305", "19900517", "031");
    const wrong = id.slice(0, 17) + otherCheckCharacter(id[17] as string, "0123456789X");
    expectError(validateIdentifier("cn_resident_id", wrong, now), "ID_CHECK_CHARACTER", wrong);
  });

  test("rejects impossible birth dates even when the check character is right", () => {
    for (const birth of ["19900230", "19000229", "20230229", "19901301", "19900000", "19900431"]) {
      const id = residentId("110101", birth, "001");
      expectError(validateIdentifier("cn_resident_id", id, now), "ID_BIRTH_DATE", id);
    }
  });

  test("rejects a birth date in the future and accepts today", () => {
    const tomorrow = residentId("110101", "20250616", "001");
    expectError(validateIdentifier("cn_resident_id", tomorrow, now), "ID_BIRTH_DATE", tomorrow);
    assert.equal(validateIdentifier("cn_resident_id", residentId("110101", "20250615", "001"), now).ok, true);
  });

  test("rejects the GB 11643 example born in 1880 because birth dates start in 1900", () => {
    const id = "440524188001010014";
    assert.equal(residentIdCheckCharacter(id), "4", "the example's check character is valid");
    expectError(validateIdentifier("cn_resident_id", id, now), "ID_BIRTH_DATE", id);
    assert.equal(validateIdentifier("cn_resident_id", residentId("440524", "19000101", "001"), now).ok, true);
  });

  test("rejects the wrong length", () => {
    for (const id of ["11010519491231002", "11010519491231002X1", ""]) {
      expectError(validateIdentifier("cn_resident_id", id, now), "ID_LENGTH", id || "∅");
    }
  });

  test("rejects characters other than digits and a final X", () => {
    for (const id of [
      "1101051949123100X2",
      "11010519491231002Y",
      "1101051949123 002X",
      "１１010519491231002X",
    ]) {
      expectError(validateIdentifier("cn_resident_id", id, now), "ID_CHARSET", id);
    }
  });

  test("rejects an area code outside the province-level divisions", () => {
    for (const area of ["000000", "990101", "190101"]) {
      const id = residentId(area, "19800101", "001");
      expectError(validateIdentifier("cn_resident_id", id, now), "ID_AREA_CODE", id);
    }
  });
});

describe("cn_uscc", () => {
  test("accepts the example code cited with GB 32100-2015", () => {
    assert.deepEqual(validateIdentifier("cn_uscc", "91350100M000100Y43", now), {
      ok: true,
      normalised: "91350100M000100Y43",
    });
  });

  test("normalises lowercase letters to capitals", () => {
    const result = validateIdentifier("cn_uscc", "91350100m000100y43", now);
    assert.equal(result.ok && result.normalised, "91350100M000100Y43");
  });

  test("accepts synthetic codes whose two check characters are computed", () => {
    for (const [prefix, body] of [
      ["91110108", "MA01ABCD"],
      ["11100000", "00001234"],
      ["52440300", "K7654321"],
    ] as const) {
      const code = uscc(prefix, body);
      assert.deepEqual(validateIdentifier("cn_uscc", code, now), { ok: true, normalised: code });
    }
  });

  test("computes the organisation check characters X and 0 at the edges of MOD 11", () => {
    const bodies = Array.from({ length: 2000 }, (_, i) => String(i).padStart(8, "0"));
    const checks = new Set(bodies.map(organisationCodeCheckCharacter));
    assert.ok(checks.has("X") && checks.has("0"));
    for (const body of bodies.filter((b) => organisationCodeCheckCharacter(b) === "X").slice(0, 3)) {
      assert.equal(validateIdentifier("cn_uscc", uscc("91310000", body), now).ok, true);
    }
  });

  test("rejects a wrong final check character", () => {
    const code = uscc("91440300", "MA5G1234");
    const wrong =
      code.slice(0, 17) + otherCheckCharacter(code[17] as string, "0123456789ABCDEFGHJKLMNPQRTUWXY");
    expectError(validateIdentifier("cn_uscc", wrong, now), "ID_CHECK_CHARACTER", wrong);
  });

  test("rejects a wrong organisation code check character even when the final one is recomputed", () => {
    const code = uscc("91440300", "MA5G1234");
    const bad17 = code.slice(0, 16) + otherCheckCharacter(code[16] as string, "0123456789X");
    const wrong = bad17 + usccCheckCharacter(bad17);
    const result = validateIdentifier("cn_uscc", wrong, now);
    expectError(result, "ID_CHECK_CHARACTER", wrong);
    assert.match(result.ok ? "" : result.message, /position 17/);
  });

  test("rejects the letters I, O, Z, S and V and other symbols", () => {
    for (const c of ["I", "O", "Z", "S", "V", "-", " "]) {
      const code = `91350100M00010${c}Y43`;
      expectError(validateIdentifier("cn_uscc", code, now), "ID_CHARSET", code);
    }
  });

  test("rejects letters in the area code and implausible area codes", () => {
    expectError(validateIdentifier("cn_uscc", "9135A100M000100Y43", now), "ID_FORMAT", "9135A100M000100Y43");
    const code = uscc("91990000", "M0001000");
    expectError(validateIdentifier("cn_uscc", code, now), "ID_AREA_CODE", code);
  });

  test("rejects the wrong length", () => {
    for (const code of ["91350100M000100Y4", "91350100M000100Y433"]) {
      expectError(validateIdentifier("cn_uscc", code, now), "ID_LENGTH", code);
    }
  });
});

describe("us_ssn", () => {
  test("accepts the dashed and the plain form and normalises both to 9 digits", () => {
    assert.deepEqual(validateIdentifier("us_ssn", "123-45-6789", now), { ok: true, normalised: "123456789" });
    assert.deepEqual(validateIdentifier("us_ssn", "123456789", now), { ok: true, normalised: "123456789" });
  });

  test("rejects area numbers 000, 666 and 900-999", () => {
    for (const ssn of ["000-12-3456", "666-12-3456", "900-12-3456", "999123456"]) {
      expectError(validateIdentifier("us_ssn", ssn, now), "ID_AREA_CODE", ssn);
    }
    assert.equal(validateIdentifier("us_ssn", "899-12-3456", now).ok, true);
  });

  test("rejects group 00 and serial 0000", () => {
    expectError(validateIdentifier("us_ssn", "123-00-4567", now), "ID_GROUP_NUMBER", "123-00-4567");
    expectError(validateIdentifier("us_ssn", "123-45-0000", now), "ID_SERIAL_NUMBER", "123-45-0000");
  });

  test("rejects misplaced separators, letters and the wrong length", () => {
    expectError(validateIdentifier("us_ssn", "1234-5-6789", now), "ID_FORMAT", "1234-5-6789");
    expectError(validateIdentifier("us_ssn", "123 45 6789", now), "ID_FORMAT", "123 45 6789");
    expectError(validateIdentifier("us_ssn", "12345678A", now), "ID_CHARSET", "12345678A");
    expectError(validateIdentifier("us_ssn", "12345678", now), "ID_LENGTH", "12345678");
    expectError(validateIdentifier("us_ssn", "123-45-67890", now), "ID_LENGTH", "123-45-67890");
  });
});

test("an identifier type unknown at run time is an error, not a crash", () => {
  const result = validateIdentifier("passport" as IdentifierType, "E12345678", now);
  expectError(result, "ID_TYPE_UNKNOWN", "E12345678");
});
