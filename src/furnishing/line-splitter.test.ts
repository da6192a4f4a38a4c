// Tests for the bounded-memory line splitter: numbering, line breaks, byte order marks, the length limit
// and invalid UTF-8, with input cut into chunks at every possible place.
import assert from "node:assert/strict";
import { test } from "node:test";
import { LineSplitter, type RawLine } from "./line-splitter.ts";

function split(input: Uint8Array | string, line_bytes_max: number, chunk_bytes = 1 << 20): RawLine[] {
  const bytes = typeof input === "string" ? Buffer.from(input) : Buffer.from(input);
  const splitter = new LineSplitter(line_bytes_max);
  const lines: RawLine[] = [];
  for (let i = 0; i < bytes.length; i += chunk_bytes) {
    splitter.push(bytes.subarray(i, i + chunk_bytes));
    for (let line = splitter.next(); line !== undefined; line = splitter.next()) lines.push(line);
  }
  lines.push(...splitter.finish());
  return lines;
}

function summary(lines: RawLine[]): string[] {
  return lines.map((l) => (l.error === undefined ? `${l.line}:${l.text}` : `${l.line}!${l.error.code}`));
}

test("numbers lines from 1, skips blank and whitespace-only lines, and accepts CRLF", () => {
  const input = "a\r\n\nb\n \t \n\r\nc";
  for (const chunk of [1, 2, 3, 100]) {
    assert.deepEqual(summary(split(input, 100, chunk)), ["1:a", "3:b", "6:c"], `chunk ${chunk}`);
  }
});

test("a byte order mark at the start is dropped, even when it arrives byte by byte", () => {
  const input = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("first\nsecond\n")]);
  for (const chunk of [1, 2, 3, 4, 64]) {
    assert.deepEqual(summary(split(input, 100, chunk)), ["1:first", "2:second"], `chunk ${chunk}`);
  }
});

test("a byte order mark later in the file is kept as text", () => {
  assert.deepEqual(summary(split("a\n\ufeffb\n", 100)), ["1:a", "2:\ufeffb"]);
});

test("a short file without a newline, and an empty file", () => {
  assert.deepEqual(summary(split("{}", 100)), ["1:{}"]);
  assert.deepEqual(summary(split("", 100)), []);
  assert.deepEqual(summary(split("\n\n", 100)), []);
});

test("a line of exactly the limit is read; one byte more is rejected and reading continues", () => {
  const max = 16;
  const atLimit = "x".repeat(max);
  const overLimit = "y".repeat(max + 1);
  const input = `${atLimit}\n${overLimit}\n${atLimit}\r\n${overLimit}\r\nafter`;
  for (const chunk of [1, 5, 16, 17, 1000]) {
    assert.deepEqual(
      summary(split(input, max, chunk)),
      [`1:${atLimit}`, "2!LINE_TOO_LONG", `3:${atLimit}`, "4!LINE_TOO_LONG", "5:after"],
      `chunk ${chunk}`,
    );
  }
});

test("a huge line is rejected without being held in memory, and so is a huge last line", () => {
  const huge = "z".repeat(1_000_000);
  assert.deepEqual(summary(split(`${huge}\nok\n${huge}`, 1000, 4096)), [
    "1!LINE_TOO_LONG",
    "2:ok",
    "3!LINE_TOO_LONG",
  ]);
});

test("the limit counts bytes, not characters", () => {
  const threeBytes = "名";
  assert.deepEqual(summary(split(`${threeBytes.repeat(5)}\n${threeBytes.repeat(6)}\n`, 15)), [
    `1:${threeBytes.repeat(5)}`,
    "2!LINE_TOO_LONG",
  ]);
});

test("invalid UTF-8 rejects its own line only, also when a character is cut by a chunk boundary", () => {
  const input = Buffer.concat([
    Buffer.from("good 名\n"),
    Buffer.from([0x62, 0x61, 0x64, 0xff, 0x0a]),
    Buffer.from([0xe5, 0x90, 0x0a]),
    Buffer.from("again 名\n"),
  ]);
  for (const chunk of [1, 2, 7, 100]) {
    assert.deepEqual(
      summary(split(input, 100, chunk)),
      ["1:good 名", "2!LINE_NOT_UTF8", "3!LINE_NOT_UTF8", "4:again 名"],
      `chunk ${chunk}`,
    );
  }
});

test("line_in_progress names the line a failing stream stopped in", () => {
  const splitter = new LineSplitter(100);
  splitter.push(Buffer.from("one\ntwo\npart"));
  while (splitter.next() !== undefined);
  assert.equal(splitter.line_in_progress, 3);
});
