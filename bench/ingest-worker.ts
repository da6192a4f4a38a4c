// One phase of the ingest benchmark in its own process, so each phase's peak RSS is its own.
import fs from "node:fs";
import { createInterface } from "node:readline";
import { systemClock } from "../src/config/clock.ts";
import { loadConfig } from "../src/config/config.ts";
import { ephemeralKeyring } from "../src/config/keyring.ts";
import { copyText } from "../src/db/database.ts";
import { migrate } from "../src/db/migrate.ts";
import { openDatabase } from "../src/db/open-database.ts";
import { generateStatementRows, writeNdjsonFile } from "../src/demo/population.ts";
import { statementColumns } from "../src/furnishing/ingest.ts";
import { receiveSubmission } from "../src/furnishing/submissions.ts";
import { createInstitution } from "../src/institutions/institutions.ts";

const [phase, file, rows_text, database_url] = process.argv.slice(2) as [
  string,
  string,
  string,
  string | undefined,
];
const now = new Date("2026-11-01T00:00:00Z");

async function open() {
  const db = await openDatabase({
    database_url: database_url || undefined,
    data_dir: undefined,
    pool_size: 2,
  });
  await migrate(db);
  return db;
}

if (phase === "generate") {
  const written = await writeNdjsonFile(file, generateStatementRows(Number(rows_text), { seed: 1, now }));
  // The raw-COPY baseline gets the same statements, already in COPY text format, outside the timed part.
  const out = fs.createWriteStream(`${file}.copy`);
  const lines = createInterface({ input: fs.createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  let statements = 0;
  let buffer: (string | number | boolean | null)[][] = [];
  const flush = async () => {
    if (!out.write(copyText(buffer)))
      await new Promise<void>((resolve) => out.once("drain", () => resolve()));
    buffer = [];
  };
  for await (const line of lines) {
    if (!line.includes('"type":"statement"')) continue;
    const r = JSON.parse(line);
    statements++;
    buffer.push([
      "bench",
      r.account_ref,
      `${r.period}-01`,
      1,
      false,
      r.balance_minor,
      r.past_due_minor,
      r.days_past_due,
      r.scheduled_payment_minor,
      r.actual_payment_minor,
      r.status,
      r.notified_on ?? null,
    ]);
    if (buffer.length >= 10_000) await flush();
  }
  await flush();
  await new Promise<void>((resolve) => out.end(() => resolve()));
  process.stdout.write(`${JSON.stringify({ lines: written.lines, bytes: written.bytes, statements })}\n`);
} else if (phase === "pipeline") {
  const db = await open();
  const config = loadConfig({ CREDENCE_LOG_LEVEL: "silent", CREDENCE_REJECT_SHARE_MAX: "0.5" });
  const ctx = { config, db, keyring: ephemeralKeyring(), clock: { now: () => now } };
  await createInstitution(
    db.kysely,
    { id: "bench-platform", name: "Bench", legal_id: "L-BENCH", roles: ["furnisher"], kind: "platform" },
    systemClock,
  );
  const started = performance.now();
  const received = await receiveSubmission(
    ctx,
    { furnisher_id: "bench-platform", format: "ndjson", gzip: false, channel: "bulk" },
    fs.createReadStream(file, { highWaterMark: 1 << 20 }),
  );
  const done = await received.done;
  const seconds = (performance.now() - started) / 1000;
  await db.close();
  process.stdout.write(
    `${JSON.stringify({ seconds, status: done.status, lines: Number(done.lines_total), rejected: Number(done.lines_rejected), peak_rss_mb: process.resourceUsage().maxRSS / 1024 })}\n`,
  );
} else if (phase === "copy") {
  const db = await open();
  await db.exec("CREATE TABLE statements_raw (LIKE statements INCLUDING ALL)");
  const started = performance.now();
  const bytes = await db.transaction((tx) =>
    tx.copyInText(
      "statements_raw",
      statementColumns,
      wholeLines(fs.createReadStream(`${file}.copy`, { highWaterMark: 1 << 20 })),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const [count] = await db.query<{ n: bigint }>("SELECT count(*)::int8 AS n FROM statements_raw");
  await db.close();
  process.stdout.write(
    `${JSON.stringify({ seconds, rows: Number(count?.n ?? 0n), bytes, peak_rss_mb: process.resourceUsage().maxRSS / 1024 })}\n`,
  );
}

/** Re-cuts a byte stream at line ends, so every chunk holds whole COPY lines. */
async function* wholeLines(stream: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of stream) {
    const joined: Buffer = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    const end = joined.lastIndexOf(10) + 1;
    if (end > 0) yield joined.subarray(0, end);
    carry = joined.subarray(end);
  }
  if (carry.length) yield carry;
}
