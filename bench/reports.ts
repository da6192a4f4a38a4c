// Reports benchmark: POST /v1/reports on PostgreSQL over loopback at increasing rates, against a bare Fastify
// route at the same rates in the same run. Load comes from a separate autocannon process.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { freePort } from "../src/cli/testing.ts";
import { systemClock } from "../src/config/clock.ts";
import { loadConfig } from "../src/config/config.ts";
import { loadKeyring } from "../src/config/keyring.ts";
import { registerConsent } from "../src/consent/consents.ts";
import { migrate } from "../src/db/migrate.ts";
import { openDatabase } from "../src/db/open-database.ts";
import { createScratchDatabase } from "../src/db/testing.ts";
import { generateStatementRows, ndjsonChunks } from "../src/demo/population.ts";
import { receiveSubmission } from "../src/furnishing/submissions.ts";
import { subjectKey } from "../src/identity/pseudonym.ts";
import { createApiKey, createInstitution } from "../src/institutions/institutions.ts";

const main = path.join(import.meta.dirname, "..", "src", "cli", "main.ts");

async function waitListening(child: ChildProcess, marker: string): Promise<void> {
  let output = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(marker)) resolve();
    });
    child.once("exit", (code) => reject(new Error(`process exited ${code}: ${output}`)));
  });
}

function load(url: string, rate: number, seconds: number, bodies?: string, key?: string) {
  const args = [path.join(import.meta.dirname, "load-worker.ts"), url, String(rate), String(seconds)];
  if (bodies) args.push(bodies, key as string);
  const result = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 24 });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout.trim().split("\n").at(-1) as string) as {
    requests_per_s: number;
    p50_ms: number;
    p99_ms: number;
    non2xx: number;
    errors: number;
  };
}

interface BenchData {
  readonly database_url: string;
  readonly data_dir: string;
  readonly token: string;
  readonly bodies_file: string;
  readonly summary: string;
}

/**
 * Creates a database with `statements` statement rows (each account's latest `months` months; 5 gives about
 * one subject per ten statements), furnished through the real pipeline, and `consents` continuous consents.
 */
