// Submissions: an upload is spooled to disk while it is hashed and, on PostgreSQL, ingested as it arrives;
// it is deduplicated by (furnisher, SHA-256) once whole, and only a new submission commits. A retry of an
// interrupted submission completes it, a replay returns the first result.
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import type { AppContext } from "../http/context.ts";
import { ApiError, registerErrorCodes } from "../http/errors.ts";
import { ingestSubmission, type SubmissionFormat } from "./ingest.ts";

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

/** Bytes the ingestion reads from the spool file at a time. */
const tail_chunk_bytes = 256 * 1024;

/**
 * An upload written to disk as it arrives, counted and hashed; `done` settles once it is all there (or
 * rejects, PAYLOAD_TOO_LARGE past the limit, and removes the file). `tail()` reads the file from the start
 * while it is still being written, so ingestion need not wait for the whole upload.
 */
class Spool {
  readonly file: string;
  readonly done: Promise<{ sha256: Buffer; bytes: number }>;
  readonly #handle: Promise<fs.promises.FileHandle>;
  #written = 0;
  #ended = false;
  #failure: { code: unknown } | undefined;
  #waiting: (() => void)[] = [];

  constructor(body: Readable, bytes_max: number) {
    fs.mkdirSync(spool_dir(), { recursive: true, mode: 0o700 });
    this.file = path.join(spool_dir(), `upload-${randomBytes(8).toString("hex")}`);
    this.#handle = fs.promises.open(this.file, "w", 0o600);
    this.done = this.#write(body, bytes_max);
    this.done.catch(() => {});
  }

  async #write(body: Readable, bytes_max: number): Promise<{ sha256: Buffer; bytes: number }> {
    const hash = createHash("sha256");
    let handle: fs.promises.FileHandle | undefined;
    try {
      handle = await this.#handle;
      for await (const piece of body) {
        const chunk: Buffer = typeof piece === "string" ? Buffer.from(piece) : piece;
        if (this.#written + chunk.length > bytes_max) {
          throw new ApiError("PAYLOAD_TOO_LARGE", `The upload is larger than ${bytes_max} bytes.`);
        }
        hash.update(chunk);
        await handle.write(chunk);
        this.#written += chunk.length;
        this.#wake();
      }
      this.#ended = true;
      return { sha256: hash.digest(), bytes: this.#written };
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      this.#failure = { code: typeof code === "string" ? code : undefined };
      body.destroy();
      fs.rmSync(this.file, { force: true });
      throw error;
    } finally {
      await handle?.close();
      this.#wake();
    }
  }

  #wake(): void {
    for (const resolve of this.#waiting.splice(0)) resolve();
  }

