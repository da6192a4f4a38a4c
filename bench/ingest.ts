// Ingest benchmark: N statement rows (with their subjects and accounts) through the real furnishing pipeline,
// against a raw COPY of the same statements into an identical table, measured in the same run.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createScratchDatabase } from "../src/db/testing.ts";

function phase(args: string[]): Record<string, number | string> {
  // The phases run with the young-generation cap that `npm start` and `npm run credence` give the server:
  // without it V8 lets the young generation grow to 128 MB during a bulk load.
  const node_options = ["--max-semi-space-size=16"];
  const script = path.join(import.meta.dirname, "ingest-worker.ts");
  const result = spawnSync(process.execPath, [...node_options, script, ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 24,
    env: { ...process.env, DATABASE_URL: undefined },
  });
  if (result.status !== 0) throw new Error(`ingest phase ${args[0]} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split("\n").at(-1) as string);
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { rows: { type: "string", default: "1000000" }, backend: { type: "string", default: "both" } },
  });
  const rows = Number(values.rows);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "credence-bench-ingest-"));
  const file = path.join(dir, "statements.ndjson");
  try {
    const generated = phase(["generate", file, String(rows)]);
    console.log(
      `file: ${generated.lines} lines (${generated.statements} statements), ${(Number(generated.bytes) / 1e6).toFixed(0)} MB`,
    );
    const backends: { name: string; url: string | undefined; drop?: () => Promise<void> }[] = [];
    if (values.backend !== "pglite") {
      const admin = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
      for (const name of ["postgres (pipeline)", "postgres (raw COPY)"]) {
        const scratch = await createScratchDatabase(admin);
        backends.push({ name, url: scratch.url, drop: scratch.drop });
      }
    }
    if (values.backend !== "postgres") backends.push({ name: "pglite", url: "" });
    const results: string[] = [];
    for (let i = 0; i < backends.length; ) {
      const backend = backends[i] as (typeof backends)[number];
      if (backend.name.startsWith("postgres")) {
        const pipeline = phase(["pipeline", file, String(rows), backend.url as string]);
        const copy = phase(["copy", file, String(rows), (backends[i + 1] as { url: string }).url]);
        results.push(report("PostgreSQL", generated, pipeline, copy));
        i += 2;
      } else {
        const pipeline = phase(["pipeline", file, String(rows), ""]);
        const copy = phase(["copy", file, String(rows), ""]);
        results.push(report("PGlite (embedded)", generated, pipeline, copy));
        i += 1;
      }
    }
    for (const backend of backends) await backend.drop?.();
    console.log(results.join("\n"));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function report(
  name: string,
  generated: Record<string, number | string>,
  pipeline: Record<string, number | string>,
  copy: Record<string, number | string>,
): string {
  const statements = Number(generated.statements);
  const pipelineRate = statements / Number(pipeline.seconds);
  const linesRate = Number(pipeline.lines) / Number(pipeline.seconds);
  const copyRate = Number(copy.rows) / Number(copy.seconds);
  return [
    `${name}: ${pipeline.status}, ${pipeline.lines} lines, ${pipeline.rejected} rejected`,
    `  pipeline  ${Number(pipeline.seconds).toFixed(1)} s  ${Math.round(pipelineRate).toLocaleString("en")} statement rows/s (${Math.round(linesRate).toLocaleString("en")} lines/s incl. subjects and accounts)  peak RSS ${Math.round(Number(pipeline.peak_rss_mb))} MB`,
    `  raw COPY  ${Number(copy.seconds).toFixed(1)} s  ${Math.round(copyRate).toLocaleString("en")} rows/s  peak RSS ${Math.round(Number(copy.peak_rss_mb))} MB`,
    `  ratio pipeline / raw COPY (statement rows/s): ${(pipelineRate / copyRate).toFixed(2)}`,
  ].join("\n");
}
