// Keeps docs/furnishing.md honest: every NDJSON and CSV example in it is read by the real readers and
// must be accepted, and its error table must list every code of the catalogue.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { readCsv } from "./csv-reader.ts";
import { furnishingErrorCodes } from "./errors.ts";
import { readNdjson } from "./ndjson-reader.ts";
import { chunked, collect, fixture_now } from "./test-fixtures.ts";

const guide = readFileSync(new URL("../../docs/furnishing.md", import.meta.url), "utf8");
const options = { now: fixture_now, require_negative_notice: true };

function examples(language: string): string[] {
  return [...guide.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, "g"))].map(
    (m) => m[1] as string,
  );
}

test("every NDJSON example in the guide is valid", async () => {
  const blocks = examples("ndjson");
  assert.ok(blocks.length >= 4);
  for (const block of blocks) {
    for (const result of await collect(readNdjson(chunked(block), options))) {
      assert.equal(
        result.error,
        undefined,
        `line ${result.line} of ${block.slice(0, 60)}: ${result.error?.message}`,
      );
    }
  }
});

test("every CSV example in the guide is valid", async () => {
  const blocks = examples("csv");
  assert.ok(blocks.length >= 2);
  for (const block of blocks) {
    const results = await collect(readCsv(chunked(block), options));
    assert.equal(results.length, block.trim().split("\n").length - 1);
    for (const result of results) {
      assert.equal(
        result.error,
        undefined,
        `line ${result.line}: ${result.error?.code} ${result.error?.message}`,
      );
    }
  }
});

test("the guide's error table lists every code with its catalogue description", () => {
  // The table's columns are padded by the formatter, so cells are compared without their padding.
  const rows = new Map(
    guide
      .split("\n")
      .map((line) => line.split("|").map((cell) => cell.trim()))
      .map((cells) => [cells[1], cells[2]]),
  );
  for (const [code, description] of Object.entries(furnishingErrorCodes)) {
    assert.equal(rows.get(`\`${code}\``), description, code);
  }
});
