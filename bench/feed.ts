// Benchmark of the feed: alerts per second from a furnished change to webhook receipt, and end-to-end
// latency p50/p99, with 100,000 subscribed subjects; the baseline is raw HTTP POSTs to the same receiver.
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import { systemClock } from "../src/config/clock.ts";
import { ephemeralKeyring } from "../src/config/keyring.ts";
import { regimes } from "../src/config/regimes.ts";
import type { CopyRow, Database } from "../src/db/database.ts";
import { migrate } from "../src/db/migrate.ts";
import { openDatabase } from "../src/db/open-database.ts";
import { createScratchDatabase } from "../src/db/testing.ts";
import { FeedDispatcher } from "../src/feed/dispatcher.ts";
import { recordFurnishingEvents } from "../src/feed/furnishing-events.ts";
import { registerWebhook } from "../src/feed/webhooks.ts";
import { createInstitution } from "../src/institutions/institutions.ts";

const lender = "bench-bank";
const furnisher = "bench-platform";
const copy_rows_per_batch = 10_000;
/** Requests the baseline keeps open at once, as many as the dispatcher's default. */
const baseline_in_flight = 32;
/** The longest the benchmark waits for alerts before it reports them lost. */
const receipt_wait_ms_max = 90_000;

function percentile(sorted: readonly number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? Number.NaN;
}

function summary(latencies_ms: number[]) {
  latencies_ms.sort((a, b) => a - b);
  return { p50: percentile(latencies_ms, 0.5), p99: percentile(latencies_ms, 0.99) };
}

const subjectKey = (i: number) => createHash("sha256").update(`bench subject ${i}`).digest();
const consentId = (i: number) => `cs_${i.toString(16).padStart(24, "0")}`;

