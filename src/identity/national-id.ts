// Validates and normalises national identifiers: the Chinese resident identity number (GB 11643-1999),
// the unified social credit code of organisations (GB 32100-2015) and the US Social Security number format.

export type IdentifierType = "cn_resident_id" | "cn_uscc" | "us_ssn";

export const identifierTypes: readonly IdentifierType[] = ["cn_resident_id", "cn_uscc", "us_ssn"];

export type IdentifierErrorCode =
  | "ID_TYPE_UNKNOWN"
  | "ID_LENGTH"
  | "ID_CHARSET"
  | "ID_FORMAT"
  | "ID_CHECK_CHARACTER"
  | "ID_AREA_CODE"
  | "ID_BIRTH_DATE"
  | "ID_GROUP_NUMBER"
  | "ID_SERIAL_NUMBER";

// The catalogue is data so that the furnishing error catalogue and the API documentation can list it.
export const identifierErrorCodes: Readonly<Record<IdentifierErrorCode, string>> = {
  ID_TYPE_UNKNOWN: "The identifier type is not one of cn_resident_id, cn_uscc, us_ssn.",
  ID_LENGTH: "The identifier has the wrong number of characters for its type.",
  ID_CHARSET: "The identifier contains a character its type does not allow.",
  ID_FORMAT: "The identifier's separators or structure do not match its type.",
  ID_CHECK_CHARACTER: "A check character does not match the one computed from the other characters.",
  ID_AREA_CODE: "The administrative area (or SSN area number) is not a plausible value.",
  ID_BIRTH_DATE: "The birth date inside the resident ID is not a real date, is in the future or before 1900.",
  ID_GROUP_NUMBER: "The SSN group number is 00.",
  ID_SERIAL_NUMBER: "The SSN serial number is 0000.",
};

export type IdentifierResult =
  | { ok: true; normalised: string; birth_date?: string }
  | { ok: false; code: IdentifierErrorCode; message: string };

export const resident_id_length = 18;
export const uscc_length = 18;
export const ssn_digits_length = 9;
export const ssn_dashed_length = 11;
export const birth_year_min = 1900;

// ISO 7064 MOD 11-2 as used by GB 11643: weight of position i (1-based, left to right) is 2^(18-i) mod 11.
const resident_id_weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const resident_id_check_characters = "10X98765432";

// GB 32100 codes use 31 characters: the digits and the capitals without I, O, Z, S and V.
const uscc_alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
// Weight of position i (0-based) is 3^i mod 31.
const uscc_weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
// GB 11714 organisation code body weights; characters are worth 0-9 and A=10 … Z=35.
const organisation_code_weights = [3, 7, 9, 10, 5, 8, 4, 2];

// The first two digits of a GB/T 2260 area code name a province-level division. 71, 81, 82 and 83 are
// Taiwan, Hong Kong, Macao and the residence permits for Taiwan residents. A full county table would go
// stale; the province prefix catches typing errors without rejecting newly created counties.
const province_prefixes: ReadonlySet<number> = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61,
  62, 63, 64, 65, 71, 81, 82, 83,
]);
// Organisations registered by a national authority carry the area code 100000.
const uscc_national_prefix = 10;

const uscc_value = new Map<string, number>(Array.from(uscc_alphabet, (c, i) => [c, i]));

function fail(code: IdentifierErrorCode, message: string): IdentifierResult {
  return { ok: false, code, message };
}

// The value of the decimal digits s[from..to), which the caller has checked are digits.
function digitsValue(s: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) value = value * 10 + s.charCodeAt(i) - 48;
  return value;
}

function isDigits(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** The GB 11643 check character for the first 17 digits of a resident ID. */
export function residentIdCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * (resident_id_weights[i] as number);
  return resident_id_check_characters[sum % 11] as string;
}

/** The GB 11714 check character for an 8-character organisation code body. */
export function organisationCodeCheckCharacter(body8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const c = body8.charCodeAt(i);
    const value = c <= 57 ? c - 48 : c - 55;
    sum += value * (organisation_code_weights[i] as number);
  }
  const check = 11 - (sum % 11);
  if (check === 10) return "X";
  if (check === 11) return "0";
  return String(check);
}

/** The GB 32100 check character for the first 17 characters (all from the code's alphabet) of a credit code. */
export function usccCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    sum += (uscc_value.get(first17[i] as string) as number) * (uscc_weights[i] as number);
  }
  return uscc_alphabet[(31 - (sum % 31)) % 31] as string;
}

// The UTC day of `now` as the number YYYYMMDD. Bulk validation passes the same time for millions of
// identifiers, so the last answer is kept.
let day_number_time = Number.NaN;
let day_number = 0;
function utcDayNumber(now: Date): number {
  const time = now.getTime();
  if (time !== day_number_time) {
    day_number = now.getUTCFullYear() * 10_000 + (now.getUTCMonth() + 1) * 100 + now.getUTCDate();
    day_number_time = time;
  }
  return day_number;
}

const days_in_month = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Whether year, month and day name a day of the proleptic Gregorian calendar. */
function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (month === 2 && leap ? 29 : (days_in_month[month - 1] as number));
}

