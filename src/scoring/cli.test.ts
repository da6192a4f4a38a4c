import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { modelCommand } from "./cli.ts";
import { rowRecord } from "./dataset.ts";
import { line_bytes_max } from "./line-reader.ts";
import { parseModelJson } from "./model-schema.ts";
import { syntheticCreditData } from "./synthetic-data.ts";

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function run(argv: string[], stdin: string[] = []): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await modelCommand(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    stdin: (async function* () {
      yield* stdin;
    })(),
  });
  return { code, stdout, stderr };
}

let directory = "";
const path = (name: string) => join(directory, name);

before(async () => {
  directory = await mkdtemp(join(tmpdir(), "credence-model-cli-"));
  const { dataset } = syntheticCreditData({
    rows: 1_500,
    features: 5,
    seed: 41,
    missing_share: 0.1,
    non_monotone: false,
  });
  const names = dataset.features.map((column) => column.name);
  const lines = [[...names, "defaulted"].join(",")];
  for (let row = 0; row < dataset.row_count; row += 1) {
    const record = rowRecord(dataset, row);
    lines.push(
      [...names.map((name) => record[name] ?? ""), dataset.target[row] === 1 ? "yes" : "no"].join(","),
    );
  }
  await writeFile(path("train.csv"), `${lines.join("\n")}\n`);
  await writeFile(path("mixed.csv"), "amount,bad\n1,0\n2,1\nlots,0\n4,1\n");
});

after(async () => {
  await rm(directory, { recursive: true, force: true });
});

