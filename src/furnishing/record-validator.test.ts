// Tests for the one-record validator: every rejection code it produces, and the normalised records it
// returns for valid input.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { FurnishingErrorCode } from "./errors.ts";
import { requiredFields } from "./record-schema.ts";
import { createRecordValidator, type RecordCheck, type RecordValidatorOptions } from "./record-validator.ts";
import {
  accountLine,
  activityLine,
  everyKindOfLine,
  fixture_now,
  statementLine,
  subjectLine,
  syntheticBirthDate,
  syntheticResidentId,
  syntheticUscc,
} from "./test-fixtures.ts";

const cnOptions: RecordValidatorOptions = { now: fixture_now, require_negative_notice: true };
const validate = createRecordValidator(cnOptions);

function expectRejected(check: RecordCheck, code: FurnishingErrorCode, field: string): void {
  assert.equal(check.ok, false, `expected ${code}`);
  if (check.ok) return;
  assert.deepEqual({ code: check.code, field: check.field }, { code, field }, check.message);
}

describe("valid records", () => {
  test("every record type and its delete is accepted", () => {
    for (const line of everyKindOfLine(7)) {
      const check = validate(line);
      assert.equal(check.ok, true, check.ok ? "" : `${check.code} ${check.field}: ${check.message}`);
    }
  });

  test("amounts become bigint minor units and the largest safe integer is accepted", () => {
    const check = validate(statementLine(1, { balance_minor: Number.MAX_SAFE_INTEGER }));
    assert.ok(check.ok);
    assert.equal(
      check.record.type === "statement" && !("op" in check.record) && check.record.balance_minor,
      9007199254740991n,
    );
  });

  test("identifiers are normalised and a subject's birth date is taken from the resident ID", () => {
    const id = syntheticResidentId(3);
    const lower = id.endsWith("X") ? `${id.slice(0, 17)}x` : id;
    const check = validate(subjectLine(3, { id_number: lower }));
    assert.ok(check.ok && check.record.type === "subject" && !("op" in check.record));
    assert.equal(check.record.id_number, id);
    assert.equal(check.record.birth_date, syntheticBirthDate(3));
  });

  test("an organisation subject is identified by its unified social credit code", () => {
    const check = validate(
      subjectLine(1, { id_type: "cn_uscc", id_number: syntheticUscc(5), name: "Example Trading Co." }),
    );
    assert.equal(check.ok, true);
  });

  test("the current month and today are not in the future", () => {
    assert.equal(validate(statementLine(1, { period: "2025-06" })).ok, true);
    assert.equal(validate(accountLine(1, { opened_on: "2025-06-15" })).ok, true);
  });

  test("on_time_share accepts 0, 1 and decimals between", () => {
    for (const share of [0, 1, 0.5, 0.333])
      assert.equal(validate(activityLine(1, { on_time_share: share })).ok, true);
  });
});

