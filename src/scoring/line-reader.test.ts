import assert from "node:assert/strict";
import { test } from "node:test";
import { line_bytes_max, readLines } from "./line-reader.ts";

async function lines(chunks: (string | Uint8Array)[]) {
  const result = [];
  for await (const line of readLines(
    (async function* () {
      yield* chunks;
    })(),
  )) {
    result.push(line);
  }
  return result;
}

test("lines split across chunks are joined, blank lines skipped but counted, CRLF accepted", async () => {
  const result = await lines(['{"a":', "1}\r\n\n", Buffer.from('{"b":2}\n{"c"'), ":3}"]);
  assert.deepEqual(
    result.map((line) => [line.number, line.text, line.too_long]),
    [
      [1, '{"a":1}', false],
      [3, '{"b":2}', false],
      [4, '{"c":3}', false],
    ],
  );
});

test("a line of exactly the limit is read; one byte more is reported as too long and skipped", async () => {
  const at_limit = "x".repeat(line_bytes_max);
  const over = "y".repeat(line_bytes_max + 1);
  const result = await lines([`${at_limit}\n`, over.slice(0, 1000), `${over.slice(1000)}\nnext\n`]);
  assert.deepEqual(
    result.map((line) => [line.number, line.text.length, line.too_long]),
    [
      [1, line_bytes_max, false],
      [2, 0, true],
      [3, 4, false],
    ],
  );
});

test("multi-byte characters count by bytes and survive chunk boundaries", async () => {
  const bytes = Buffer.from("信用\n", "utf8");
  const result = await lines([bytes.subarray(0, 2), bytes.subarray(2)]);
  assert.equal(result[0]?.text, "信用");
});