test("help is available for the group and for every command", async () => {
  const overview = await run(["--help"]);
  assert.equal(overview.code, 0);
  assert.match(overview.stdout, /train .*\n.*evaluate .*\n.*score /);
  for (const command of ["train", "evaluate", "score"]) {
    const help = await run([command, "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, new RegExp(`credence model ${command}`));
  }
  const bare = await run([]);
  assert.equal(bare.code, 2);
});

test("usage mistakes exit 2 with CLI_USAGE and the command's help", async () => {
  const unknown = await run(["train", "--data", "x.csv", "--colour", "red"]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /CLI_USAGE/);
  const missing = await run(["train", "--data", path("train.csv")]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--out is required/);
  const folds = await run([
    "train",
    "--data",
    path("train.csv"),
    "--target",
    "defaulted",
    "--out",
    "m",
    "--folds",
    "x",
  ]);
  assert.match(folds.stderr, /--folds must be an integer/);
  assert.equal((await run(["fly"])).code, 2);
});

test("train writes a model and a report; evaluate and score use the model", async () => {
  const trained = await run([
    "train",
    "--data",
    path("train.csv"),
    "--target",
    "defaulted",
    "--bad-value",
    "yes",
    "--folds",
    "3",
    "--seed",
    "2",
    "--name",
    "synthetic",
    "--out",
    path("model.json"),
    "--report",
    path("report.html"),
    "--json",
  ]);
  assert.equal(trained.code, 0, trained.stderr);
  const summary = JSON.parse(trained.stdout);
  assert.equal(summary.rows, 1_500);
  assert.equal(summary.metrics.cross_validation.folds, 3);
  assert.ok(summary.metrics.cross_validation.auc_mean > 0.65);
  const model = parseModelJson(await readFile(path("model.json"), "utf8"));
  assert.equal(model.target.bad_label, "yes");
  assert.ok(model.model_card.includes("3-fold cross-validation"));
  assert.match(await readFile(path("report.html"), "utf8"), /<svg[^>]*ROC curve/);

  const evaluated = await run([
    "evaluate",
    "--model",
    path("model.json"),
    "--data",
    path("train.csv"),
    "--json",
  ]);
  assert.equal(evaluated.code, 0, evaluated.stderr);
  const evaluation = JSON.parse(evaluated.stdout);
  assert.ok(evaluation.metrics.auc > 0.65);
  assert.ok(evaluation.psi < 1e-9, "the training data is stable against itself");

  const human = await run(["evaluate", "--model", path("model.json"), "--data", path("train.csv")]);
  assert.match(human.stdout, /AUC 0\.\d{4} \[0\.\d{4}, 0\.\d{4}\]/);

  const record = JSON.stringify(Object.fromEntries(model.features.map((feature) => [feature.name, null])));
  const scored = await run(
    ["score", "--model", path("model.json")],
    [
      `${record}\n{"id":"a-1",`,
      `"synthetic_00":1}\n\nnot json\n`,
      `{"synthetic_00":"many"}\n`,
      `${"x".repeat(line_bytes_max + 10)}\n`,
      "[1,2]",
    ],
  );
  assert.equal(scored.code, 1, "some lines failed");
  const lines = scored.stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
  assert.equal(lines.length, 6);
  assert.equal(lines[0].line, 1);
  assert.ok(Number.isInteger(lines[0].score) && lines[0].pd > 0 && Array.isArray(lines[0].reasons));
  assert.deepEqual(
    lines.slice(1).map((line) => [line.line, line.error?.code]),
    [
      [2, "RECORD_FEATURES_MISMATCH"],
      [4, "RECORD_JSON_INVALID"],
      [5, "RECORD_VALUE_NOT_NUMERIC"],
      [6, "LINE_TOO_LONG"],
      [7, "RECORD_NOT_OBJECT"],
    ],
  );
  assert.match(scored.stderr, /scored 1 records, 5 failed/);

  const lenient = await run(
    ["score", "--model", path("model.json"), "--absent-as-missing"],
    ['{"id":7,"synthetic_00":1}\n'],
  );
  assert.equal(lenient.code, 0);
  const line = JSON.parse(lenient.stdout);
  assert.equal(line.id, 7);
  assert.ok(Number.isInteger(line.score));
});

test("--no-cv skips cross-validation and reports on the training data", async () => {
  const trained = await run([
    "train",
    "--data",
    path("train.csv"),
    "--target",
    "defaulted",
    "--bad-value",
    "yes",
    "--no-cv",
    "--exclude",
    "synthetic_04",
    "--out",
    path("quick.json"),
    "--report",
    path("quick.html"),
  ]);
  assert.equal(trained.code, 0, trained.stderr);
  assert.doesNotMatch(trained.stdout, /cross-validation/);
  const model = parseModelJson(await readFile(path("quick.json"), "utf8"));
  assert.equal(model.metrics.cross_validation, undefined);
  assert.ok(!model.features.some((feature) => feature.name === "synthetic_04"));
  assert.match(await readFile(path("quick.html"), "utf8"), /training data \(in-sample\)/);
});

test("bad data and missing files fail with their codes, as text or as JSON", async () => {
  const mixed = await run(["train", "--data", path("mixed.csv"), "--target", "bad", "--out", path("m.json")]);
  assert.equal(mixed.code, 1);
  assert.match(
    mixed.stderr,
    /error COLUMN_MIXED_TYPES: column "amount" holds numbers and text \(first text on line 4\)/,
  );
  const as_json = await run([
    "train",
    "--data",
    path("mixed.csv"),
    "--target",
    "bad",
    "--out",
    path("m.json"),
    "--json",
  ]);
  assert.equal(JSON.parse(as_json.stdout).error.code, "COLUMN_MIXED_TYPES");
  const absent = await run([
    "train",
    "--format",
    "german",
    "--data",
    path("nope.data"),
    "--out",
    path("m.json"),
  ]);
  assert.match(absent.stderr, /DATA_FILE_NOT_FOUND/);
  const no_model = await run(["score", "--model", path("nope.json")]);
  assert.match(no_model.stderr, /MODEL_FILE_NOT_FOUND/);
  await writeFile(path("broken.json"), '{"format":"credence.scorecard"}');
  const broken = await run(["evaluate", "--model", path("broken.json"), "--data", path("train.csv")]);
  assert.match(broken.stderr, /MODEL_INVALID/);
});
