// The reader thread must give exactly what the reader gives in place: same records, errors and order.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { readCsvBatches } from "./csv-reader.ts";
import { readNdjsonBatches } from "./ndjson-reader.ts";
import { readInThread } from "./reader-thread.ts";
import type { LineResult, ReaderOptions } from "./record-reader.ts";
import { statementText } from "./statement-rows.ts";
import {
  accountLine,
  chunked,
  collect,
  everyKindOfLine,
  fixture_now,
  statementLine,
  toCsv,
  toNdjson,
} from "./test-fixtures.ts";

const options: ReaderOptions = { now: fixture_now, require_negative_notice: true };

/** A file with every kind of line, bad lines among them, and statements before and after their account. */
function mixedFile(): string {
  const lines: unknown[] = [];
  for (let n = 0; n < 3000; n++) {
    if (n % 3 === 0) lines.push(statementLine(n + 1));
    lines.push(...everyKindOfLine(n));
    if (n % 50 === 0) lines.push(statementLine(n, { balance_minor: 1.5 }));
    if (n % 70 === 0) lines.push(accountLine(n));
  }
  return `${toNdjson(lines as Record<string, unknown>[])}{"type":"nothing"}\nnot json\n`;
}

async function inPlace(batches: AsyncIterable<LineResult[]>): Promise<LineResult[]> {
  return (await collect(batches)).flat();
}

describe("readInThread", () => {
  it("yields the in-place results of an NDJSON file, errors and duplicates included, in order", async () => {
    const text = mixedFile();
    const expected = await inPlace(readNdjsonBatches(chunked(text, 7_777), options));
    assert.ok(expected.some((result) => result.error?.code === "FIELD_DUPLICATE" || result.error));
    const threaded = (await collect(readInThread("ndjson", chunked(text, 7_777), options))).flatMap(
      (batch) => batch.results,
    );
    assert.deepEqual(threaded, expected);
  });

  it("yields the in-place results of a CSV file", async () => {
    const text = toCsv([
      ...everyKindOfLine(1),
      ...everyKindOfLine(2),
      statementLine(9, { period: "2099-01" }),
    ]);
    const expected = await inPlace(readCsvBatches(chunked(text, 100), options));
    const threaded = (await collect(readInThread("csv", chunked(text, 100), options))).flatMap(
      (batch) => batch.results,
    );
    assert.deepEqual(threaded, expected);
  });

  it("reads a file on disk itself with the same results, and a missing file is a STREAM_ERROR", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "credence-reader-"));
    try {
      const file = path.join(dir, "upload.ndjson");
      const text = mixedFile();
      fs.writeFileSync(file, text);
      const expected = await inPlace(readNdjsonBatches(chunked(text, 7_777), options));
      const threaded = (await collect(readInThread("ndjson", { file }, options))).flatMap((b) => b.results);
      assert.deepEqual(threaded, expected);
      const missing = await collect(readInThread("ndjson", { file: path.join(dir, "gone") }, options));
      assert.deepEqual(
        missing.flatMap((b) => b.results).map((result) => [result.line, result.error?.code]),
        [[1, "STREAM_ERROR"]],
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("turns a truncated gzip stream into the same STREAM_CORRUPT line error", async () => {
    const { createGunzip } = await import("node:zlib");
    const { Readable } = await import("node:stream");
    const zipped = gzipSync(mixedFile());
    const truncated = () => Readable.from([zipped.subarray(0, zipped.length >> 1)]).pipe(createGunzip());
    const expected = await inPlace(readNdjsonBatches(truncated(), options));
    const threaded = (await collect(readInThread("ndjson", truncated(), options))).flatMap((b) => b.results);
    assert.equal(threaded.at(-1)?.error?.code, "STREAM_CORRUPT");
    assert.deepEqual(threaded, expected);
  });

  it("prepares each statement's COPY line once, ready or waiting for its account, and nothing else", async () => {
    const text = mixedFile();
    const expected = await inPlace(readNdjsonBatches(chunked(text, 65_536), options));
    const batches = await collect(
      readInThread("ndjson", chunked(text, 65_536), options, {
        prepare_statements: { furnisher_id: "platform-a", seq: 42n },
      }),
    );
    const statements = expected.filter((result) => result.record?.type === "statement");
    const expectedText = statements.map((result) =>
      statementText("platform-a", 42n, result.record as Parameters<typeof statementText>[2]),
    );
    const decoder = new TextDecoder();
    const ready = batches.map((batch) => decoder.decode(batch.statements?.text)).join("");
    const waiting = batches.flatMap((batch) => batch.statements?.unresolved ?? []);
    assert.equal(
      batches.reduce((n, batch) => n + (batch.statements?.ready ?? 0), 0) + waiting.length,
      statements.length,
    );
    assert.ok(waiting.length > 0, "statements before their account wait for the check");
    assert.deepEqual(
      [...ready.split("\n").filter(Boolean), ...waiting.map((item) => item.text.trimEnd())].sort(),
      expectedText.map((line) => line.trimEnd()).sort(),
    );
    assert.deepEqual(
      batches.flatMap((batch) => batch.results),
      expected.filter((result) => result.record?.type !== "statement"),
    );
  });
});
