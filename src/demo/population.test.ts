// Tests of the synthetic population's files: repeatable for a seed, valid furnishing records (but for the
// deliberate errors), each platform furnishing what it would hold, and the benchmark and file writers.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, test } from "node:test";
import { regimes } from "../config/regimes.ts";
import { createRecordValidator } from "../furnishing/record-validator.ts";
import type { IdentifierType } from "../identity/national-id.ts";
import { demoInstitutions } from "./demo-institutions.ts";
import {
  chunk_chars,
  generatePopulation,
  generateStatementRows,
  ndjsonChunks,
  type PopulationOptions,
  people_max,
  populationFurnishers,
  subjectIdentifier,
  writePopulationFiles,
} from "./population.ts";
import { erroneous_furnisher } from "./population-records.ts";
import { uniqueResidentId } from "./synthetic-ids.ts";

const now = new Date("2026-11-01T08:00:00Z");
const options: PopulationOptions = { people: 200, seed: 11, now };
const validate = createRecordValidator({
  now,
  require_negative_notice: regimes.cn.negative_notice_before_furnishing,
  id_types_allowed: regimes.cn.identifier_types as IdentifierType[],
});

type Line = Record<string, unknown> & { type: string };

function filesOf(population: PopulationOptions): Map<string, string[]> {
  return new Map(generatePopulation(population).map((file) => [file.institution_id, [...file.lines]]));
}

const files = filesOf(options);
const records = new Map([...files].map(([id, lines]) => [id, lines.map((line) => JSON.parse(line) as Line)]));
const recordsOf = (id: string, type: string) =>
  (records.get(id) ?? []).filter((record) => record.type === type);

function digest(lines: readonly string[]): string {
  return createHash("sha256").update(lines.join("")).digest("hex");
}

