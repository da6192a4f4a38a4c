// Disclosure log benchmark: sustained appends through the sequencer against a raw COPY of the same entries,
// the delay from append to a signed checkpoint, and inclusion-proof time at a large tree size, against a bare
// primary-key lookup in the same run. PostgreSQL (DATABASE_URL or the local server) and PGlite.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { ManualClock } from "../src/config/clock.ts";
import type { Database } from "../src/db/database.ts";
import { migrate } from "../src/db/migrate.ts";
import { openDatabase } from "../src/db/open-database.ts";
import { createScratchDatabase } from "../src/db/testing.ts";
import { CompactRange } from "../src/disclosure-log/compact-range.ts";
import {
  enqueueDisclosure,
  LogSequencer,
  proveInclusion,
  UpperSubtreeCache,
} from "../src/disclosure-log/log-store.ts";

const seed = randomBytes(32);

function disclosure(i: number) {
  return {
    at: new Date(Date.UTC(2026, 10, 1) + i),
    recipient: `bank-${i % 7}`,
    product: "report" as const,
    purpose: "loan_origination",
    consent_sha256: "ab".repeat(32),
    subject_key: randomBytes(32),
    furnishers: [
      { institution: "platform-a", records: 3 },
      { institution: "platform-b", records: 1 },
    ],
    price_minor: 100n,
    currency: "CNY",
  };
}

