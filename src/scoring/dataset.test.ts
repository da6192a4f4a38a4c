import assert from "node:assert/strict";
import { test } from "node:test";
import { parseCsvTable } from "./csv-reader.ts";
import {
  buildDataset,
  buildDatasetForModel,
  categorical_levels_max,
  type DatasetOptions,
} from "./dataset.ts";
import { DomainError } from "./errors.ts";
import { parseGermanTable } from "./german-reader.ts";
import { columns_max } from "./raw-table.ts";

function csv(lines: string[]): string {
  return `${lines.join("\n")}\n`;
}

function build(text: string, options: DatasetOptions) {
  return buildDataset(parseCsvTable(text), options);
}

function rejectsWith(code: string, action: () => unknown): DomainError {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof DomainError, `expected DomainError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code);
  return caught;
}

const good_rows = ["income,region,bad", "100,north,0", "250,south,1", ",north,0", "75.5,east,1"];

test("a CSV with a header becomes typed columns: numbers numeric, text categorical, blanks missing", () => {
  const dataset = build(csv(good_rows), { target: "bad" });
  assert.equal(dataset.row_count, 4);
  assert.deepEqual([...dataset.target], [0, 1, 0, 1]);
  const [income, region] = dataset.features;
  assert.equal(income?.kind, "numeric");
  assert.equal(region?.kind, "categorical");
  if (income?.kind === "numeric") assert.ok(Number.isNaN(income.values[2]));
  if (region?.kind === "categorical") assert.deepEqual(region.levels, ["north", "south", "east"]);
  assert.deepEqual([...dataset.line_numbers], [2, 3, 4, 5]);
});

test("constant and all-missing columns are dropped with a coded warning", () => {
  const dataset = build(csv(["x,same,empty,bad", "1,7,,0", "2,7,NA,1", "3,7,,0", "4,7,?,1"]), {
    target: "bad",
  });
  assert.deepEqual(
    dataset.features.map((column) => column.name),
    ["x"],
  );
  assert.deepEqual(
    dataset.warnings.map((warning) => [warning.code, warning.column]),
    [
      ["COLUMN_CONSTANT", "same"],
      ["COLUMN_ALL_MISSING", "empty"],
    ],
  );
});

test("a column with one value plus missing values is kept: missingness can carry risk", () => {
  const dataset = build(csv(["flag,bad", "1,0", ",1", "1,0", ",1"]), { target: "bad" });
  assert.equal(dataset.features.length, 1);
});

test("nothing usable left is an error, not an empty model", () => {
  const error = rejectsWith("NO_USABLE_FEATURES", () =>
    build(csv(["same,empty,bad", "7,,0", "7,,1"]), { target: "bad" }),
  );
  assert.equal((error.details?.warnings as unknown[] | undefined)?.length, 2);
});

test("the target must exist, be present on every line, and have exactly two classes", () => {
  rejectsWith("TARGET_COLUMN_NOT_FOUND", () => build(csv(good_rows), { target: "default" }));
  const missing = rejectsWith("TARGET_MISSING", () =>
    build(csv(["x,bad", "1,0", "2,", "3,1"]), { target: "bad" }),
  );
  assert.equal(missing.details?.line, 3);
  rejectsWith("TARGET_NOT_BINARY", () => build(csv(["x,bad", "1,0", "2,1", "3,2"]), { target: "bad" }));
  rejectsWith("TARGET_ONE_CLASS", () => build(csv(["x,bad", "1,0", "2,0", "3,0.0"]), { target: "bad" }));
});

test("a two-valued target other than 0/1 needs --bad-value, which must occur", () => {
  const text = csv(["x,outcome", "1,good", "2,bad", "3,good"]);
  rejectsWith("TARGET_BAD_VALUE_REQUIRED", () => build(text, { target: "outcome" }));
  rejectsWith("TARGET_BAD_VALUE_NOT_FOUND", () => build(text, { target: "outcome", bad_value: "default" }));
  const dataset = build(text, { target: "outcome", bad_value: "bad" });
  assert.deepEqual([...dataset.target], [0, 1, 0]);
  assert.equal(dataset.bad_label, "bad");
});

test("text in a numeric column is rejected with the first offending line, unless declared categorical", () => {
  const text = csv(
    ["amount,bad", "100,0", "200,1", "1,000,0"].map((line, index) => (index === 3 ? '"1,000",0' : line)),
  );
  const error = rejectsWith("COLUMN_MIXED_TYPES", () => build(text, { target: "bad" }));
  assert.equal(error.details?.line, 4);
  assert.equal(error.details?.column, "amount");
  assert.ok(!error.message.includes("1,000"), "the message names the line, not the value");
  const dataset = build(text, { target: "bad", categorical: ["amount"] });
  assert.equal(dataset.features[0]?.kind, "categorical");
});

test("options naming unknown columns, duplicate headers and ragged rows are errors with codes", () => {
  rejectsWith("DATA_UNKNOWN_COLUMN", () => build(csv(good_rows), { target: "bad", exclude: ["nope"] }));
  rejectsWith("DATA_DUPLICATE_COLUMN", () => build(csv(["x,x,bad", "1,2,0"]), { target: "bad" }));
  const ragged = rejectsWith("DATA_ROW_WIDTH", () =>
    build(csv(["x,bad", "1,0", "2,1,9"]), { target: "bad" }),
  );
  assert.equal(ragged.details?.line, 3);
  rejectsWith("DATA_CSV_MALFORMED", () => build('x,bad\n"1,0\n', { target: "bad" }));
  rejectsWith("DATA_EMPTY", () => build(csv(["x,bad"]), { target: "bad" }));
});

test("the German format maps outcome 2 to bad and checks the field count", () => {
  const line = "A11 6 A34 A43 1169 A65 A75 4 A93 A101 4 A121 67 A143 A152 2 A173 1 A192 A201";
  const other = line.replace("A11 6", "A12 48");
  const table = parseGermanTable(`${line} 1\n${other} 2 \n\n`);
  const dataset = buildDataset(table, { target: "bad" });
  assert.deepEqual([...dataset.target], [0, 1]);
  assert.equal(dataset.features.find((column) => column.name === "checking_status")?.kind, "categorical");
  rejectsWith("DATA_ROW_WIDTH", () => parseGermanTable(`${line}\n`));
  rejectsWith("TARGET_NOT_BINARY", () => parseGermanTable(`${line} 3\n`));
});

test("data for an existing model is typed by the model and must hold every model feature", () => {
  const table = parseCsvTable(csv(["income,region,bad", "100,north,0", "abc,south,1"]));
  const features = [
    { name: "income", kind: "numeric" as const },
    { name: "region", kind: "categorical" as const },
  ];
  const error = rejectsWith("DATA_VALUE_NOT_NUMERIC", () =>
    buildDatasetForModel(table, { features, target: "bad", bad_value: "1" }),
  );
  assert.equal(error.details?.line, 3);
  const mismatch = rejectsWith("MODEL_FEATURES_MISMATCH", () =>
    buildDatasetForModel(table, {
      features: [{ name: "tenure", kind: "numeric" }],
      target: "bad",
      bad_value: "1",
    }),
  );
  assert.deepEqual(mismatch.details?.absent, ["tenure"]);
});

test("the column limit: as many columns as allowed are read, one more is refused", () => {
  const header = (count: number) =>
    [...Array.from({ length: count - 1 }, (_, index) => `c${index}`), "bad"].join(",");
  const row = (count: number) =>
    [...Array.from({ length: count - 1 }, (_, index) => String(index)), "0"].join(",");
  assert.equal(parseCsvTable(csv([header(columns_max), row(columns_max)])).header.length, columns_max);
  rejectsWith("DATA_TOO_MANY_COLUMNS", () =>
    parseCsvTable(csv([header(columns_max + 1), row(columns_max + 1)])),
  );
});

test("the category limit: a text column with the most categories allowed is kept, one more is dropped as an identifier", () => {
  const rows = (levels: number) => [
    "kind,x,bad",
    ...Array.from({ length: levels }, (_, row) => `k${row},${row % 3},${row % 2}`),
  ];
  const kept = build(csv(rows(categorical_levels_max)), { target: "bad" });
  assert.ok(kept.features.some((column) => column.name === "kind"));
  const dropped = build(csv(rows(categorical_levels_max + 1)), { target: "bad" });
  assert.ok(!dropped.features.some((column) => column.name === "kind"));
  assert.deepEqual(
    dropped.warnings.map((warning) => warning.code),
    ["COLUMN_TOO_MANY_CATEGORIES"],
  );
});
