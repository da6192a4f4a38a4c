// Parsing and validating a furnishing file is most of ingestion's CPU work. For bulk files it runs in a
// worker thread, so the main thread only applies records and feeds COPY, and two cores share the load.
// The results are exactly those of the reader run in place: same records, same line errors, same order.
import { Worker } from "node:worker_threads";
import type { ByteSource, LineResult, ReaderOptions } from "./record-reader.ts";
import type { PreparedStatements } from "./statement-rows.ts";

export type ReaderFormat = "ndjson" | "csv";

/** One batch of results; with `prepare_statements`, statements come prepared instead (statement-rows.ts). */
export interface ReaderBatch {
  readonly results: LineResult[];
  readonly statements?: PreparedStatements | undefined;
}

export interface ThreadOptions {
  /** Prepare statements' COPY text in the thread for this furnisher and submission sequence. */
  readonly prepare_statements?: { readonly furnisher_id: string; readonly seq: bigint } | undefined;
}

/** Messages to the reader thread. */
export type ToReader =
  | { readonly kind: "chunk"; readonly bytes: Uint8Array }
  | { readonly kind: "end" }
  | { readonly kind: "fail"; readonly code: unknown }
  | { readonly kind: "ack" };

/** Messages from the reader thread. */
export type FromReader =
  | { readonly kind: "more" }
  | { readonly kind: "batch"; readonly batch: ReaderBatch }
  | { readonly kind: "done" }
  | { readonly kind: "crash"; readonly message: string };

/**
 * A file on disk the thread reads itself (an uncompressed spooled upload): its bytes then never cross the
 * main thread, which saves a copy of every chunk and the collections such large buffers bring on.
 */
export interface FileSource {
  readonly file: string;
}

/** Bytes the thread reads from a FileSource at a time. */
export const file_chunk_bytes = 512 * 1024;

/** Result batches the thread may send ahead of the consumer; bounds memory when applying is slower. */
export const batches_ahead_max = 8;
/** Bytes gathered from the source before a chunk crosses to the thread (gunzip yields 16 KiB pieces). */
const chunk_bytes_min = 512 * 1024;

/**
 * Reads `input` in a worker thread (a file the thread opens itself, or a byte source fed to it); yields what
 * readerFor(format)(bytes, options) would, with statements prepared when asked.
 */
export async function* readInThread(
  format: ReaderFormat,
  input: ByteSource | FileSource,
  options: ReaderOptions,
  thread: ThreadOptions = {},
): AsyncGenerator<ReaderBatch> {
  const file = "file" in input ? input.file : undefined;
  const worker = new Worker(new URL("./reader-thread-worker.ts", import.meta.url), {
    workerData: { format, options, prepare_statements: thread.prepare_statements, file },
    // The thread's garbage is short-lived; a small heap keeps its memory flat whatever the file size. The
    // duplicate-key tracker lives in typed arrays outside this limit.
    resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 24 },
  });
  // A file needs no feeding: the thread never asks for chunks, and this source stays empty.
  const source: ByteSource = "file" in input ? (async function* () {})() : input;
  const iterator = source[Symbol.asyncIterator]();
  let source_done = file !== undefined;
  const inbox: FromReader[] = [];
  let wake: (() => void) | undefined;
  const deliver = (message: FromReader) => {
    inbox.push(message);
    wake?.();
  };

  // The thread asks for input one chunk at a time; a failing source is passed on as the thread's own
  // source failure, so it becomes the same STREAM_* line error as in place.
  const feed = async () => {
    const pieces: Uint8Array[] = [];
    let bytes = 0;
    let failure: { code: unknown } | undefined;
    try {
      while (bytes < chunk_bytes_min) {
        const step = await iterator.next();
        if (step.done === true) {
          source_done = true;
          break;
        }
        const piece = typeof step.value === "string" ? Buffer.from(step.value) : step.value;
        pieces.push(piece);
        bytes += piece.length;
      }
    } catch (error) {
      source_done = true;
      const code = (error as { code?: unknown } | null)?.code;
      failure = { code: typeof code === "string" ? code : undefined };
    }
    // What arrived before a failure is read first, as the reader in place does.
    if (bytes > 0) {
      const chunk = new Uint8Array(bytes);
      let at = 0;
      for (const piece of pieces) {
        chunk.set(piece, at);
        at += piece.length;
      }
      worker.postMessage({ kind: "chunk", bytes: chunk } satisfies ToReader, [chunk.buffer]);
    }
    if (failure) worker.postMessage({ kind: "fail", code: failure.code } satisfies ToReader);
    else if (source_done) worker.postMessage({ kind: "end" } satisfies ToReader);
  };
  worker.on("message", (message: FromReader) => {
    if (message.kind === "more") {
      if (!source_done) void feed();
    } else deliver(message);
  });
  worker.on("error", (error) => deliver({ kind: "crash", message: error.message }));
  worker.on("exit", (code) => deliver({ kind: "crash", message: `the reader thread exited (${code})` }));

  try {
    for (;;) {
      while (inbox.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      const message = inbox.shift() as FromReader;
      if (message.kind === "done") return;
      if (message.kind === "crash") throw new Error(`furnishing reader thread failed: ${message.message}`);
      if (message.kind === "batch") {
        yield message.batch;
        worker.postMessage({ kind: "ack" } satisfies ToReader);
      }
    }
  } finally {
    // A consumer that stops early releases the source, as the in-place reader does.
    if (!source_done) await iterator.return?.();
    worker.removeAllListeners();
    await worker.terminate();
  }
}
