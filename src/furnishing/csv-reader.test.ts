// Tests for the CSV reader: the header rules, mixed record types in one file, blank cells, quoting and the
// exact conversion of numeric cells, and agreement with the NDJSON reader on the same records.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseCsvNumber, splitCsvLine } from "./csv-line.ts";
import { readCsv } from "./csv-reader.ts";
import { readNdjson } from "./ndjson-reader.ts";
import type { LineResult, ReaderOptions } from "./record-reader.ts";
import {
  accountLine,
  activityLine,
  chunked,
  collect,
  everyKindOfLine,
  fixture_now,
  statementLine,
  subjectLine,
  syntheticResidentId,
  toCsv,
  toNdjson,
} from "./test-fixtures.ts";

const options: ReaderOptions = { now: fixture_now, require_negative_notice: true };

function outcomes(results: LineResult[]): string[] {
  return results.map((r) =>
    r.record !== undefined ? `${r.line}:${r.record.type}` : `${r.line}!${r.error.code}`,
  );
}

async function readText(text: string, chunk_bytes = 64): Promise<LineResult[]> {
  return collect(readCsv(chunked(text, chunk_bytes), options));
}

const statementColumns = [
  "type",
  "account_ref",
  "id_type",
  "id_number",
  "period",
  "balance_minor",
  "past_due_minor",
  "days_past_due",
  "scheduled_payment_minor",
  "actual_payment_minor",
  "status",
  "notified_on",
];

describe("records", () => {
  test("one file mixes every record type and yields the same records as NDJSON", async () => {
    const lines = everyKindOfLine(2);
    const fromCsv = await readText(toCsv(lines));
    const fromNdjson = await collect(readNdjson(chunked(toNdjson(lines)), options));
    assert.deepEqual(
      outcomes(fromCsv),
      lines.map((line, i) => `${i + 2}:${line.type}`),
    );
    assert.deepEqual(
      fromCsv.map((r) => r.record),
      fromNdjson.map((r) => r.record),
    );
  });

  test("a header with only the statement columns works, and other types then lack their fields", async () => {
    const text = toCsv([statementLine(1), subjectLine(1)], statementColumns);
    const results = await readText(text);
    assert.deepEqual(outcomes(results), ["2:statement", "3!FIELD_MISSING"]);
    assert.equal(results[1]?.error?.field, "name");
  });

  test("a blank cell is an absent field", async () => {
    const text = toCsv([
      statementLine(1, { balance_minor: undefined }),
      accountLine(1, { closed_on: undefined }),
    ]);
    const results = await readText(text);
    assert.deepEqual(outcomes(results), ["2!FIELD_MISSING", "3:account"]);
    assert.equal(results[0]?.error?.field, "balance_minor");
  });

  test("quoted cells may hold commas and doubled quotes", async () => {
    const name = 'Test "Quoted", Person';
    const results = await readText(toCsv([subjectLine(1, { name })]));
    assert.equal(
      results[0]?.record?.type === "subject" && "name" in results[0].record && results[0].record.name,
      name,
    );
  });

  test("a byte order mark and CRLF line ends are tolerated", async () => {
    const text = `\ufeff${toCsv([subjectLine(1), accountLine(1)]).replaceAll("\n", "\r\n")}`;
    assert.deepEqual(outcomes(await readText(text, 1)), ["2:subject", "3:account"]);
  });

  test("a stray quote or a wrong cell count rejects that line only", async () => {
    const header = "type,account_ref,op";
    const text = [
      header,
      'account,AC"C-1,delete',
      'account,"ACC-2,delete',
      "account,ACC-3",
      "account,ACC-4,delete",
    ].join("\n");
    assert.deepEqual(outcomes(await readText(text)), [
      "2!CSV_MALFORMED",
      "3!CSV_MALFORMED",
      "4!CSV_FIELD_COUNT",
      "5:account",
    ]);
  });
});