async function appends(db: Database, entries: number) {
  const clock = new ManualClock("2026-11-01T00:00:00Z");
  const queued_started = performance.now();
  for (let i = 0; i < entries; i += 500) {
    await db.transaction(async (tx) => {
      for (let j = i; j < Math.min(i + 500, entries); j++) await enqueueDisclosure(tx, disclosure(j));
    });
  }
  const queue_s = (performance.now() - queued_started) / 1000;
  const sequencer = new LogSequencer(db, { origin: "bench.example/log", seed, clock });
  const started = performance.now();
  await sequencer.drain();
  const integrate_s = (performance.now() - started) / 1000;

  // Latency: one disclosure queued at a time while the sequencer runs every 50 ms, as a server does.
  sequencer.start(50);
  const delays: number[] = [];
  for (let i = 0; i < 40; i++) {
    const [before] = await db.query<{ size: bigint }>("SELECT max(size)::int8 AS size FROM log_checkpoints");
    const t0 = performance.now();
    await enqueueDisclosure(db, disclosure(entries + i));
    for (;;) {
      const [after] = await db.query<{ size: bigint }>("SELECT max(size)::int8 AS size FROM log_checkpoints");
      if ((after?.size ?? 0n) > (before?.size ?? 0n)) break;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    delays.push(performance.now() - t0);
  }
  await sequencer.stop();

  // Baseline: the same number of entry-sized rows COPYed straight into a table shaped like log_entries.
  await db.exec("CREATE TABLE log_entries_raw (LIKE log_entries INCLUDING ALL)");
  const rows = Array.from(
    { length: entries },
    (_, i) =>
      [
        i,
        `le_raw_${i}`,
        randomBytes(420),
        randomBytes(32),
        randomBytes(32),
        `bank-${i % 7}`,
        new Date(),
        100n,
        "CNY",
        "report",
        "[]",
      ] as const,
  );
  const copy_started = performance.now();
  await db.transaction((tx) =>
    tx.copyIn(
      "log_entries_raw",
      [
        "idx",
        "entry_id",
        "entry_bytes",
        "subject_key",
        "subject_salt",
        "recipient",
        "at",
        "price_minor",
        "currency",
        "product",
        "furnishers",
      ],
      [rows],
    ),
  );
  const copy_s = (performance.now() - copy_started) / 1000;
  delays.sort((a, b) => a - b);
  return {
    queue_per_s: entries / queue_s,
    integrate_per_s: entries / integrate_s,
    copy_per_s: entries / copy_s,
    delay_p50_ms: delays[Math.floor(delays.length / 2)] as number,
    delay_max_ms: delays.at(-1) as number,
  };
}

/** Fills the subtree store of a tree of `size` random leaves directly, then times inclusion proofs. */
async function proofs(db: Database, size: number, samples: number) {
  let range = CompactRange.empty();
  const chunk = 200_000;
  for (let start = 0; start < size; start += chunk) {
    const leaves = Array.from({ length: Math.min(chunk, size - start) }, () => randomBytes(32));
    const appended = range.append(leaves);
    range = appended.range;
    await db.transaction((tx) =>
      tx.copyIn(
        "log_subtrees",
        ["level", "idx", "hash"],
        [appended.nodes.map((n) => [n.level, n.index, n.hash])],
      ),
    );
  }
  // A freshly loaded table has no statistics yet; give it what a running log's autovacuum would have.
  await db.exec("VACUUM ANALYZE log_subtrees");
  // As a server does: one cache of the upper levels, read once, then proofs that read only the lower levels.
  const cache = new UpperSubtreeCache();
  const warm_started = performance.now();
  await cache.warm(db);
  const warm_ms = performance.now() - warm_started;
  const proof_ms: number[] = [];
  const uncached_ms: number[] = [];
  const lookup_ms: number[] = [];
  for (let i = 0; i < samples; i++) {
    const index = Math.floor(Math.random() * size);
    // Each sample's three reads go in turn first, so none profits more often from pages the others read.
    const timed = [
      async () => {
        const t0 = performance.now();
        await proveInclusion(db, index, size, cache);
        proof_ms.push(performance.now() - t0);
      },
      async () => {
        const t0 = performance.now();
        await proveInclusion(db, index, size);
        uncached_ms.push(performance.now() - t0);
      },
      async () => {
        const t0 = performance.now();
        await db.query("SELECT hash FROM log_subtrees WHERE level = 0 AND idx = $1", [index]);
        lookup_ms.push(performance.now() - t0);
      },
    ];
    for (let k = 0; k < timed.length; k++) await (timed[(i + k) % timed.length] as () => Promise<void>)();
  }
  const pct = (list: number[], p: number) =>
    [...list].sort((a, b) => a - b)[Math.floor(list.length * p)] as number;
  return {
    warm_ms,
    cached: cache.size,
    proof_p50_ms: pct(proof_ms, 0.5),
    proof_p99_ms: pct(proof_ms, 0.99),
    uncached_p50_ms: pct(uncached_ms, 0.5),
    uncached_p99_ms: pct(uncached_ms, 0.99),
    lookup_p50_ms: pct(lookup_ms, 0.5),
    lookup_p99_ms: pct(lookup_ms, 0.99),
  };
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      entries: { type: "string", default: "20000" },
      "proof-size": { type: "string", default: "1000000" },
      backend: { type: "string", default: "both" },
    },
  });
  const entries = Number(values.entries);
  const size = Number(values["proof-size"]);
  for (const kind of values.backend === "both" ? ["postgres", "pglite"] : [values.backend as string]) {
    const scratch =
      kind === "postgres"
        ? await createScratchDatabase(process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test")
        : undefined;
    const db = await openDatabase({ database_url: scratch?.url, data_dir: undefined });
    try {
      await migrate(db);
      const a = await appends(db, entries);
      console.log(`${kind}: ${entries} disclosures`);
      console.log(`  queued in query transactions  ${Math.round(a.queue_per_s).toLocaleString("en")}/s`);
      console.log(
        `  integrated and checkpointed   ${Math.round(a.integrate_per_s).toLocaleString("en")} appends/s  (raw COPY of same-sized rows ${Math.round(a.copy_per_s).toLocaleString("en")}/s, ratio ${(a.integrate_per_s / a.copy_per_s).toFixed(2)})`,
      );
      console.log(
        `  append to signed checkpoint   p50 ${a.delay_p50_ms.toFixed(1)} ms, max ${a.delay_max_ms.toFixed(1)} ms (sequencer every 50 ms)`,
      );
      await db.exec("TRUNCATE log_subtrees");
      const p = await proofs(db, size, 500);
      console.log(
        `  inclusion proof at ${size.toLocaleString("en")} leaves: p50 ${p.proof_p50_ms.toFixed(2)} ms, p99 ${p.proof_p99_ms.toFixed(2)} ms (upper levels cached: ${p.cached.toLocaleString("en")} hashes read in ${p.warm_ms.toFixed(0)} ms)`,
      );
      console.log(
        `    without the cache p50 ${p.uncached_p50_ms.toFixed(2)} ms, p99 ${p.uncached_p99_ms.toFixed(2)} ms; one primary-key lookup p50 ${p.lookup_p50_ms.toFixed(2)} ms, p99 ${p.lookup_p99_ms.toFixed(2)} ms (ratio cached/lookup ${(p.proof_p50_ms / p.lookup_p50_ms).toFixed(1)})`,
      );
    } finally {
      await db.close();
      await scratch?.drop();
    }
  }
}