describe("structure", () => {
  test("a JSON value that is not an object", () => {
    for (const value of [null, [], 42, "subject", true])
      expectRejected(validate(value), "RECORD_NOT_OBJECT", "");
  });

  test("a missing or unknown record type", () => {
    expectRejected(validate({ id_type: "cn_resident_id" }), "FIELD_MISSING", "type");
    expectRejected(validate(statementLine(1, { type: "loan" })), "RECORD_TYPE_UNKNOWN", "type");
    expectRejected(validate(statementLine(1, { type: 3 })), "RECORD_TYPE_UNKNOWN", "type");
    expectRejected(validate(statementLine(1, { type: "__proto__" })), "RECORD_TYPE_UNKNOWN", "type");
  });

  test("an op other than delete", () => {
    expectRejected(validate(statementLine(1, { op: "upsert" })), "OP_UNKNOWN", "op");
  });

  test("every required field of every record type is reported when missing", () => {
    const builders = {
      subject: subjectLine,
      account: accountLine,
      statement: statementLine,
      activity: activityLine,
    };
    for (const [type, build] of Object.entries(builders)) {
      for (const field of requiredFields[type as keyof typeof builders].upsert) {
        if (field === "type") continue;
        const line = build(1);
        delete line[field];
        expectRejected(validate(line), "FIELD_MISSING", field);
      }
    }
  });

  test("an unknown field is named when its name is harmless, and hidden when it could be personal data", () => {
    expectRejected(validate(statementLine(1, { balance: 5 })), "FIELD_UNKNOWN", "balance");
    const id = syntheticResidentId(9);
    const check = validate(statementLine(1, { [id]: 5 }));
    expectRejected(check, "FIELD_UNKNOWN", "");
    assert.ok(!check.ok && !check.message.includes(id));
  });

  test("a misspelt field is reported as unknown rather than as the missing field", () => {
    const line = statementLine(1, { balance_minr: 5 });
    delete line.balance_minor;
    expectRejected(validate(line), "FIELD_UNKNOWN", "balance_minr");
  });

  test("a delete carries only its natural key", () => {
    expectRejected(
      validate({ type: "account", op: "delete", account_ref: "ACC-1", kind: "bnpl" }),
      "FIELD_NOT_ALLOWED_ON_DELETE",
      "kind",
    );
    expectRejected(
      validate({ type: "statement", op: "delete", account_ref: "ACC-1" }),
      "FIELD_MISSING",
      "period",
    );
  });

  test("wrong JSON types and null", () => {
    expectRejected(validate(subjectLine(1, { name: 5 })), "FIELD_TYPE", "name");
    expectRejected(validate(statementLine(1, { days_past_due: "0" })), "FIELD_TYPE", "days_past_due");
    expectRejected(validate(statementLine(1, { balance_minor: true })), "FIELD_TYPE", "balance_minor");
    expectRejected(
      validate(statementLine(1, { balance_minor: { value: 1 } })),
      "FIELD_TYPE",
      "balance_minor",
    );
    expectRejected(validate(accountLine(1, { closed_on: null })), "FIELD_NULL", "closed_on");
  });
});

describe("amounts and numbers", () => {
  test("money must be a non-negative JSON integer within 2^53 - 1", () => {
    expectRejected(
      validate(statementLine(1, { balance_minor: 12.5 })),
      "AMOUNT_NOT_INTEGER",
      "balance_minor",
    );
    expectRejected(
      validate(statementLine(1, { balance_minor: "1250" })),
      "AMOUNT_IS_STRING",
      "balance_minor",
    );
    expectRejected(validate(statementLine(1, { past_due_minor: -1 })), "AMOUNT_NEGATIVE", "past_due_minor");
    expectRejected(
      validate(statementLine(1, { balance_minor: 2 ** 53 })),
      "AMOUNT_TOO_LARGE",
      "balance_minor",
    );
    expectRejected(validate(activityLine(1, { amount_minor: 1e300 })), "AMOUNT_TOO_LARGE", "amount_minor");
  });

  test("counts, terms and days are integers in range", () => {
    expectRejected(validate(statementLine(1, { days_past_due: 1.5 })), "NUMBER_NOT_INTEGER", "days_past_due");
    expectRejected(validate(accountLine(1, { term_months: 0 })), "NUMBER_OUT_OF_RANGE", "term_months");
    expectRejected(validate(accountLine(1, { term_months: 1201 })), "NUMBER_OUT_OF_RANGE", "term_months");
    expectRejected(validate(activityLine(1, { event_count: -2 })), "NUMBER_OUT_OF_RANGE", "event_count");
    expectRejected(
      validate(activityLine(1, { on_time_share: 1.01 })),
      "NUMBER_OUT_OF_RANGE",
      "on_time_share",
    );
    expectRejected(
      validate(activityLine(1, { on_time_share: -0.1 })),
      "NUMBER_OUT_OF_RANGE",
      "on_time_share",
    );
  });

  test("an account carries exactly one of credit limit and principal", () => {
    const neither = accountLine(1);
    delete neither.principal_minor;
    expectRejected(validate(neither), "ACCOUNT_LIMIT_OR_PRINCIPAL", "credit_limit_minor");
    expectRejected(
      validate(accountLine(1, { credit_limit_minor: 100 })),
      "ACCOUNT_LIMIT_OR_PRINCIPAL",
      "principal_minor",
    );
    const revolving = accountLine(1, { kind: "credit_card", credit_limit_minor: 2_000_000 });
    delete revolving.principal_minor;
    assert.equal(validate(revolving).ok, true);
  });
});

