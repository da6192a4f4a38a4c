import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { copyText } from "../db/database.ts";
import { type StatementLine, StatementPreparer, statementRow, statementText } from "./statement-rows.ts";

const base = {
  type: "statement",
  account_ref: "ACC-1",
  id_type: "cn_resident_id",
  id_number: "11010519491231002X",
  period: "2026-09",
  balance_minor: 4_200_000n,
  past_due_minor: 0n,
  days_past_due: 0,
  scheduled_payment_minor: 230_000n,
  actual_payment_minor: 230_000n,
  status: "current",
} as unknown as StatementLine;

describe("statementText", () => {
  it("writes exactly the COPY line of the statement's row, escaping included", () => {
    const records = [
      base,
      { ...base, account_ref: "A\\B\\\\C", status: "late_31_60", notified_on: "2026-09-03" },
      { ...base, balance_minor: 123_456_789_012_345_678n },
      { type: "statement", op: "delete", account_ref: "X\\1", period: "2025-01" },
    ] as unknown as StatementLine[];
    for (const record of records) {
      assert.equal(
        statementText("platform-a", 7n, record),
        copyText([statementRow("platform-a", 7n, record)]),
      );
    }
  });
});

describe("StatementPreparer", () => {
  it("hands over the UTF-8 bytes of the batch's COPY text, whatever the furnisher id", () => {
    const batch = [base, { ...base, account_ref: "A\\B", period: "2026-10" }].map((record, i) => ({
      line: i + 1,
      record,
      account_in_file: true,
    }));
    for (const furnisher_id of ["platform-a", "平台-b"]) {
      const prepared = new StatementPreparer(furnisher_id, 3n).prepare(batch).statements;
      const expected = batch.map((item) => statementText(furnisher_id, 3n, item.record)).join("");
      assert.equal(Buffer.from(prepared.text).toString("utf8"), expected);
      assert.equal(prepared.ready, 2);
    }
  });
});