  /** The upload's bytes from the start, as they are written; fails as the upload fails. */
  async *tail(): AsyncGenerator<Buffer> {
    const handle = await fs.promises.open(this.file, "r");
    try {
      let position = 0;
      for (;;) {
        if (this.#failure) throw Object.assign(new Error("the upload failed"), this.#failure);
        if (position < this.#written) {
          const length = Math.min(this.#written - position, tail_chunk_bytes);
          const buffer = Buffer.allocUnsafe(length);
          const { bytesRead } = await handle.read(buffer, 0, length, position);
          position += bytesRead;
          yield buffer.subarray(0, bytesRead);
          continue;
        }
        if (this.#ended) return;
        await new Promise<void>((resolve) => this.#waiting.push(resolve));
      }
    } finally {
      await handle.close();
    }
  }
}

/**
 * Receives an upload and starts (or resumes) its ingestion. Returns the submission and a promise that
 * settles when ingestion ends, so callers choose to wait or to answer at once. On PostgreSQL ingestion
 * starts on the first bytes, before the upload is whole and its hash known; it commits only if the upload
 * turns out to be a new submission (a replay rolls it back). On the embedded database, whose one session
 * ingestion would hold, it starts once the upload is whole.
 */
export async function receiveSubmission(
  ctx: AppContext,
  upload: Upload,
  body: Readable,
): Promise<{ submission: SubmissionRow; done: Promise<SubmissionRow>; replay: boolean }> {
  const spool = new Spool(body, ctx.config.upload_bytes_max);
  const id = `sb_${randomBytes(12).toString("hex")}`;
  let claim: (claimed: boolean) => void = () => {};
  const early =
    ctx.db.kind === "postgres"
      ? runIngestion(ctx, id, upload, spool.file, {
          source: spool.tail(),
          claimed: new Promise<boolean>((resolve) => (claim = resolve)),
        })
      : undefined;
  const abandon = async () => {
    claim(false);
    await early?.catch(() => {});
  };
  let spooled: { sha256: Buffer; bytes: number };
  try {
    spooled = await spool.done;
  } catch (error) {
    await abandon();
    throw error;
  }
  if (spooled.bytes === 0) {
    await abandon();
    fs.rmSync(spool.file, { force: true });
    throw new ApiError("SUBMISSION_EMPTY", "The upload is empty.");
  }
  const [inserted] = await ctx.db.query<{ id: string }>(
    `INSERT INTO submissions (id, furnisher_id, file_sha256, channel, format, status, received_at, bytes)
     VALUES ($1, $2, $3, $4, $5, 'processing', $6, $7)
     ON CONFLICT (furnisher_id, file_sha256) DO NOTHING RETURNING id`,
    [id, upload.furnisher_id, spooled.sha256, upload.channel, upload.format, ctx.clock.now(), spooled.bytes],
  );
  if (inserted) {
    claim(true);
    // Read the row before ingestion starts: on the embedded database ingestion holds the only session.
    const submission = (await getSubmission(ctx, id)) as SubmissionRow;
    return { submission, done: early ?? runIngestion(ctx, id, upload, spool.file), replay: false };
  }
  await abandon();
  const [existing] = await ctx.db.query<{ id: string; status: string }>(
    "SELECT id, status FROM submissions WHERE furnisher_id = $1 AND file_sha256 = $2",
    [upload.furnisher_id, spooled.sha256],
  );
  const existingId = (existing as { id: string }).id;
  const running = active.get(existingId);
  if (running) {
    fs.rmSync(spool.file, { force: true });
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
    return { submission, done: runIngestion(ctx, existingId, upload, spool.file), replay: true };
  }
  fs.rmSync(spool.file, { force: true });
  const first = (await getSubmission(ctx, existingId)) as SubmissionRow;
  return { submission: first, done: Promise.resolve(first), replay: true };
}

/**
 * Ingests the spooled upload as submission `id`. With `early`, ingestion reads the upload as it arrives and
 * the submission may never be claimed; the spool file then stays for the caller.
 */
function runIngestion(
  ctx: AppContext,
  id: string,
  upload: Upload,
  file: string,
  early?: { source: AsyncIterable<Buffer>; claimed: Promise<boolean> },
): Promise<SubmissionRow> {
  const run = (async () => {
    try {
      const raw: Readable = early
        ? Readable.from(early.source)
        : fs.createReadStream(file, { highWaterMark: 256 * 1024 });
      const source = upload.gzip ? raw.pipe(createGunzip()) : raw;
      // A gunzip error reaches the reader through its iterator; a late one must not become an uncaught event.
      if (upload.gzip) {
        raw.on("error", (error) => source.destroy(error));
        source.on("error", () => {});
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
          claimed: early?.claimed,
        },
        source,
      );
      if (summary?.status === "accepted" && summary.lines_accepted >= analyze_after_lines) {
        refreshStatistics(ctx);
      }
    } catch (error) {
      if (!early || (await early.claimed)) {
        await ctx.db
          .query("UPDATE submissions SET status = 'interrupted' WHERE id = $1 AND status = 'processing'", [
            id,
          ])
          .catch(() => {});
      }
      throw error;
    } finally {
      if (!early || (await early.claimed)) fs.rmSync(file, { force: true });
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
