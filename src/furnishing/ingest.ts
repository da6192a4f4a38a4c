// Applies one submission: reads validated lines in order, COPYs accepted records as new versions, and
// commits all of it or none. Rejected lines are spooled to disk so memory stays bounded at any file size.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import type { Keyring } from "../config/keyring.ts";
import type { RegimeProfile } from "../config/regimes.ts";
import { type CopyRow, copyText, type Database, type Tx } from "../db/database.ts";
import { recordFurnishingEvents } from "../feed/index.ts";
import type { IdentifierType } from "../identity/national-id.ts";
import { subjectKey } from "../identity/pseudonym.ts";
import { encryptPersonalData } from "../identity/vault.ts";
import { readCsvBatches } from "./csv-reader.ts";
import type { LineError } from "./errors.ts";
import { readNdjsonBatches } from "./ndjson-reader.ts";
import { type FileSource, file_chunk_bytes, type ReaderBatch, readInThread } from "./reader-thread.ts";
import type { ByteSource, LineResult } from "./record-reader.ts";
import type { ValidRecord } from "./record-schema.ts";
import { StatementPreparer, statementColumns } from "./statement-rows.ts";

export type SubmissionFormat = "ndjson" | "csv" | "json";

export interface IngestOptions {
  readonly submission_id: string;
  readonly furnisher_id: string;
  readonly format: SubmissionFormat;
  readonly received_at: Date;
  readonly regime: RegimeProfile;
  readonly keyring: Keyring;
  readonly reject_share_max: number;
  /** Parse and validate in a worker thread (bulk files); small API batches read in place. */
  readonly reader_thread?: boolean;
}

export interface IngestSummary {
  readonly status: "accepted" | "rejected";
  readonly lines_total: number;
  readonly lines_accepted: number;
  readonly lines_rejected: number;
  readonly accepted_by_type: Record<string, number>;
  readonly rejected_by_code: Record<string, number>;
  readonly subjects_referenced: number;
  readonly subjects_matched: number;
  readonly timeliness_days: number | null;
  readonly rejection_reason: string | null;
  readonly seq: bigint | null;
}

/** Pseudonyms kept while a file is applied (see keyOf in applyRecords). */
const recent_subjects_max = 4096;

/** Rows buffered per table before one COPY; bounds memory and the number of COPY round trips. */
export const copy_rows_per_flush = 10_000;

const accountColumns = [
  "furnisher_id",
  "account_ref",
  "seq",
  "deleted",
  "subject_key",
  "kind",
  "opened_on",
  "currency",
  "credit_limit_minor",
  "principal_minor",
  "term_months",
  "co_lender_id",
  "closed_on",
] as const;

export { statementColumns };

const activityColumns = [
  "furnisher_id",
  "subject_key",
  "category",
  "period",
  "seq",
  "deleted",
  "count",
  "amount_minor",
  "currency",
  "on_time_share",
] as const;
const vaultColumns = [
  "subject_key",
  "id_type",
  "deleted",
  "kek_id",
  "wrapped_key",
  "nonce",
  "ciphertext",
] as const;

class RejectedWhole extends Error {}
class AlreadyFinished extends Error {}

/**
 * Runs COPY batches one after another on the transaction's connection while the caller goes on parsing:
 * the database loads one batch as the next is read. At most `copies_in_flight_max` batches wait, which
 * bounds memory; the first failure is rethrown to the caller.
 */
class CopyQueue {
  static readonly copies_in_flight_max = 2;
  readonly #in_flight: Promise<unknown>[] = [];
  #tail: Promise<unknown> = Promise.resolve();