describe("text fields", () => {
  test("length limits hold at the limit and reject one past it", () => {
    assert.equal(validate(subjectLine(1, { name: "名".repeat(200) })).ok, true);
    expectRejected(validate(subjectLine(1, { name: "名".repeat(201) })), "FIELD_TOO_LONG", "name");
    assert.equal(validate(accountLine(1, { account_ref: "A".repeat(64) })).ok, true);
    expectRejected(
      validate(accountLine(1, { account_ref: "A".repeat(65) })),
      "FIELD_TOO_LONG",
      "account_ref",
    );
    expectRejected(validate(statementLine(1, { id_number: "1".repeat(33) })), "FIELD_TOO_LONG", "id_number");
  });

  test("empty text, bad formats and unknown enumeration values", () => {
    expectRejected(validate(subjectLine(1, { name: "" })), "FIELD_EMPTY", "name");
    expectRejected(validate(subjectLine(1, { name: "Test\u0007Person" })), "FIELD_FORMAT", "name");
    expectRejected(validate(subjectLine(1, { phone: "555-0100" })), "FIELD_FORMAT", "phone");
    expectRejected(validate(accountLine(1, { account_ref: "ACC 1" })), "FIELD_FORMAT", "account_ref");
    expectRejected(validate(accountLine(1, { kind: "payday_loan" })), "FIELD_VALUE_UNKNOWN", "kind");
    expectRejected(validate(statementLine(1, { status: "late" })), "FIELD_VALUE_UNKNOWN", "status");
    expectRejected(validate(activityLine(1, { category: "gaming" })), "FIELD_VALUE_UNKNOWN", "category");
    expectRejected(validate(subjectLine(1, { id_type: "passport" })), "FIELD_VALUE_UNKNOWN", "id_type");
  });

  test("currencies are three capital letters", () => {
    for (const currency of ["cny", "YUAN", "CN", ""]) {
      expectRejected(validate(accountLine(1, { currency })), "CURRENCY_INVALID", "currency");
    }
  });
});

describe("dates and periods", () => {
  test("dates must be calendar dates written YYYY-MM-DD", () => {
    for (const opened_on of ["2025-02-29", "2024-02-30", "2025/01/01", "2025-1-01", "20250101"]) {
      expectRejected(validate(accountLine(1, { opened_on })), "DATE_INVALID", "opened_on");
    }
    assert.equal(validate(accountLine(1, { opened_on: "2024-02-29" })).ok, true);
  });

  test("dates before 1900 or after the submission day", () => {
    expectRejected(validate(accountLine(1, { opened_on: "1899-12-31" })), "DATE_OUT_OF_RANGE", "opened_on");
    expectRejected(validate(accountLine(1, { opened_on: "2025-06-16" })), "DATE_IN_FUTURE", "opened_on");
    expectRejected(validate(accountLine(1, { closed_on: "2025-07-01" })), "DATE_IN_FUTURE", "closed_on");
    expectRejected(
      validate(subjectLine(1, { id_type: "cn_uscc", id_number: syntheticUscc(1), birth_date: "2030-01-01" })),
      "DATE_IN_FUTURE",
      "birth_date",
    );
  });

  test("an account cannot close before it opened", () => {
    expectRejected(validate(accountLine(1, { closed_on: "2022-12-31" })), "DATE_ORDER", "closed_on");
    assert.equal(validate(accountLine(1, { closed_on: "2023-01-10" })).ok, true);
  });

  test("periods are months written YYYY-MM and not after the submission month", () => {
    for (const period of ["2025-13", "2025-5", "2025-05-01", "May 2025"]) {
      expectRejected(validate(statementLine(1, { period })), "PERIOD_INVALID", "period");
    }
    expectRejected(validate(statementLine(1, { period: "2025-07" })), "PERIOD_IN_FUTURE", "period");
    expectRejected(validate(activityLine(1, { period: "2026-01" })), "PERIOD_IN_FUTURE", "period");
    expectRejected(validate(statementLine(1, { period: "1899-12" })), "DATE_OUT_OF_RANGE", "period");
    expectRejected(
      validate({ type: "statement", op: "delete", account_ref: "ACC-1", period: "2099-01" }),
      "PERIOD_IN_FUTURE",
      "period",
    );
  });
});