/** A receiver that notes when each alert (or baseline request) arrives, by id. */
async function startReceiver() {
  const arrivals = new Map<string, number>();
  /** Alerts from the feed (not the baseline's requests), with the consent that names their subject. */
  const feed: { consent_id: string; at: number }[] = [];
  let waiter: { count: number; resolve: () => void } | undefined;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const at = performance.now();
      const { id, consent_id } = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        id: string;
        consent_id: string;
      };
      if (!arrivals.has(id)) {
        arrivals.set(id, at);
        if (!id.startsWith("baseline-")) feed.push({ consent_id, at });
      }
      response.writeHead(200).end();
      if (waiter && arrivals.size >= waiter.count) waiter.resolve();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`;
  return {
    url,
    arrivals,
    feed,
    /** Resolves when `count` distinct ids have arrived in all. */
    until: (count: number) =>
      new Promise<void>((resolve, reject) => {
        if (arrivals.size >= count) return resolve();
        const timer = setTimeout(
          () => reject(new Error(`${arrivals.size} of ${count} alerts arrived`)),
          receipt_wait_ms_max,
        );
        waiter = {
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        };
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function* copyBatches(count: number, row: (i: number) => CopyRow): AsyncGenerator<CopyRow[]> {
  for (let start = 0; start < count; start += copy_rows_per_batch) {
    const batch: CopyRow[] = [];
    for (let i = start; i < Math.min(count, start + copy_rows_per_batch); i++) batch.push(row(i));
    yield batch;
  }
}

/**
 * Subjects, their continuous consents and subscriptions, and one account each at the furnisher. With no
 * statement yet, an account's first late statement is a new delinquency.
 */
async function seed(db: Database, subjects: number): Promise<void> {
  const now = systemClock.now();
  for (const [id, roles, kind] of [
    [lender, ["lender"], "bank"],
    [furnisher, ["furnisher"], "platform"],
  ] as const) {
    await createInstitution(
      db.kysely,
      { id, name: id, legal_id: `L-${id}`, roles: [...roles], kind },
      systemClock,
    );
  }
  const expires = new Date(now.getTime() + 365 * 86_400_000);
  const digest = createHash("sha256").update("bench consent").digest();
  await db.transaction(async (tx) => {
    await tx.copyIn(
      "consents",
      [
        "id",
        "lender_id",
        "subject_key",
        "purpose",
        "categories",
        "mode",
        "starts_at",
        "expires_at",
        "evidence_sha256",
        "evidence_ref",
        "created_at",
        "jws",
        "jws_sha256",
      ],
      copyBatches(subjects, (i) => [
        consentId(i),
        lender,
        subjectKey(i),
        "post_loan_management",
        "{credit_accounts}",
        "continuous",
        now,
        expires,
        "c".repeat(64),
        "bench",
        now,
        "bench",
        digest,
      ]),
    );
    await tx.copyIn(
      "feed_subscriptions",
      ["id", "lender_id", "consent_id", "subject_key", "created_at"],
      copyBatches(subjects, (i) => [
        `fs_${i.toString(16).padStart(24, "0")}`,
        lender,
        consentId(i),
        subjectKey(i),
        now,
      ]),
    );
    const [row] = await tx.query<{ seq: bigint }>("SELECT nextval('submission_seq')::int8 AS seq");
    const seq = row?.seq as bigint;
    await tx.copyIn(
      "accounts",
      ["furnisher_id", "account_ref", "seq", "deleted", "subject_key", "kind", "opened_on", "currency"],
      copyBatches(subjects, (i) => [
        furnisher,
        `A${i}`,
        seq,
        false,
        subjectKey(i),
        "micro_loan",
        "2025-01-15",
        "CNY",
      ]),
    );
  });
  await db.exec("ANALYZE consents; ANALYZE feed_subscriptions; ANALYZE accounts");
}

/**
 * One submission that makes `count` subscribed accounts newly delinquent, from subject `first` on, in the
 * transaction that records its alerts. Returns how many alerts the hook wrote and how long it took.
 */
async function furnishDelinquencies(db: Database, first: number, count: number, subjects: number) {
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ seq: bigint }>("SELECT nextval('submission_seq')::int8 AS seq");
    const seq = row?.seq as bigint;
    await tx.copyIn(
      "statements",
      ["furnisher_id", "account_ref", "period", "seq", "deleted", "balance_minor", "days_past_due", "status"],
      copyBatches(count, (i) => [
        furnisher,
        `A${(first + i) % subjects}`,
        "2026-10-01",
        seq,
        false,
        420_000n,
        9,
        "late_1_30",
      ]),
    );
    const hook_started = performance.now();
    const events = await recordFurnishingEvents(tx, { furnisher_id: furnisher, seq, now: systemClock.now() });
    return { events, hook_ms: performance.now() - hook_started };
  });
}

/** Milliseconds from each alert's commit to its receipt; the consent id names the subject's index. */
function latencyOf(
  feed: readonly { consent_id: string; at: number }[],
  committed_at: Float64Array,
): number[] {
  return feed.map(
    ({ consent_id, at }) => at - (committed_at[Number.parseInt(consent_id.slice(3), 16)] as number),
  );
}

/** Raw POSTs of alert-sized bodies: `count` in all, `in_flight` at a time; returns the rate and latencies. */
async function baseline(url: string, count: number, in_flight: number, arrivals: Map<string, number>) {
  const body = (id: string) =>
    JSON.stringify({
      id,
      type: "delinquency.new",
      time: new Date().toISOString(),
      consent_id: consentId(0),
      sequence: 1,
      data: { account_kind: "micro_loan", period: "2026-10", status_before: "current", status: "late_1_30" },
    });
  const sent = new Map<string, number>();
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      const id = `baseline-${in_flight}-${next++}`;
      sent.set(id, performance.now());
      const response = await fetch(url, {
        method: "POST",
        body: body(id),
        headers: { "content-type": "application/json" },
      });
      await response.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: in_flight }, worker));
  const elapsed_ms = performance.now() - started;
  const latencies = [...sent].map(([id, at]) => (arrivals.get(id) as number) - at);
  return { per_s: (count * 1000) / elapsed_ms, ...summary(latencies) };
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      subjects: { type: "string" },
      alerts: { type: "string" },
      batch: { type: "string" },
      rounds: { type: "string" },
      "seq-index": { type: "boolean" },
    },
    strict: true,
  });
  const subjects = Number(values.subjects ?? 100_000);
  const alerts = Number(values.alerts ?? 5_000);
  const batch = Number(values.batch ?? 1_000);
  const rounds = Number(values.rounds ?? 20);
  const round_alerts = 10;
  if (alerts + rounds * round_alerts > subjects) throw new Error("every alert needs a subject of its own");

  const scratch = process.env.DATABASE_URL
    ? await createScratchDatabase(process.env.DATABASE_URL)
    : undefined;
  const db = await openDatabase({ database_url: scratch?.url, data_dir: undefined, pool_size: 8 });
  const keyring = ephemeralKeyring();
  const receiver = await startReceiver();
  const dispatcher = new FeedDispatcher({ db, keyring, clock: systemClock, regime: regimes.cn });
  try {
    await migrate(db);
    // The hook finds a submission's versions by seq; without an index that is a scan of the furnisher's
    // history. This option measures the difference the index would make.
    if (values["seq-index"]) {
      await db.exec(
        "CREATE INDEX accounts_seq ON accounts (seq); CREATE INDEX statements_seq ON statements (seq)",
      );
    }
    const seed_started = performance.now();
    await seed(db, subjects);
    console.log(
      `feed on ${db.kind}${values["seq-index"] ? " with seq indexes" : ""}: ${subjects.toLocaleString("en")} subscribed subjects seeded in ${((performance.now() - seed_started) / 1000).toFixed(1)} s`,
    );
    await registerWebhook(db, keyring, lender, receiver.url, systemClock.now());

    const raw_rate = await baseline(receiver.url, alerts, baseline_in_flight, receiver.arrivals);
    const raw_latency = await baseline(receiver.url, rounds * round_alerts, round_alerts, receiver.arrivals);
    let expected = receiver.arrivals.size;

    // Throughput: every submission at once, as a furnisher's bulk upload would arrive.
    dispatcher.start();
    const committed_at = new Float64Array(subjects);
    let hook_ms = 0;
    const burst_started = performance.now();
    for (let first = 0; first < alerts; first += batch) {
      const count = Math.min(batch, alerts - first);
      const submitted = await furnishDelinquencies(db, first, count, subjects);
      committed_at.fill(performance.now(), first, first + count);
      hook_ms += submitted.hook_ms;
      if (submitted.events !== count) throw new Error(`${submitted.events} alerts for ${count} changes`);
    }
    expected += alerts;
    await receiver.until(expected);
    const burst_ms = receiver.feed.reduce((last, alert) => Math.max(last, alert.at), 0) - burst_started;
    const burst_latency = summary(latencyOf(receiver.feed, committed_at));

    // Latency: a few changes at a time, each round delivered before the next is furnished.
    receiver.feed.length = 0;
    for (let round = 0; round < rounds; round++) {
      const first = alerts + round * round_alerts;
      await furnishDelinquencies(db, first, round_alerts, subjects);
      committed_at.fill(performance.now(), first, first + round_alerts);
      expected += round_alerts;
      await receiver.until(expected);
    }
    const feed_latency = summary(latencyOf(receiver.feed, committed_at));

    const [logged] = await db.query<{ n: bigint }>(
      "SELECT count(*)::int8 AS n FROM log_queue WHERE product = 'alert'",
    );
    const feed_rate = (alerts * 1000) / burst_ms;
    const ms = (value: number) => value.toFixed(1);
    console.log(
      `baseline, raw POSTs to the same receiver: ${Math.round(raw_rate.per_s).toLocaleString("en")}/s ${baseline_in_flight} at a time; ` +
        `latency p50 ${ms(raw_latency.p50)} ms, p99 ${ms(raw_latency.p99)} ms ${round_alerts} at a time`,
    );
    console.log(
      `feed, furnished change to webhook receipt: ${Math.round(feed_rate).toLocaleString("en")} alerts/s ` +
        `(${alerts.toLocaleString("en")} in submissions of ${batch.toLocaleString("en")}, latency p50 ${ms(burst_latency.p50)} ms, p99 ${ms(burst_latency.p99)} ms); ` +
        `latency p50 ${ms(feed_latency.p50)} ms, p99 ${ms(feed_latency.p99)} ms in rounds of ${round_alerts}`,
    );
    console.log(
      `feed hook inside ingestion: ${ms(hook_ms / Math.ceil(alerts / batch))} ms per submission of ${batch.toLocaleString("en")} changes; ` +
        `${Number(logged?.n ?? 0n).toLocaleString("en")} alerts disclosed`,
    );
    console.log(
      `ratio feed / baseline: throughput ${(feed_rate / raw_rate.per_s).toFixed(3)}, latency p50 ${(feed_latency.p50 / raw_latency.p50).toFixed(1)}x, p99 ${(feed_latency.p99 / raw_latency.p99).toFixed(1)}x`,
    );
  } finally {
    await dispatcher.stop();
    await receiver.close();
    await db.close();
    await scratch?.drop();
  }
}