  async enqueue(copy: () => Promise<unknown>): Promise<void> {
    const next = this.#tail.then(copy);
    // The failure is rethrown where the batch is awaited; until then it must not count as unhandled.
    next.catch(() => {});
    this.#tail = next;
    this.#in_flight.push(next);
    while (this.#in_flight.length > CopyQueue.copies_in_flight_max) await this.#in_flight.shift();
  }

  async drain(): Promise<void> {
    await this.#tail;
    this.#in_flight.length = 0;
  }
}

/** Characters of row text a CopyBuffer gathers as a string before it encodes them (see CopyBuffer). */
const copy_text_chars_max = 16_384;

/**
 * Buffers COPY text for one table and hands it to the queue in large batches. Accounts and subjects are a
 * few lines in a hundred, so their buffers fill over much of a file: the text is kept as UTF-8 bytes, off
 * the JavaScript heap, rather than as strings that every young-generation collection would copy again.
 */
class CopyBuffer {
  readonly #tx: Tx;
  readonly #queue: CopyQueue;
  readonly #table: string;
  readonly #columns: readonly string[];
  readonly #after: (() => Promise<unknown>) | undefined;
  #parts: Buffer[] = [];
  #text = "";
  #rows = 0;
  /** `after` runs in the queue right after each batch's COPY, before the next batch is copied. */
  constructor(
    tx: Tx,
    queue: CopyQueue,
    table: string,
    columns: readonly string[],
    after?: () => Promise<unknown>,
  ) {
    this.#tx = tx;
    this.#queue = queue;
    this.#table = table;
    this.#columns = columns;
    this.#after = after;
  }
  async push(row: CopyRow): Promise<void> {
    await this.pushText(copyText([row]), 1);
  }
  /** Adds `rows` rows already in COPY text format, whole lines only. */
  async pushText(text: string | Uint8Array, rows: number): Promise<void> {
    if (rows === 0) return;
    if (typeof text === "string") {
      this.#text += text;
      if (this.#text.length >= copy_text_chars_max) this.#encode();
    } else {
      this.#encode();
      this.#parts.push(Buffer.from(text.buffer, text.byteOffset, text.byteLength));
    }
    this.#rows += rows;
    if (this.#rows >= copy_rows_per_flush) await this.flush();
  }
  #encode(): void {
    if (this.#text === "") return;
    this.#parts.push(Buffer.from(this.#text));
    this.#text = "";
  }
  async flush(): Promise<void> {
    if (this.#rows === 0) return;
    this.#encode();
    const parts = this.#parts;
    this.#parts = [];
    this.#rows = 0;
    // Parts go to COPY as they are: joining them would copy the text once more.
    await this.#queue.enqueue(async () => {
      await this.#tx.copyInText(
        this.#table,
        this.#columns,
        (async function* () {
          yield* parts;
        })(),
      );
      await this.#after?.();
    });
  }
}

/** Spools rejected lines to a temporary NDJSON file and reads them back for COPY. */
class ErrorSpool {
  readonly file: string;
  readonly #stream: fs.WriteStream;
  count = 0;
  constructor(submission_id: string) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "credence-errors-"));
    this.file = path.join(dir, `${submission_id}.ndjson`);
    this.#stream = fs.createWriteStream(this.file);
  }
  write(error: LineError): Promise<void> | undefined {
    this.count++;
    if (this.#stream.write(`${JSON.stringify(error)}\n`)) return undefined;
    return new Promise((resolve) => this.#stream.once("drain", resolve));
  }
  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) =>
      this.#stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
  }
  async *batches(size: number): AsyncGenerator<CopyRow[]> {
    const lines = createInterface({
      input: fs.createReadStream(this.file),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    let batch: CopyRow[] = [];
    for await (const line of lines) {
      if (!line) continue;
      const error = JSON.parse(line) as LineError;
      batch.push([error.line, error.field, error.code, error.message]);
      if (batch.length >= size) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  }
  remove(): void {
    fs.rmSync(path.dirname(this.file), { recursive: true, force: true });
  }
}

function periodDate(period: string): string {
  return `${period}-01`;
}

/** Days from the end of a YYYY-MM month to `at` (0 when submitted within the month). */
function daysAfterPeriodEnd(period: string, at: Date): number {
  const [year, month] = period.split("-").map(Number) as [number, number];
  const end = Date.UTC(year, month, 1);
  return Math.max(0, Math.floor((at.getTime() - end) / 86_400_000));
}

/** Reader batches read in this thread, statements prepared as the reader thread prepares them. */
async function* inPlace(
  batches: AsyncIterable<LineResult[]>,
  preparer: StatementPreparer,
): AsyncGenerator<ReaderBatch> {
  for await (const results of batches) yield preparer.prepare(results);
}

export function readerFor(format: SubmissionFormat) {
  return format === "csv" ? readCsvBatches : readNdjsonBatches;
}

/**
 * Ingests `source` (already decompressed) for an existing submission row in status `processing`. Returns
 * the summary, or null when another process finished it first; the submission row, the records and the
 * error file are written atomically.
 */
export async function ingestSubmission(
  db: Database,
  options: IngestOptions,
  source: ByteSource | FileSource,
): Promise<IngestSummary | null> {
  const spool = new ErrorSpool(options.submission_id);
  try {
    return await db.transaction(async (tx) => {
      // Two processes retrying the same submission queue here; the second finds it finished and stops.
      await tx.query("SELECT pg_advisory_xact_lock(hashtext($1))", [options.submission_id]);
      const [current] = await tx.query<{ status: string }>("SELECT status FROM submissions WHERE id = $1", [
        options.submission_id,
      ]);
      if (current?.status !== "processing") throw new AlreadyFinished();
      const counts = await applyRecords(tx, options, source, spool);
      await spool.close();
      const rejected_share = counts.lines_total === 0 ? 0 : counts.lines_rejected / counts.lines_total;
      const headerBroken = counts.rejected_by_code.CSV_BAD_HEADER !== undefined;
      const streamBroken =
        counts.rejected_by_code.STREAM_CORRUPT !== undefined ||
        counts.rejected_by_code.STREAM_ERROR !== undefined;
      const reason = headerBroken
        ? "The CSV header is wrong; no line was read."
        : streamBroken
          ? "The upload is truncated or corrupt; a partial file is never applied."
          : counts.lines_total === 0
            ? "The file holds no records."
            : rejected_share > options.reject_share_max
              ? `${counts.lines_rejected} of ${counts.lines_total} lines were rejected, more than the ${(options.reject_share_max * 100).toFixed(1)}% allowed.`
              : null;
      if (reason !== null) throw Object.assign(new RejectedWhole(reason), { counts });
      await tx.copyIn(
        "submission_errors",
        ["submission_id", "line", "field", "code", "message"],
        mapBatches(spool.batches(copy_rows_per_flush), options.submission_id),
      );
      const summary: IngestSummary = { ...counts, status: "accepted", rejection_reason: null };
      await finishSubmission(tx, options.submission_id, summary);
      return summary;
    });
  } catch (error) {
    if (error instanceof AlreadyFinished) return null;
    if (!(error instanceof RejectedWhole)) throw error;
    const counts = (error as RejectedWhole & { counts: Omit<IngestSummary, "status" | "rejection_reason"> })
      .counts;
    const summary: IngestSummary = {
      ...counts,
      status: "rejected",
      rejection_reason: error.message,
      seq: null,
      lines_accepted: 0,
      accepted_by_type: {},
    };
    await db.transaction(async (tx) => {
      await tx.copyIn(
        "submission_errors",
        ["submission_id", "line", "field", "code", "message"],
        mapBatches(spool.batches(copy_rows_per_flush), options.submission_id),
      );
      await finishSubmission(tx, options.submission_id, summary);
    });
    return summary;
  } finally {
    spool.remove();
  }
}

async function* mapBatches(
  batches: AsyncIterable<CopyRow[]>,
  submission_id: string,
): AsyncGenerator<CopyRow[]> {
  for await (const batch of batches) yield batch.map((row) => [submission_id, ...row]);
}

async function finishSubmission(tx: Tx, id: string, summary: IngestSummary): Promise<void> {
  await tx.query(
    `UPDATE submissions SET status = $2, finished_at = now(), lines_total = $3, lines_accepted = $4,
       lines_rejected = $5, accepted_by_type = $6, rejected_by_code = $7, subjects_referenced = $8,
       subjects_matched = $9, timeliness_days = $10, seq = $11, rejection_reason = $12
     WHERE id = $1 AND status = 'processing'`,
    [
      id,
      summary.status,
      summary.lines_total,
      summary.lines_accepted,
      summary.lines_rejected,
      JSON.stringify(summary.accepted_by_type),
      JSON.stringify(summary.rejected_by_code),
      summary.subjects_referenced,
      summary.subjects_matched,
      summary.timeliness_days,
      summary.seq,
      summary.rejection_reason,
    ],
  );
}

async function applyRecords(
  tx: Tx,
  options: IngestOptions,
  source: ByteSource | FileSource,
  spool: ErrorSpool,
) {
  const [seqRow] = await tx.query<{ seq: bigint }>("SELECT nextval('submission_seq')::int8 AS seq");
  const seq = seqRow?.seq as bigint;
  await tx.query(
    `CREATE TEMP TABLE staged_vault (subject_key bytea, id_type text, deleted boolean, kek_id text, wrapped_key bytea,
       nonce bytea, ciphertext bytea) ON COMMIT DROP`,
  );
  const copies = new CopyQueue();
  const accounts = new CopyBuffer(tx, copies, "accounts", accountColumns);
  const statements = new CopyBuffer(tx, copies, "statements", statementColumns);
  const activities = new CopyBuffer(tx, copies, "activities", activityColumns);
  // Each batch of identities moves from the staging table to the vault while the file is still being read.
  const vault = new CopyBuffer(tx, copies, "staged_vault", vaultColumns, () => applyStagedVault(tx));
  const furnisher = options.furnisher_id;
  const pseudonym_key = options.keyring.pseudonym_key;
  // Statements whose account record is not earlier in this file wait here until one query checks them all
  // against the accounts the furnisher sent before.
  let unresolved: { line: number; text: string; ref: string }[] = [];
  const referenced = new Set<string>();
  const accepted_by_type: Record<string, number> = {};
  const rejected_by_code: Record<string, number> = {};
  let lines_total = 0;
  let lines_rejected = 0;
  let latest_period: string | null = null;

  const reject = async (error: LineError) => {
    lines_rejected++;
    rejected_by_code[error.code] = (rejected_by_code[error.code] ?? 0) + 1;
    await spool.write(error);
  };
  const accept = (type: string) => {
    accepted_by_type[type] = (accepted_by_type[type] ?? 0) + 1;
  };
  // A person's lines stand close together, but a batch's statements are applied before its other records, so
  // the pseudonyms of the last few thousand people are kept rather than recomputed.
  const recent = new Map<string, Buffer>();
  const keyOf = (id_type: string, id_number: string) => {
    const id = `${id_type}:${id_number}`;
    let key = recent.get(id);
    if (key === undefined) {
      key = subjectKey(pseudonym_key, id_type, id_number);
      if (recent.size >= recent_subjects_max) recent.clear();
      recent.set(id, key);
      referenced.add(key.toString("latin1"));
    }
    return key;
  };

  const resolveStatements = async () => {
    if (unresolved.length === 0) return;
    const refs = [...new Set(unresolved.map((item) => item.ref))];
    const known = new Set(
      (
        await tx.query<{ account_ref: string }>(
          "SELECT DISTINCT account_ref FROM accounts WHERE furnisher_id = $1 AND account_ref = ANY($2::text[])",
          [furnisher, refs],
        )
      ).map((row) => row.account_ref),
    );
    for (const item of unresolved) {
      if (known.has(item.ref)) {
        accept("statement");
        await statements.pushText(item.text, 1);
      } else {
        await reject({
          line: item.line,
          field: "account_ref",
          code: "ACCOUNT_UNKNOWN",
          message: "No account with this account_ref was furnished by this institution.",
        });
      }
    }
    unresolved = [];
  };

  const reader_options = {
    now: options.received_at,
    require_negative_notice: options.regime.negative_notice_before_furnishing,
    id_types_allowed: options.regime.identifier_types as IdentifierType[],
  };
  const batches: AsyncIterable<ReaderBatch> = options.reader_thread
    ? readInThread(options.format === "csv" ? "csv" : "ndjson", source, reader_options, {
        prepare_statements: { furnisher_id: furnisher, seq },
      })
    : inPlace(
        readerFor(options.format)(
          "file" in source ? fs.createReadStream(source.file, { highWaterMark: file_chunk_bytes }) : source,
          reader_options,
        ),
        new StatementPreparer(furnisher, seq),
      );
  for await (const batch of batches) {
    const prepared = batch.statements;
    if (prepared) {
      // Prepared statements: ready text goes straight to COPY, the rest waits for the
      // account check like any statement whose account is not earlier in the file.
      lines_total += prepared.ready + prepared.unresolved.length;
      if (prepared.ready > 0) accepted_by_type.statement = (accepted_by_type.statement ?? 0) + prepared.ready;
      await statements.pushText(prepared.text, prepared.ready);
      for (const subject of prepared.subjects) {
        const [id_type, id_number] = subject.split("\u0000") as [string, string];
        keyOf(id_type, id_number);
      }
      if (
        prepared.latest_period !== null &&
        (latest_period === null || prepared.latest_period > latest_period)
      ) {
        latest_period = prepared.latest_period;
      }
      for (const item of prepared.unresolved) {
        unresolved.push(item);
        if (unresolved.length >= copy_rows_per_flush) await resolveStatements();
      }
    }
    for (const result of batch.results) {
      lines_total++;
      if (result.error) {
        await reject(result.error);
        continue;
      }
      const record = result.record as ValidRecord & Record<string, unknown>;
      const deleted = record.op === "delete";
      switch (record.type) {
        case "subject": {
          const key = keyOf(record.id_type, record.id_number);
          if (deleted) {
            await vault.push([key, record.id_type, true, null, null, null, null]);
          } else {
            const sealed = encryptPersonalData(options.keyring, key, {
              id_type: record.id_type,
              id_number: record.id_number,
              name: record.name as string,
              birth_date: record.birth_date as string | undefined,
              phone: record.phone as string | undefined,
            });
            await vault.push([
              key,
              record.id_type,
              false,
              sealed.kek_id,
              sealed.wrapped_key,
              sealed.nonce,
              sealed.ciphertext,
            ]);
          }
          accept("subject");
          break;
        }
        case "account": {
          const ref = record.account_ref as string;
          const r = record as Record<string, unknown>;
          await accounts.push(
            deleted
              ? [furnisher, ref, seq, true, null, null, null, null, null, null, null, null, null]
              : [
                  furnisher,
                  ref,
                  seq,
                  false,
                  keyOf(r.id_type as string, r.id_number as string),
                  r.kind as string,
                  r.opened_on as string,
                  r.currency as string,
                  (r.credit_limit_minor as bigint | undefined) ?? null,
                  (r.principal_minor as bigint | undefined) ?? null,
                  (r.term_months as number | undefined) ?? null,
                  (r.co_lender as string | undefined) ?? null,
                  (r.closed_on as string | undefined) ?? null,
                ],
          );
          accept("account");
          break;
        }
        case "statement":
          // Both readers hand statements over prepared (statement-rows.ts), never as results.
          throw new Error("a statement reached the record loop unprepared");
        case "activity": {
          const r = record as Record<string, unknown>;
          const period = r.period as string;
          if (latest_period === null || period > latest_period) latest_period = period;
          await activities.push([
            furnisher,
            keyOf(r.id_type as string, r.id_number as string),
            r.category as string,
            periodDate(period),
            seq,
            deleted,
            deleted ? null : (r.event_count as number),
            deleted ? null : (r.amount_minor as bigint),
            deleted ? null : (r.currency as string),
            deleted ? null : ((r.on_time_share as number | undefined) ?? null),
          ]);
          accept("activity");
          break;
        }
      }
    }
  }
  await resolveStatements();
  for (const buffer of [accounts, statements, activities, vault]) await buffer.flush();
  await copies.drain();
  // Alerts for subscribed lenders are written in this transaction, so they exist exactly when the change does.
  await recordFurnishingEvents(tx, { furnisher_id: furnisher, seq, now: options.received_at });

  const subjects_matched = await countKnownSubjects(tx, referenced);
  const lines_accepted = Object.values(accepted_by_type).reduce((sum, n) => sum + n, 0);
  assert.equal(lines_accepted + lines_rejected, lines_total, "every line is accepted or rejected, once");
  return {
    lines_total,
    lines_accepted,
    lines_rejected,
    accepted_by_type,
    rejected_by_code,
    subjects_referenced: referenced.size,
    subjects_matched,
    timeliness_days: latest_period === null ? null : daysAfterPeriodEnd(latest_period, options.received_at),
    seq,
  };
}

/**
 * Moves the staged identities into the subject and vault tables: a new version replaces the sealed
 * personal data, a delete shreds it. A file names each subject at most once (DuplicateKeyTracker rejects a
 * second line with the same identifier, upsert or delete), so no statement here meets a subject twice.
 */
async function applyStagedVault(tx: Tx): Promise<void> {
  await tx.query(
    `INSERT INTO subjects (subject_key, id_type)
     SELECT subject_key, id_type FROM staged_vault WHERE NOT deleted
     ON CONFLICT (subject_key) DO NOTHING`,
  );
  await tx.query(
    `INSERT INTO vault_entries (subject_key, kek_id, wrapped_key, nonce, ciphertext, updated_at)
     SELECT subject_key, kek_id, wrapped_key, nonce, ciphertext, now()
     FROM staged_vault WHERE NOT deleted
     ON CONFLICT (subject_key) DO UPDATE SET kek_id = excluded.kek_id, wrapped_key = excluded.wrapped_key,
       nonce = excluded.nonce, ciphertext = excluded.ciphertext, updated_at = excluded.updated_at`,
  );
  await tx.query(
    "DELETE FROM vault_entries WHERE subject_key IN (SELECT subject_key FROM staged_vault WHERE deleted)",
  );
  await tx.query("TRUNCATE staged_vault");
}

/** How many of the referenced subjects the bureau holds identity records for. */
async function countKnownSubjects(tx: Tx, referenced: Set<string>): Promise<number> {
  let matched = 0;
  const keys = [...referenced].map((key) => Buffer.from(key, "latin1"));
  for (let i = 0; i < keys.length; i += copy_rows_per_flush) {
    const [row] = await tx.query<{ n: bigint }>(
      "SELECT count(*)::int8 AS n FROM subjects WHERE subject_key = ANY($1::bytea[])",
      [keys.slice(i, i + copy_rows_per_flush)],
    );
    matched += Number(row?.n ?? 0n);
  }
  return matched;
}