function validateResidentId(raw: string, now: Date): IdentifierResult {
  if (raw.length !== resident_id_length) {
    return fail("ID_LENGTH", `A resident ID has ${resident_id_length} characters.`);
  }
  const last = raw[17] === "x" ? "X" : (raw[17] as string);
  if (!isDigits(raw, 0, 17) || !(last === "X" || isDigits(last, 0, 1))) {
    return fail("ID_CHARSET", "A resident ID is 17 digits followed by a digit or X.");
  }
  if (!province_prefixes.has(digitsValue(raw, 0, 2))) {
    return fail("ID_AREA_CODE", "The resident ID's area code does not start with a province code.");
  }
  const year = digitsValue(raw, 6, 10);
  const month = digitsValue(raw, 10, 12);
  const day = digitsValue(raw, 12, 14);
  if (!isCalendarDate(year, month, day)) {
    return fail("ID_BIRTH_DATE", "The resident ID's birth date is not a calendar date.");
  }
  if (year < birth_year_min) {
    return fail("ID_BIRTH_DATE", `The resident ID's birth date is before ${birth_year_min}.`);
  }
  if (year * 10_000 + month * 100 + day > utcDayNumber(now)) {
    return fail("ID_BIRTH_DATE", "The resident ID's birth date is in the future.");
  }
  if (residentIdCheckCharacter(raw) !== last) {
    return fail("ID_CHECK_CHARACTER", "The resident ID's check character does not match.");
  }
  const normalised = last === raw[17] ? raw : raw.slice(0, 17) + last;
  return {
    ok: true,
    normalised,
    birth_date: `${raw.slice(6, 10)}-${raw.slice(10, 12)}-${raw.slice(12, 14)}`,
  };
}

function validateUscc(raw: string): IdentifierResult {
  if (raw.length !== uscc_length) {
    return fail("ID_LENGTH", `A unified social credit code has ${uscc_length} characters.`);
  }
  const code = raw.toUpperCase();
  for (let i = 0; i < uscc_length; i++) {
    if (!uscc_value.has(code[i] as string)) {
      return fail(
        "ID_CHARSET",
        "A unified social credit code uses only digits and capitals other than I, O, Z, S and V.",
      );
    }
  }
  if (!isDigits(code, 2, 8)) {
    return fail("ID_FORMAT", "Characters 3 to 8 of a unified social credit code are a 6-digit area code.");
  }
  const prefix = digitsValue(code, 2, 4);
  if (!province_prefixes.has(prefix) && prefix !== uscc_national_prefix) {
    return fail("ID_AREA_CODE", "The credit code's area code does not start with a province code.");
  }
  if (organisationCodeCheckCharacter(code.slice(8, 16)) !== code[16]) {
    return fail(
      "ID_CHECK_CHARACTER",
      "The organisation code's check character (position 17) does not match.",
    );
  }
  if (usccCheckCharacter(code) !== code[17]) {
    return fail("ID_CHECK_CHARACTER", "The credit code's check character (position 18) does not match.");
  }
  return { ok: true, normalised: code };
}

function validateSsn(raw: string): IdentifierResult {
  let digits: string;
  if (raw.length === ssn_digits_length) {
    digits = raw;
  } else if (raw.length === ssn_dashed_length) {
    if (raw[3] !== "-" || raw[6] !== "-") {
      return fail("ID_FORMAT", "An SSN is written AAA-GG-SSSS or as 9 digits.");
    }
    digits = raw.slice(0, 3) + raw.slice(4, 6) + raw.slice(7);
  } else {
    return fail("ID_LENGTH", "An SSN has 9 digits, or 11 characters with dashes.");
  }
  if (!isDigits(digits, 0, ssn_digits_length)) {
    return fail("ID_CHARSET", "An SSN contains only digits and, in the dashed form, two dashes.");
  }
  const area = digits.slice(0, 3);
  if (area === "000" || area === "666" || area[0] === "9") {
    return fail("ID_AREA_CODE", "The SSN area number is 000, 666 or in 900-999, which are never issued.");
  }
  if (digits.slice(3, 5) === "00") return fail("ID_GROUP_NUMBER", "The SSN group number is 00.");
  if (digits.slice(5) === "0000") return fail("ID_SERIAL_NUMBER", "The SSN serial number is 0000.");
  return { ok: true, normalised: digits };
}

/**
 * Validates an identifier of the given type and returns its normalised form: resident IDs with a
 * capital X, credit codes in capitals, SSNs as 9 digits. Messages never contain the identifier.
 * `now` bounds the birth date inside a resident ID.
 */
export function validateIdentifier(type: IdentifierType, raw: string, now: Date): IdentifierResult {
  switch (type) {
    case "cn_resident_id":
      return validateResidentId(raw, now);
    case "cn_uscc":
      return validateUscc(raw);
    case "us_ssn":
      return validateSsn(raw);
    default:
      return fail("ID_TYPE_UNKNOWN", "The identifier type is not cn_resident_id, cn_uscc or us_ssn.");
  }
}
