// Tests for the NDJSON reader end to end: one result per line in order, line-level rejections, duplicate
// keys within a file, and a truncated gzip or failing stream reported as the last error.
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { test } from "node:test";
import { createGunzip, gzipSync } from "node:zlib";
import { readNdjson, readNdjsonBatches } from "./ndjson-reader.ts";
import type { LineResult, ReaderOptions } from "./record-reader.ts";
import {
  accountLine,
  chunked,
  collect,
  everyKindOfLine,
  fixture_now,
  statementLine,
  subjectLine,
  toNdjson,
} from "./test-fixtures.ts";

const options: ReaderOptions = { now: fixture_now, require_negative_notice: true };

function outcomes(results: LineResult[]): string[] {
  return results.map((r) =>
    r.record !== undefined ? `${r.line}:${r.record.type}` : `${r.line}!${r.error.code}`,
  );
}

test("a file with every record type yields one record per line, in order, with line numbers", async () => {
  const lines = everyKindOfLine(1);
  const results = await collect(readNdjson(chunked(toNdjson(lines), 7), options));
  assert.deepEqual(
    outcomes(results),
    lines.map((line, i) => `${i + 1}:${line.type}`),
  );
});

test("blank lines are skipped but counted, and a byte order mark and CRLF are tolerated", async () => {
  const text = `\ufeff${JSON.stringify(subjectLine(1))}\r\n\r\n   \n${JSON.stringify(accountLine(1))}`;
  assert.deepEqual(outcomes(await collect(readNdjson(chunked(text, 3), options))), [
    "1:subject",
    "4:account",
  ]);
});

test("malformed lines are rejected one by one and the reading goes on", async () => {
  const text = [
    JSON.stringify(subjectLine(1)),
    '{"type": "subject", ',
    "[1, 2, 3]",
    '"just a string"',
    JSON.stringify(statementLine(1, { balance_minor: 12.5 })),
    '{"type":"statement","type":"account"}',
    "{".repeat(5000) + "}".repeat(5000),
    "[".repeat(5000) + "]".repeat(5000),
    `${'{"nested":'.repeat(3000)}1${"}".repeat(3000)}`,
    JSON.stringify(accountLine(1)),
  ].join("\n");
  const results = await collect(readNdjson(chunked(text), options));
  assert.deepEqual(outcomes(results), [
    "1:subject",
    "2!JSON_INVALID",
    "3!RECORD_NOT_OBJECT",
    "4!RECORD_NOT_OBJECT",
    "5!AMOUNT_NOT_INTEGER",
    "6!FIELD_DUPLICATE",
    "7!JSON_INVALID",
    "8!RECORD_NOT_OBJECT",
    "9!FIELD_MISSING",
    "10:account",
  ]);
  assert.equal(results[4]?.error?.field, "balance_minor");
  assert.equal(results[5]?.error?.field, "type");
});

test("a colon inside a text value is not mistaken for a second field", async () => {
  const line = subjectLine(1, { name: 'Test "Colon": Person' });
  const results = await collect(readNdjson(chunked(`${JSON.stringify(line)}\n`), options));
  assert.deepEqual(outcomes(results), ["1:subject"]);
  const spaced = '{"type" : "account" , "account_ref" : "A:1", "op" : "delete", "account_ref" : "A:2"}';
  assert.deepEqual(outcomes(await collect(readNdjson(chunked(spaced), options))), ["1!FIELD_DUPLICATE"]);
});

