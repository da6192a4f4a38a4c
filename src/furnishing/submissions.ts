// Submissions: an upload is spooled to disk while it is hashed, deduplicated by (furnisher, SHA-256),
// then ingested; a retry of an interrupted submission completes it, a replay returns the first result.
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import type { AppContext } from "../http/context.ts";
import { ApiError, registerErrorCodes } from "../http/errors.ts";
import { ingestSubmission, type SubmissionFormat } from "./ingest.ts";
import type { FileSource } from "./reader-thread.ts";
import type { ByteSource } from "./record-reader.ts";

registerErrorCodes({
  SUBMISSION_UNKNOWN: { status: 404, title: "No such submission" },
  SUBMISSION_NOT_YOURS: { status: 403, title: "A furnisher may read only its own submissions" },
  SUBMISSION_EMPTY: { status: 422, title: "The upload is empty" },
  BATCH_TOO_LARGE: { status: 413, title: "A synchronous batch holds at most records_per_batch_max records" },
});

/** The most records POST /v1/records takes in one synchronous call. */
export const records_per_batch_max = 1_000;

export interface SubmissionRow {
  id: string;
  furnisher_id: string;
  file_sha256: Uint8Array;
  channel: "bulk" | "api";
  format: SubmissionFormat;
  status: "processing" | "accepted" | "rejected" | "interrupted";
  received_at: Date;
  finished_at: Date | null;
  bytes: bigint;
  lines_total: bigint;
  lines_accepted: bigint;
  lines_rejected: bigint;
  accepted_by_type: Record<string, number>;
  rejected_by_code: Record<string, number>;
  subjects_referenced: bigint;
  subjects_matched: bigint;
  timeliness_days: number | null;
  rejection_reason: string | null;
}

export interface Upload {
  readonly furnisher_id: string;
  readonly format: SubmissionFormat;
  readonly gzip: boolean;
  readonly channel: "bulk" | "api";
}

const spool_dir = () => path.join(os.tmpdir(), "credence-spool");
// Submissions this process is ingesting right now; a replay of one of them waits for it.
const active = new Map<string, Promise<SubmissionRow>>();

function parseJson(value: unknown): Record<string, number> {
  return typeof value === "string"
    ? (JSON.parse(value) as Record<string, number>)
    : (value as Record<string, number>);
}

export async function getSubmission(ctx: AppContext, id: string): Promise<SubmissionRow | undefined> {
  const [row] = await ctx.db.query<SubmissionRow>("SELECT * FROM submissions WHERE id = $1", [id]);
  return row
    ? {
        ...row,
        accepted_by_type: parseJson(row.accepted_by_type),
        rejected_by_code: parseJson(row.rejected_by_code),
      }
    : undefined;
}

/** The submission if the furnisher owns it; otherwise the matching error. */
export async function ownSubmission(
  ctx: AppContext,
  id: string,
  furnisher_id: string,
  is_bureau = false,
): Promise<SubmissionRow> {
  const row = /^sb_[a-f0-9]{24}$/.test(id) ? await getSubmission(ctx, id) : undefined;
  if (!row) throw new ApiError("SUBMISSION_UNKNOWN", `There is no submission ${id}.`);
  if (row.furnisher_id !== furnisher_id && !is_bureau) {
    throw new ApiError("SUBMISSION_NOT_YOURS", "A furnisher may read only its own submissions.");
  }
  return row;
}

/** Bytes of an upload that may wait to be written to the spool file. */
const spool_buffer_bytes = 4 * 1024 * 1024;

/** Spools a body to disk, counting and hashing it; throws PAYLOAD_TOO_LARGE past the limit. */
async function spool(
  body: Readable,
  bytes_max: number,
): Promise<{ file: string; sha256: Buffer; bytes: number }> {
  fs.mkdirSync(spool_dir(), { recursive: true, mode: 0o700 });
  const file = path.join(spool_dir(), `upload-${randomBytes(8).toString("hex")}`);
  const hash = createHash("sha256");
  let bytes = 0;
  // A few megabytes may wait for the disk, so the next chunk is read and hashed while one is written.
  const meter = new Transform({
    highWaterMark: spool_buffer_bytes,
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > bytes_max)
        return done(new ApiError("PAYLOAD_TOO_LARGE", `The upload is larger than ${bytes_max} bytes.`));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(
      body,
      meter,
      fs.createWriteStream(file, { mode: 0o600, highWaterMark: spool_buffer_bytes }),
    );
  } catch (error) {
    fs.rmSync(file, { force: true });
    throw error;
  }
  return { file, sha256: hash.digest(), bytes };
}

/**
 * Receives an upload and starts (or resumes) its ingestion. Returns the submission and a promise that
 * settles when ingestion ends, so callers choose to wait or to answer at once.
 */