describe("synthetic population files", () => {
  test("every demo furnisher gets a file and the same seed gives the same bytes", () => {
    assert.deepEqual(
      populationFurnishers,
      demoInstitutions.filter((institution) => institution.furnishes).map((institution) => institution.id),
    );
    assert.deepEqual([...files.keys()], populationFurnishers);
    const again = filesOf(options);
    const other = filesOf({ ...options, seed: 12 });
    for (const [id, lines] of files) {
      assert.ok(lines.length > 0, id);
      assert.equal(digest(again.get(id) ?? []), digest(lines), id);
      assert.notEqual(digest(other.get(id) ?? []), digest(lines), id);
    }
  });

  test("every line passes the validator except a handful of mistyped identifiers in one file", () => {
    const types = new Set<string>();
    for (const [id, lines] of files) {
      const rejected: string[] = [];
      for (const line of lines) {
        assert.ok(line.endsWith("}\n"), "one record a line, newline-terminated");
        const check = validate(JSON.parse(line));
        if (check.ok) types.add(check.record.type);
        else rejected.push(`${check.code} ${check.field}`);
      }
      if (id === erroneous_furnisher) {
        assert.ok(rejected.length >= 1, "the quality screens have something to show");
        assert.ok(
          rejected.every((error) => error === "ID_CHECK_CHARACTER id_number"),
          rejected.join(),
        );
        assert.ok(rejected.length / lines.length < 0.01, "well under the 5% rejection threshold");
      } else {
        assert.deepEqual(rejected, [], id);
      }
    }
    assert.deepEqual([...types].sort(), ["account", "activity", "statement", "subject"]);
  });

  test("without data errors every line of every file is valid", () => {
    for (const file of generatePopulation({ ...options, people: 120, data_errors: false })) {
      for (const line of file.lines) assert.equal(validate(JSON.parse(line)).ok, true, file.institution_id);
    }
  });

  test("each platform furnishes what it would hold", () => {
    const kinds = (id: string) => new Set(recordsOf(id, "account").map((record) => record.kind));
    const categories = (id: string) => new Set(recordsOf(id, "activity").map((record) => record.category));
    assert.deepEqual([...kinds("qilin-pay")], ["micro_loan"]);
    assert.deepEqual([...categories("qilin-pay")].sort(), ["payments", "telecom", "utilities"]);
    assert.deepEqual([...kinds("mantou-eats")], []);
    assert.deepEqual([...categories("mantou-eats")], ["food_delivery"]);
    assert.deepEqual([...kinds("jingxi-mall")], ["bnpl"]);
    assert.deepEqual([...categories("jingxi-mall")], ["ecommerce"]);
    assert.deepEqual([...kinds("yunlv-travel")], []);
    assert.deepEqual([...categories("yunlv-travel")], ["travel"]);
    const bank_kinds = new Set([...kinds("donggang-bank"), ...kinds("beiyuan-bank")]);
    assert.deepEqual([...bank_kinds].sort(), [
      "consumer_loan",
      "credit_card",
      "mortgage",
      "small_business_loan",
    ]);
    assert.deepEqual([...categories("donggang-bank"), ...categories("beiyuan-bank")], []);
  });

  test("some micro-loans are co-lent with a demo bank and name it by its legal id", () => {
    const bank_ids = new Set(
      demoInstitutions
        .filter((institution) => institution.kind === "bank")
        .map((institution) => institution.legal_id),
    );
    const co_lent = recordsOf("qilin-pay", "account").filter((record) => record.co_lender !== undefined);
    assert.ok(co_lent.length > 0);
    assert.ok(co_lent.length < recordsOf("qilin-pay", "account").length);
    for (const record of co_lent) assert.ok(bank_ids.has(record.co_lender as string));
    for (const id of populationFurnishers.filter((furnisher) => furnisher !== "qilin-pay")) {
      assert.ok(
        recordsOf(id, "account").every((record) => record.co_lender === undefined),
        id,
      );
    }
  });

  test("histories cover the 36 months before now, except the late platform's last two", () => {
    const periods = (id: string, type: string) =>
      recordsOf(id, type).map((record) => record.period as string);
    for (const id of ["donggang-bank", "qilin-pay", "jingxi-mall", "mantou-eats"]) {
      const seen = [...periods(id, "statement"), ...periods(id, "activity")].sort();
      assert.equal(seen[0], "2023-11", id);
      assert.equal(seen.at(-1), "2026-10", id);
    }
    assert.deepEqual([...new Set(periods("yunlv-travel", "activity"))].sort(), ["2026-09", "2026-10"]);
  });

  test("only subject lines carry the obviously synthetic name, birth date and phone", () => {
    for (const [id, lines] of records) {
      const subjects = lines.filter((record) => record.type === "subject");
      assert.ok(subjects.length > 0, id);
      for (const subject of subjects) {
        assert.match(subject.name as string, /\(synthetic \d+\)$/);
        assert.match(subject.phone as string, /^\+86170\d{8}$/);
        const id_number = subject.id_number as string;
        assert.equal(
          subject.birth_date,
          `${id_number.slice(6, 10)}-${id_number.slice(10, 12)}-${id_number.slice(12, 14)}`,
        );
      }
      for (const record of lines.filter((line) => line.type !== "subject")) {
        for (const field of ["name", "phone", "birth_date"])
          assert.equal(field in record, false, `${id} ${field}`);
      }
    }
  });

  test("subjectIdentifier names the resident ID a person is furnished under", () => {
    assert.deepEqual(subjectIdentifier(42), { id_type: "cn_resident_id", id_number: uniqueResidentId(42) });
    const furnished = new Set(recordsOf("donggang-bank", "subject").map((record) => record.id_number));
    assert.ok([...furnished].every((id_number) => /^\d{17}[\dX]$/.test(id_number as string)));
  });

  test("a population is between none and people_max people", () => {
    for (const file of generatePopulation({ ...options, people: 0 })) assert.deepEqual([...file.lines], []);
    assert.throws(() => generatePopulation({ ...options, people: people_max + 1 }), /people_max/);
    assert.throws(() => generatePopulation({ ...options, people: 1.5 }), /people_max/);
  });

  test("lines are joined into chunks of at least chunk_chars, but for the last", () => {
    const lines = files.get("qilin-pay") ?? [];
    const chunks = [...ndjsonChunks(lines)];
    assert.ok(chunks.length > 1);
    assert.equal(chunks.join(""), lines.join(""));
    for (const chunk of chunks.slice(0, -1)) assert.ok(chunk.length >= chunk_chars && chunk.endsWith("\n"));
    assert.deepEqual([...ndjsonChunks([])], []);
  });

  test("writePopulationFiles writes one NDJSON file per furnisher with the generated lines", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "credence-population-"));
    try {
      const written = await writePopulationFiles(dir, options);
      assert.deepEqual(
        written.map((file) => path.basename(file.path)),
        populationFurnishers.map((id) => `${id}.ndjson`),
      );
      for (const file of written) {
        const expected = (files.get(file.institution_id) ?? []).join("");
        assert.equal(fs.readFileSync(file.path, "utf8"), expected);
        assert.equal(file.lines, files.get(file.institution_id)?.length);
        assert.equal(file.bytes, Buffer.byteLength(expected));
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("the benchmark file holds exactly the statements asked for, each after its account and subject", () => {
    for (const statement_rows of [0, 1, 2_500]) {
      const known_subjects = new Set<string>();
      const known_accounts = new Set<string>();
      let statements = 0;
      for (const line of generateStatementRows(statement_rows, { seed: 5, now })) {
        const check = validate(JSON.parse(line));
        assert.ok(check.ok, line);
        const record = check.record as Line;
        if (record.type === "subject") known_subjects.add(record.id_number as string);
        if (record.type === "account") {
          assert.ok(known_subjects.has(record.id_number as string));
          known_accounts.add(record.account_ref as string);
        }
        if (record.type === "statement") {
          assert.ok(known_accounts.has(record.account_ref as string));
          statements++;
        }
      }
      assert.equal(statements, statement_rows);
    }
  });
});