test("a repeated natural key is rejected; other than a statement's, it names the earlier line", async () => {
  const text = toNdjson([
    statementLine(1),
    statementLine(2),
    statementLine(1, { balance_minor: 1 }),
    statementLine(1, { period: "2025-04" }),
    { type: "statement", op: "delete", account_ref: "ACC-2", period: "2025-05" },
    accountLine(1, { account_ref: "ACC-2" }),
    accountLine(1, { account_ref: "ACC-2", term_months: 12 }),
  ]);
  const results = await collect(readNdjson(chunked(text), options));
  assert.deepEqual(outcomes(results), [
    "1:statement",
    "2:statement",
    "3!DUPLICATE_KEY",
    "4:statement",
    "5!DUPLICATE_KEY",
    "6:account",
    "7!DUPLICATE_KEY",
  ]);
  // Statements are tracked as one bit per account and month, without the line they came from.
  assert.match(results[2]?.error?.message ?? "", /^An earlier line .* statement key \(account_ref, period\)/);
  assert.match(results[4]?.error?.message ?? "", /^An earlier line /);
  assert.match(results[6]?.error?.message ?? "", /^Line 6 .* account key/);
});

test("identifiers are compared after normalisation when looking for duplicates", async () => {
  const upper = subjectLine(0, { id_type: "us_ssn", id_number: "123-45-6789" });
  const plain = subjectLine(0, { id_type: "us_ssn", id_number: "123456789" });
  assert.deepEqual(outcomes(await collect(readNdjson(chunked(toNdjson([upper, plain])), options))), [
    "1:subject",
    "2!DUPLICATE_KEY",
  ]);
});

test("the per-file key limit rejects records beyond it", async () => {
  const text = toNdjson([statementLine(1), statementLine(2), statementLine(3), statementLine(1)]);
  const results = await collect(readNdjson(chunked(text), { ...options, keys_max: 2 }));
  assert.deepEqual(outcomes(results), ["1:statement", "2:statement", "3!FILE_KEYS_LIMIT", "4!DUPLICATE_KEY"]);
});

test("lines over line_bytes_max are rejected and the next line is read", async () => {
  const long = JSON.stringify(subjectLine(1, { name: "N".repeat(150) }));
  const text = `${toNdjson([subjectLine(2)])}${long}\n${toNdjson([subjectLine(3)])}`;
  const results = await collect(readNdjson(chunked(text, 50), { ...options, line_bytes_max: 200 }));
  assert.deepEqual(outcomes(results), ["1:subject", "2!LINE_TOO_LONG", "3:subject"]);
});

test("a truncated gzip yields the records read so far and a final STREAM_CORRUPT on the cut line", async () => {
  const lines = Array.from({ length: 200 }, (_, i) => statementLine(i));
  const gzip = gzipSync(toNdjson(lines));
  const truncated = gzip.subarray(0, Math.floor(gzip.length * 0.6));
  const source = Readable.from([truncated]).pipe(createGunzip());
  const results = await collect(readNdjson(source, options));
  const last = results.at(-1);
  assert.equal(last?.error?.code, "STREAM_CORRUPT");
  const records = results.filter((r) => r.record !== undefined);
  assert.ok(records.length > 0 && records.length < 200);
  assert.deepEqual(
    results.map((r) => r.line),
    Array.from({ length: results.length }, (_, i) => i + 1),
    "every line up to the cut has exactly one result",
  );
});

test("any other stream failure is a final STREAM_ERROR", async () => {
  async function* failing(): AsyncGenerator<Uint8Array> {
    yield Buffer.from(`${JSON.stringify(subjectLine(1))}\n{"type":`);
    throw new Error("connection reset by peer");
  }
  const results = await collect(readNdjson(failing(), options));
  assert.deepEqual(outcomes(results), ["1:subject", "2!STREAM_ERROR"]);
  assert.ok(!results[1]?.error?.message.includes("peer"), "the stream's own message is not passed on");
});

test("results come in batches of at most 1024 and stopping early releases the source", async () => {
  const text = toNdjson(Array.from({ length: 3000 }, (_, i) => statementLine(i)));
  const sizes: number[] = [];
  for await (const batch of readNdjsonBatches(chunked(text, 1 << 20), options)) sizes.push(batch.length);
  assert.deepEqual(sizes, [1024, 1024, 952]);

  const source = Readable.from(chunked(text, 4096));
  for await (const result of readNdjson(source, options)) {
    if (result.line === 10) break;
  }
  assert.equal(source.destroyed, true);
});
