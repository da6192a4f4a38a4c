// The furnishing error catalogue: every code a rejected line or a failed submission can carry, with a
// one-line description, exported as data for the error file documentation and the HTTP layer.
import { identifierErrorCodes } from "../identity/national-id.ts";

const furnishingOwnCodes = {
  LINE_TOO_LONG: "The line is longer than the line length limit; reading continues at the next line.",
  LINE_NOT_UTF8: "The line is not valid UTF-8.",
  JSON_INVALID: "The NDJSON line is not valid JSON.",
  RECORD_NOT_OBJECT: "The NDJSON line is valid JSON but not an object.",
  FIELD_DUPLICATE: "The NDJSON line names the same field twice.",
  CSV_BAD_HEADER:
    "The CSV header row has an unknown, duplicated or missing column; the file is rejected as a whole.",
  CSV_MALFORMED: "The CSV line has a stray or unterminated quote.",
  CSV_FIELD_COUNT: "The CSV line has a different number of cells than the header.",
  CSV_NUMBER_SYNTAX:
    "A numeric CSV cell is not written as a JSON number (digits, optional sign, fraction, exponent).",
  STREAM_CORRUPT: "The compressed upload is truncated or corrupt; nothing from this line on was read.",
  STREAM_ERROR: "The upload stream failed before its end; nothing from this line on was read.",
  RECORD_TYPE_UNKNOWN: "The type field is not one of subject, account, statement, activity.",
  OP_UNKNOWN: 'The op field is present but is not "delete".',
  FIELD_MISSING: "A field the record type requires is absent (or its CSV cell is blank).",
  FIELD_NULL: "A field is null; omit an absent optional field instead.",
  FIELD_UNKNOWN: "The record has a field its type does not define.",
  FIELD_NOT_ALLOWED_ON_DELETE: "A delete record carries a field other than its natural key.",
  FIELD_TYPE: "A field has the wrong JSON type (for example a number where text is expected).",
  FIELD_EMPTY: "A text field is the empty string.",
  FIELD_TOO_LONG: "A text field is longer than its limit.",
  FIELD_FORMAT: "A text field does not match its format (account reference, phone, name characters).",
  FIELD_VALUE_UNKNOWN: "A field holds a value outside its list of allowed values.",
  DATE_INVALID: "A date is not a calendar date written YYYY-MM-DD.",
  DATE_OUT_OF_RANGE: "A date or period is before 1900.",
  DATE_IN_FUTURE: "A date that records a past event is after the submission date.",
  DATE_ORDER: "An account's closed_on is before its opened_on.",
  PERIOD_INVALID: "A period is not a month written YYYY-MM.",
  PERIOD_IN_FUTURE: "A period is after the month of the submission.",
  CURRENCY_INVALID: "A currency is not an ISO 4217 code of three capital letters.",
  AMOUNT_NOT_INTEGER: "A money amount has a fractional part; amounts are integers in minor units.",
  AMOUNT_IS_STRING: "A money amount is a JSON string; write it as a JSON integer.",
  AMOUNT_NEGATIVE: "A money amount is negative.",
  AMOUNT_TOO_LARGE: "A money amount is larger than 2^53 - 1 minor units.",
  NUMBER_NOT_INTEGER: "A count, term or number of days has a fractional part.",
  NUMBER_OUT_OF_RANGE: "A number is outside its allowed range.",
  ACCOUNT_LIMIT_OR_PRINCIPAL: "An account carries neither or both of credit_limit_minor and principal_minor.",
  STATUS_DAYS_MISMATCH: "A statement's days_past_due does not fall in the band its status names.",
  NOTICE_REQUIRED: "A negative statement lacks notified_on, which the regime requires.",
  NOTICE_AFTER_SUBMISSION: "A negative statement's notified_on is after the submission date.",
  BIRTH_DATE_MISMATCH: "A subject's birth_date differs from the birth date inside the resident ID.",
  ID_TYPE_NOT_ALLOWED: "The identifier type is not accepted under the bureau's regime.",
  DUPLICATE_KEY: "An earlier line of the same file has the same natural key.",
  FILE_KEYS_LIMIT: "The file has more records than the per-file limit of distinct natural keys.",
  ACCOUNT_UNKNOWN: "A statement refers to an account_ref the furnisher has not submitted.",
} as const;

export type FurnishingErrorCode = keyof typeof furnishingOwnCodes | keyof typeof identifierErrorCodes;

/** Every code a furnishing error can carry, with its one-line description. */
export const furnishingErrorCodes: Readonly<Record<FurnishingErrorCode, string>> = {
  ...furnishingOwnCodes,
  ...identifierErrorCodes,
};

/** One rejected line. `field` is the record field at fault, or "" when the whole line is. */
export interface LineError {
  line: number;
  field: string;
  code: FurnishingErrorCode;
  message: string;
}

// A field name supplied by a furnisher is echoed only when it cannot hold an identifier, phone or amount.
const echoable_field_name = /^[A-Za-z_]{1,40}$/;

/** The furnisher's field name if it is safe to put in an error, else "". */
export function echoableFieldName(name: string): string {
  return echoable_field_name.test(name) ? name : "";
}

export class DomainError extends Error {
  readonly code: string;
  readonly details?: Record<string, unknown>;

  constructor(code: string, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = "DomainError";
    this.code = code;
    if (details !== undefined) this.details = details;
  }
}