describe("numbers", () => {
  test("numeric cells follow the JSON number grammar", async () => {
    const cells = [
      ["1250", "1:statement"],
      ["0", "1:statement"],
      ["1.25e3", "1:statement"],
      ["12.5", "1!AMOUNT_NOT_INTEGER"],
      ["-1", "1!AMOUNT_NEGATIVE"],
      ["99999999999999999999", "1!AMOUNT_TOO_LARGE"],
      ['"1,000"', "1!CSV_NUMBER_SYNTAX"],
      ["1,000", "1!CSV_FIELD_COUNT"],
      ["+5", "1!CSV_NUMBER_SYNTAX"],
      ["0x10", "1!CSV_NUMBER_SYNTAX"],
      [" 5", "1!CSV_NUMBER_SYNTAX"],
      ["007", "1!CSV_NUMBER_SYNTAX"],
      ["NaN", "1!CSV_NUMBER_SYNTAX"],
    ] as const;
    for (const [cell, expected] of cells) {
      const text = toCsv([statementLine(1, { balance_minor: "BALANCE" })], statementColumns).replace(
        "BALANCE",
        cell,
      );
      const results = await readText(text);
      assert.deepEqual(
        outcomes(results).map((o) => o.replace(/^2/, "1")),
        [expected],
        `cell ${JSON.stringify(cell)}`,
      );
    }
  });

  test("on_time_share takes decimals in CSV as in NDJSON", async () => {
    const results = await readText(toCsv([activityLine(1, { on_time_share: 0.75 })]));
    const record = results[0]?.record;
    assert.ok(record?.type === "activity" && !("op" in record));
    assert.equal(record.on_time_share, 0.75);
  });

  test("the cell helpers", () => {
    assert.deepEqual(splitCsvLine('a,"b,c",,"d""e"'), ["a", "b,c", "", 'd"e']);
    assert.deepEqual(splitCsvLine("a,"), ["a", ""]);
    assert.deepEqual(splitCsvLine('""'), [""]);
    assert.equal(splitCsvLine('"a"b'), undefined);
    assert.equal(
      parseCsvNumber("9007199254740993"),
      2 ** 53,
      "beyond 2^53 the cell rounds and is then too large",
    );
    assert.equal(parseCsvNumber("-0.5"), -0.5);
    assert.equal(parseCsvNumber("1e"), undefined);
  });
});

describe("header", () => {
  async function headerError(header: string): Promise<{ results: LineResult[]; drained: boolean }> {
    let drained = false;
    async function* source(): AsyncGenerator<Uint8Array> {
      yield Buffer.from(`${header}\n`);
      for (let i = 0; i < 50; i++) yield Buffer.from(`${toCsv([subjectLine(i)]).split("\n")[1]}\n`);
      drained = true;
    }
    const results = await collect(readCsv(source(), options));
    return { results, drained };
  }

  test("an unknown column is one CSV_BAD_HEADER naming it; the rest of the file is read but not reported", async () => {
    const { results, drained } = await headerError("type,id_type,id_number,name,nickname");
    assert.deepEqual(outcomes(results), ["1!CSV_BAD_HEADER"]);
    assert.equal(results[0]?.error?.field, "nickname");
    assert.match(results[0]?.error?.message ?? "", /nickname/);
    assert.equal(drained, true);
  });

  test("a data row used as a header does not leak its values", async () => {
    const id = syntheticResidentId(5);
    const { results } = await headerError(`type,id_type,${id},name`);
    assert.equal(results[0]?.error?.code, "CSV_BAD_HEADER");
    assert.equal(results[0]?.error?.field, "");
    assert.ok(!results[0]?.error?.message.includes(id));
  });

  test("duplicate, missing type and incomplete headers", async () => {
    const duplicate = await headerError("type,id_type,id_number,name,name");
    assert.equal(duplicate.results[0]?.error?.field, "name");
    const noType = await headerError("id_type,id_number,name");
    assert.equal(noType.results[0]?.error?.field, "type");
    const incomplete = await headerError("type,id_type,name");
    assert.deepEqual(outcomes(incomplete.results), ["1!CSV_BAD_HEADER"]);
    assert.equal(incomplete.results[0]?.error?.field, "id_number");
    assert.match(incomplete.results[0]?.error?.message ?? "", /subject needs id_number/);
  });

  test("a header for deletes only is complete", async () => {
    const text = "type,op,account_ref\naccount,delete,ACC-1\n";
    assert.deepEqual(outcomes(await readText(text)), ["2:account"]);
  });

  test("an unreadable header line is a bad header", async () => {
    const text = Buffer.concat([Buffer.from([0x74, 0xff, 0x0a]), Buffer.from(toCsv([subjectLine(1)]))]);
    const results = await collect(readCsv(chunked(text), options));
    assert.deepEqual(outcomes(results), ["1!CSV_BAD_HEADER"]);
  });

  test("a stream that fails before the header is a stream error", async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.from("type,op");
      throw Object.assign(new Error("unexpected end of file"), { code: "Z_BUF_ERROR" });
    }
    assert.deepEqual(outcomes(await collect(readCsv(failing(), options))), ["1!STREAM_CORRUPT"]);
  });
});
