// Fuzz tests for both readers: random bytes and mutated valid lines, cut into chunks of varying sizes.
// Whatever the input, reading never throws and every non-blank line gets exactly one result under its
// own line number. The generator is seeded, so a failure names the seed that reproduces it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { readCsv } from "./csv-reader.ts";
import { furnishingErrorCodes } from "./errors.ts";
import { readNdjson } from "./ndjson-reader.ts";
import type { LineResult, ReaderOptions } from "./record-reader.ts";
import { chunked, collect, everyKindOfLine, fixture_now, toCsv, toNdjson } from "./test-fixtures.ts";

const files_per_test = 150;

/** Mulberry32: a small seeded generator, so that failures can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Random = () => number;

function pick<T>(rnd: Random, items: readonly T[]): T {
  return items[Math.floor(rnd() * items.length)] as T;
}

function randomBytes(rnd: Random, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  // Newlines are made common so that random input has many lines.
  for (let i = 0; i < length; i++) bytes[i] = rnd() < 0.05 ? 0x0a : Math.floor(rnd() * 256);
  return bytes;
}

const garbage = [
  '{"a":[1,{"b":null}],"c":{"d":{"e":[[[]]]}}}',
  "1e400",
  "-1e400",
  "123456789012345678901234567890",
  "null",
  "true",
  '"\\u0000\\ud800"',
  "[]",
  '"',
  ",",
  "\r",
  "\ufeff",
  "名字",
  "\\",
];

function mutate(rnd: Random, line: string): string {
  let text = line;
  const rounds = 1 + Math.floor(rnd() * 3);
  for (let round = 0; round < rounds; round++) {
    const at = Math.floor(rnd() * (text.length + 1));
    switch (Math.floor(rnd() * 7)) {
      case 0:
        text = text.slice(0, at) + String.fromCharCode(Math.floor(rnd() * 0x7f)) + text.slice(at + 1);
        break;
      case 1:
        text = text.slice(0, at);
        break;
      case 2:
        text = text.replace("{", '{"balance_minor":1,"type":"subject",');
        break;
      case 3:
        text = text.replace(/\d+/, pick(rnd, garbage));
        break;
      case 4:
        text = text.slice(0, at) + pick(rnd, garbage) + text.slice(at);
        break;
      case 5:
        text = text.replace(/"[a-z_]+"(?=[:,])/, `"${pick(rnd, ["type", "op", "x", "id_number", ""])}"`);
        break;
      default:
        text = text.slice(0, at) + text.slice(at + 1 + Math.floor(rnd() * 5));
    }
  }
  return text;
}

/** The numbers of the lines a reader must answer: every line that is not blank after its line break. */
function nonBlankLines(bytes: Buffer): number[] {
  const numbers: number[] = [];
  let start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  for (let line = 1; start <= bytes.length; line++) {
    let end = bytes.indexOf(0x0a, start);
    const next = end === -1 ? bytes.length + 1 : end + 1;
    if (end === -1) end = bytes.length;
    if (end > start && bytes[end - 1] === 0x0d) end -= 1;
    let blank = true;
    for (let i = start; i < end && blank; i++) blank = bytes[i] === 0x20 || bytes[i] === 0x09;
    if (!blank) numbers.push(line);
    start = next;
  }
  return numbers;
}

function assertWellFormed(results: LineResult[], context: string): void {
  for (const result of results) {
    assert.ok((result.record === undefined) !== (result.error === undefined), `${context}: record xor error`);
    if (result.error === undefined) continue;
    assert.equal(result.error.line, result.line, context);
    assert.ok(
      Object.hasOwn(furnishingErrorCodes, result.error.code),
      `${context}: code ${result.error.code}`,
    );
    assert.equal(typeof result.error.field, "string", context);
    assert.ok(result.error.message.length > 0, context);
  }
}

function readerOptions(rnd: Random): ReaderOptions {
  return {
    now: fixture_now,
    require_negative_notice: rnd() < 0.5,
    line_bytes_max: pick(rnd, [64, 300, 65_536]),
  };
}

test("NDJSON: random bytes and mutated lines get exactly one result per non-blank line", async () => {
  for (let seed = 1; seed <= files_per_test; seed++) {
    const rnd = random(seed);
    let bytes: Buffer;
    if (seed % 3 === 0) {
      bytes = randomBytes(rnd, Math.floor(rnd() * 2000));
    } else {
      const lines = toNdjson(everyKindOfLine(seed))
        .split("\n")
        .map((line) => (rnd() < 0.6 ? mutate(rnd, line) : line));
      bytes = Buffer.from(lines.join(rnd() < 0.2 ? "\r\n" : "\n"));
    }
    const context = `seed ${seed}`;
    const results = await collect(
      readNdjson(chunked(bytes, pick(rnd, [1, 7, 64, 4096])), readerOptions(rnd)),
    );
    assertWellFormed(results, context);
    assert.deepEqual(
      results.map((r) => r.line),
      nonBlankLines(bytes),
      context,
    );
  }
});

test("CSV: mutated data lines get exactly one result per non-blank line after the header", async () => {
  for (let seed = 1; seed <= files_per_test; seed++) {
    const rnd = random(seed + 10_000);
    const [header, ...rows] = toCsv(everyKindOfLine(seed)).split("\n");
    const lines = [header, ...rows.map((row) => (rnd() < 0.6 ? mutate(rnd, row) : row))];
    const bytes = Buffer.from(lines.join(rnd() < 0.2 ? "\r\n" : "\n"));
    const context = `seed ${seed}`;
    const results = await collect(
      readCsv(chunked(bytes, pick(rnd, [1, 7, 64, 4096])), { ...readerOptions(rnd), line_bytes_max: 65_536 }),
    );
    assertWellFormed(results, context);
    assert.deepEqual(
      results.map((r) => r.line),
      nonBlankLines(bytes).slice(1),
      context,
    );
  }
});

test("CSV: random bytes give a single header error and nothing else", async () => {
  for (let seed = 1; seed <= files_per_test; seed++) {
    const rnd = random(seed + 20_000);
    const bytes = randomBytes(rnd, 1 + Math.floor(rnd() * 2000));
    const results = await collect(readCsv(chunked(bytes, pick(rnd, [1, 7, 64, 4096])), readerOptions(rnd)));
    const context = `seed ${seed}`;
    assertWellFormed(results, context);
    const first = nonBlankLines(bytes)[0];
    if (first === undefined) {
      assert.deepEqual(results, [], context);
    } else {
      assert.deepEqual(
        results.map((r) => `${r.line}!${r.error?.code}`),
        [`${first}!CSV_BAD_HEADER`],
        context,
      );
    }
  }
});