describe("statements", () => {
  const late = { status: "late_31_60", days_past_due: 45, past_due_minor: 230_000 };

  test("days past due must fall in the band the status names", () => {
    expectRejected(validate(statementLine(1, { days_past_due: 5 })), "STATUS_DAYS_MISMATCH", "days_past_due");
    expectRejected(
      validate(statementLine(1, { ...late, days_past_due: 30, notified_on: "2025-05-01" })),
      "STATUS_DAYS_MISMATCH",
      "days_past_due",
    );
    assert.equal(
      validate(statementLine(1, { ...late, days_past_due: 31, notified_on: "2025-05-01" })).ok,
      true,
    );
    assert.equal(
      validate(statementLine(1, { status: "late_180_plus", days_past_due: 400, notified_on: "2025-01-01" }))
        .ok,
      true,
    );
    assert.equal(validate(statementLine(1, { status: "closed", days_past_due: 0 })).ok, true);
    assert.equal(
      validate(statementLine(1, { status: "charged_off", days_past_due: 200, notified_on: "2025-01-01" })).ok,
      true,
    );
  });

  test("under the notice rule a negative statement needs notified_on, not after the submission day", () => {
    expectRejected(validate(statementLine(1, late)), "NOTICE_REQUIRED", "notified_on");
    expectRejected(
      validate(statementLine(1, { ...late, notified_on: "2025-06-16" })),
      "NOTICE_AFTER_SUBMISSION",
      "notified_on",
    );
    assert.equal(validate(statementLine(1, { ...late, notified_on: "2025-06-15" })).ok, true);
  });

  test("without the notice rule a negative statement may omit notified_on", () => {
    const usLike = createRecordValidator({ now: fixture_now, require_negative_notice: false });
    assert.equal(usLike(statementLine(1, late)).ok, true);
    assert.equal(usLike(statementLine(1, { ...late, status: "charged_off", days_past_due: 200 })).ok, true);
  });
});

describe("identifiers", () => {
  test("identifier errors carry the identity code and never the identifier", () => {
    const id = syntheticResidentId(4);
    const wrong = id.slice(0, 17) + (id[17] === "1" ? "2" : "1");
    const check = validate(statementLine(4, { id_number: wrong }));
    expectRejected(check, "ID_CHECK_CHARACTER", "id_number");
    assert.ok(!check.ok && !check.message.includes(wrong.slice(0, 10)));
    expectRejected(validate(subjectLine(1, { id_number: "1234" })), "ID_LENGTH", "id_number");
    expectRejected(
      validate(activityLine(1, { id_type: "us_ssn", id_number: "000-12-3456" })),
      "ID_AREA_CODE",
      "id_number",
    );
  });

  test("a subject's birth date must agree with the resident ID", () => {
    expectRejected(
      validate(subjectLine(2, { birth_date: "1990-01-01" })),
      "BIRTH_DATE_MISMATCH",
      "birth_date",
    );
    assert.equal(validate(subjectLine(2, { birth_date: syntheticBirthDate(2) })).ok, true);
  });

  test("identifier types outside the regime are refused", () => {
    const usOnly = createRecordValidator({ ...cnOptions, id_types_allowed: ["us_ssn"] });
    expectRejected(usOnly(statementLine(1)), "ID_TYPE_NOT_ALLOWED", "id_type");
    assert.equal(usOnly(statementLine(1, { id_type: "us_ssn", id_number: "123-45-6789" })).ok, true);
  });
});

test("no rejection message repeats a personal value from the record", () => {
  const id = syntheticResidentId(11);
  const personal = { id_number: id, name: "Zhang Testperson", phone: "+15555550142" };
  const broken: Record<string, unknown>[] = [
    subjectLine(11, { ...personal, name: 7 }),
    subjectLine(11, { ...personal, phone: "+1555" }),
    subjectLine(11, { ...personal, birth_date: "1970-01-01" }),
    subjectLine(11, { ...personal, id_number: `${id.slice(0, 16)}99` }),
    subjectLine(11, { ...personal, extra: personal.name }),
    subjectLine(11, { ...personal, name: `${personal.name}\u0000` }),
  ];
  for (const line of broken) {
    const check = validate(line);
    assert.equal(check.ok, false);
    for (const value of [id, id.slice(0, 12), personal.name, personal.phone]) {
      assert.ok(check.ok || !check.message.includes(value), `${check.ok ? "" : check.code} echoed a value`);
    }
  }
});