export async function receiveSubmission(
  ctx: AppContext,
  upload: Upload,
  body: Readable,
): Promise<{ submission: SubmissionRow; done: Promise<SubmissionRow>; replay: boolean }> {
  const spooled = await spool(body, ctx.config.upload_bytes_max);
  if (spooled.bytes === 0) {
    fs.rmSync(spooled.file, { force: true });
    throw new ApiError("SUBMISSION_EMPTY", "The upload is empty.");
  }
  const id = `sb_${randomBytes(12).toString("hex")}`;
  const [inserted] = await ctx.db.query<{ id: string }>(
    `INSERT INTO submissions (id, furnisher_id, file_sha256, channel, format, status, received_at, bytes)
     VALUES ($1, $2, $3, $4, $5, 'processing', $6, $7)
     ON CONFLICT (furnisher_id, file_sha256) DO NOTHING RETURNING id`,
    [id, upload.furnisher_id, spooled.sha256, upload.channel, upload.format, ctx.clock.now(), spooled.bytes],
  );
  if (inserted) {
    // Read the row before ingestion starts: on the embedded database ingestion holds the only session.
    const submission = (await getSubmission(ctx, id)) as SubmissionRow;
    return { submission, done: runIngestion(ctx, id, upload, spooled.file), replay: false };
  }
  const [existing] = await ctx.db.query<{ id: string; status: string }>(
    "SELECT id, status FROM submissions WHERE furnisher_id = $1 AND file_sha256 = $2",
    [upload.furnisher_id, spooled.sha256],
  );
  const existingId = (existing as { id: string }).id;
  const running = active.get(existingId);
  if (running) {
    fs.rmSync(spooled.file, { force: true });
    return {
      submission: (await getSubmission(ctx, existingId)) as SubmissionRow,
      done: running,
      replay: true,
    };
  }
  if (existing?.status === "processing" || existing?.status === "interrupted") {
    // The process that was ingesting it died; nothing of it is visible, so ingest it again from this copy.
    await ctx.db.query(
      "UPDATE submissions SET status = 'processing' WHERE id = $1 AND status IN ('processing', 'interrupted')",
      [existingId],
    );
    const submission = (await getSubmission(ctx, existingId)) as SubmissionRow;
    return { submission, done: runIngestion(ctx, existingId, upload, spooled.file), replay: true };
  }
  fs.rmSync(spooled.file, { force: true });
  const first = (await getSubmission(ctx, existingId)) as SubmissionRow;
  return { submission: first, done: Promise.resolve(first), replay: true };
}

function runIngestion(ctx: AppContext, id: string, upload: Upload, file: string): Promise<SubmissionRow> {
  const run = (async () => {
    try {
      // An uncompressed file is read by the reader thread itself; a gzip one is inflated here.
      let source: ByteSource | FileSource = { file };
      if (upload.gzip) {
        const raw = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
        const inflated = raw.pipe(createGunzip());
        // A gunzip error reaches the reader through its iterator; a late one must not become an uncaught event.
        raw.on("error", (error) => inflated.destroy(error));
        inflated.on("error", () => {});
        source = inflated;
      }
      const summary = await ingestSubmission(
        ctx.db,
        {
          submission_id: id,
          furnisher_id: upload.furnisher_id,
          format: upload.format,
          received_at: ctx.clock.now(),
          regime: ctx.config.regime,
          keyring: ctx.keyring,
          reject_share_max: ctx.config.reject_share_max,
          reader_thread: upload.channel === "bulk",
        },
        source,
      );
      if (summary?.status === "accepted" && summary.lines_accepted >= analyze_after_lines) {
        refreshStatistics(ctx);
      }
    } catch (error) {
      await ctx.db
        .query("UPDATE submissions SET status = 'interrupted' WHERE id = $1 AND status = 'processing'", [id])
        .catch(() => {});
      throw error;
    } finally {
      fs.rmSync(file, { force: true });
      active.delete(id);
    }
    return (await getSubmission(ctx, id)) as SubmissionRow;
  })();
  active.set(id, run);
  run.catch(() => {});
  return run;
}

/** A submission this large changes the tables enough for the planner's statistics to mislead it. */
export const analyze_after_lines = 50_000;

/**
 * Refreshes the planner's statistics of the furnished tables, in the background. Right after a bulk load
 * PostgreSQL still estimates from the old (or no) statistics and may scan a whole table for one subject's
 * accounts until autovacuum gets round to it; ANALYZE samples a fixed number of rows, so this stays cheap.
 * A failure costs nothing but that delay, so it is not reported.
 */
function refreshStatistics(ctx: AppContext): void {
  ctx.db.exec("ANALYZE accounts, statements, activities, subjects, vault_entries").catch(() => {});
}

/** Marks submissions a dead process left behind; a retry of the same file then ingests them again. */
export async function recoverInterrupted(ctx: AppContext): Promise<number> {
  const rows = await ctx.db.query(
    "UPDATE submissions SET status = 'interrupted' WHERE status = 'processing' RETURNING id",
  );
  return rows.length;
}

/** The rejected lines of a submission in line order, a page at a time. */
export async function submissionErrors(
  ctx: AppContext,
  id: string,
  after_line: number,
  limit: number,
): Promise<{ line: number; field: string; code: string; message: string }[]> {
  const rows = await ctx.db.query<{ line: bigint; field: string; code: string; message: string }>(
    "SELECT line, field, code, message FROM submission_errors WHERE submission_id = $1 AND line > $2 ORDER BY line LIMIT $3",
    [id, after_line, limit],
  );
  return rows.map((row) => ({ ...row, line: Number(row.line) }));
}

export function sourceFromRecords(records: readonly unknown[]): Readable {
  return Readable.from(records.map((record) => `${JSON.stringify(record)}\n`));
}