async function loadData(
  admin: string,
  data_dir: string,
  statements: number,
  months: number,
  consents: number,
) {
  const scratch = await createScratchDatabase(admin);
  const config = loadConfig({
    DATABASE_URL: scratch.url,
    CREDENCE_DATA_DIR: data_dir,
    CREDENCE_REJECT_SHARE_MAX: "0.5",
  });
  const keyring = loadKeyring(config);
  const db = await openDatabase({ database_url: scratch.url, data_dir: undefined });
  try {
    await migrate(db);
    const ctx = { config, db, keyring, clock: systemClock };
    await createInstitution(
      db.kysely,
      {
        id: "bench-platform",
        name: "Bench platform",
        legal_id: "L-BP",
        roles: ["furnisher"],
        kind: "platform",
      },
      systemClock,
    );
    await createInstitution(
      db.kysely,
      { id: "bench-bank", name: "Bench bank", legal_id: "L-BB", roles: ["lender"], kind: "bank" },
      systemClock,
    );
    const key = await createApiKey(db.kysely, { institution_id: "bench-bank" }, systemClock);

    const file = path.join(data_dir, "data.ndjson");
    const started = performance.now();
    const out = fs.createWriteStream(file);
    const rows = generateStatementRows(statements, { seed: 1, now: new Date(), months_per_account: months });
    for (const chunk of ndjsonChunks(rows)) {
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
    }
    await new Promise<void>((resolve) => out.end(() => resolve()));
    const received = await receiveSubmission(
      ctx,
      { furnisher_id: "bench-platform", format: "ndjson", gzip: false, channel: "bulk" },
      fs.createReadStream(file),
    );
    const submission = await received.done;
    await db.exec("VACUUM ANALYZE");
    const [counts] = await db.query<{ subjects: bigint; statements: bigint }>(
      "SELECT (SELECT count(*) FROM subjects)::int8 AS subjects, (SELECT count(*) FROM statements)::int8 AS statements",
    );
    const summary = `data: ${counts?.subjects} subjects, ${counts?.statements} statements on PostgreSQL (${submission.status}, loaded in ${((performance.now() - started) / 1000).toFixed(0)} s)`;

    // Continuous consents over a sample of subjects spread through the file; each query reuses one, as
    // post-loan monitoring would.
    const subjects = Number(counts?.subjects ?? 0n);
    const every = Math.max(1, Math.floor(subjects / consents));
    const bodies: string[] = [];
    const lines = createInterface({ input: fs.createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
    let seen = 0;
    for await (const line of lines) {
      if (!line.startsWith('{"type":"subject"')) continue;
      if (seen++ % every !== 0) continue;
      const record = JSON.parse(line) as { id_type: string; id_number: string };
      const consent = await registerConsent(db.kysely, keyring, systemClock, "bench-bank", {
        subject_key: subjectKey(keyring.pseudonym_key, record.id_type, record.id_number),
        purpose: "post_loan_management",
        categories: ["credit_accounts", "alternative_data"],
        mode: "continuous",
        starts_at: new Date(Date.now() - 60_000),
        expires_at: new Date(Date.now() + 30 * 86_400_000),
        evidence_sha256: "c".repeat(64),
        evidence_ref: "bench",
      });
      bodies.push(
        JSON.stringify({ consent_id: consent.id, product: "report", purpose: "post_loan_management" }),
      );
      if (bodies.length >= consents) break;
    }
    lines.close();
    const bodies_file = path.join(data_dir, "bodies.txt");
    fs.writeFileSync(bodies_file, bodies.join("\n"));
    fs.rmSync(file);
    const data: BenchData = { database_url: scratch.url, data_dir, token: key.token, bodies_file, summary };
    await db.close();
    return { data, drop: scratch.drop };
  } catch (error) {
    await db.close();
    await scratch.drop();
    throw error;
  }
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      statements: { type: "string", default: "10000000" },
      months: { type: "string", default: "5" },
      rates: { type: "string", default: "250,500,1000,1500" },
      seconds: { type: "string", default: "10" },
      consents: { type: "string", default: "5000" },
      // Keeps the loaded database and keyring in .bench-data/ and reuses them in later runs with the same
      // --statements, --months and --consents (loading 10 million statements takes minutes).
      keep: { type: "boolean", default: false },
    },
  });
  const admin = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const statements = Number(values.statements);
  const months = Number(values.months);
  const consents = Number(values.consents);
  const kept_dir = path.join(
    import.meta.dirname,
    "..",
    ".bench-data",
    `reports-${statements}-${months}-${consents}`,
  );
  const kept_file = path.join(kept_dir, "bench.json");
  const children: ChildProcess[] = [];
  let cleanup = async () => {};
  try {
    let data: BenchData;
    if (values.keep && fs.existsSync(kept_file)) {
      data = JSON.parse(fs.readFileSync(kept_file, "utf8")) as BenchData;
      console.log(`${data.summary}; kept from an earlier run`);
    } else {
      if (values.keep) fs.mkdirSync(kept_dir, { recursive: true });
      const data_dir = values.keep
        ? kept_dir
        : fs.mkdtempSync(path.join(os.tmpdir(), "credence-bench-reports-"));
      const loaded = await loadData(admin, data_dir, statements, months, consents);
      data = loaded.data;
      console.log(data.summary);
      if (values.keep) fs.writeFileSync(kept_file, JSON.stringify(data));
      else {
        cleanup = async () => {
          await loaded.drop();
          fs.rmSync(data_dir, { recursive: true, force: true });
        };
      }
    }
    const { database_url, data_dir, token, bodies_file } = data;

    const port = await freePort();
    const server = spawn(
      process.execPath,
      [
        ...(process.env.CREDENCE_BENCH_PROFILE
          ? ["--cpu-prof", `--cpu-prof-dir=${process.env.CREDENCE_BENCH_PROFILE}`]
          : []),
        main,
        "serve",
      ],
      {
        env: {
          ...process.env,
          DATABASE_URL: database_url,
          CREDENCE_DATA_DIR: data_dir,
          PORT: String(port),
          HOST: "127.0.0.1",
          CREDENCE_LOG_LEVEL: "warn",
          CREDENCE_QUERY_RATE_PER_S: "1000000",
          CREDENCE_QUERY_DAILY_QUOTA: "1000000000",
        },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    children.push(server);
    await waitListening(server, "is listening");
    // CREDENCE_BENCH_SERVER_LOG=FILE keeps the server's log (warnings and errors) for a failed run.
    if (process.env.CREDENCE_BENCH_SERVER_LOG) {
      server.stdout?.pipe(fs.createWriteStream(process.env.CREDENCE_BENCH_SERVER_LOG));
    }
    const barePort = await freePort();
    const bare = spawn(
      process.execPath,
      [path.join(import.meta.dirname, "bare-server.ts"), String(barePort)],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    children.push(bare);
    await waitListening(bare, "listening");

    const seconds = Number(values.seconds);
    load(`http://127.0.0.1:${port}/v1/reports`, 100, 3, bodies_file, token);
    console.log(
      "target/s | reports: done/s  p50 ms  p99 ms  non-2xx | bare route: done/s  p50 ms  p99 ms | p99 ratio",
    );
    for (const rate of values.rates.split(",").map(Number)) {
      const reports = load(`http://127.0.0.1:${port}/v1/reports`, rate, seconds, bodies_file, token);
      const baseline = load(`http://127.0.0.1:${barePort}/`, rate, seconds);
      console.log(
        `${String(rate).padStart(8)} | ${reports.requests_per_s.toFixed(0).padStart(14)} ${String(reports.p50_ms).padStart(7)} ${String(reports.p99_ms).padStart(7)} ${String(reports.non2xx + reports.errors).padStart(8)} | ${baseline.requests_per_s.toFixed(0).padStart(17)} ${String(baseline.p50_ms).padStart(7)} ${String(baseline.p99_ms).padStart(7)} | ${(reports.p99_ms / Math.max(1, baseline.p99_ms)).toFixed(1)}`,
      );
    }
  } finally {
    for (const child of children) child.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 500));
    await cleanup();
  }
}
