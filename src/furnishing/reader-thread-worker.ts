// The reader thread of reader-thread.ts: runs the file reader over a file it reads itself or over chunks the
// main thread sends, and sends back result batches, never more than batches_ahead_max ahead of the main thread.
import fs from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { readCsvBatches } from "./csv-reader.ts";
import { readNdjsonBatches } from "./ndjson-reader.ts";
import {
  batches_ahead_max,
  type FromReader,
  file_chunk_bytes,
  type ReaderFormat,
  type ToReader,
} from "./reader-thread.ts";
import type { ReaderOptions } from "./record-reader.ts";
import { StatementPreparer } from "./statement-rows.ts";

const port = parentPort;
if (!port) throw new Error("reader-thread-worker.ts runs as a worker thread");
const { format, options, prepare_statements, file } = workerData as {
  format: ReaderFormat;
  options: ReaderOptions;
  prepare_statements?: { furnisher_id: string; seq: bigint };
  file?: string;
};
const preparer = prepare_statements
  ? new StatementPreparer(prepare_statements.furnisher_id, prepare_statements.seq)
  : undefined;
const send = (message: FromReader) => port.postMessage(message);

const inbox: ToReader[] = [];
let credits = batches_ahead_max;
let wake: (() => void) | undefined;
port.on("message", (message: ToReader) => {
  if (message.kind === "ack") credits += 1;
  else inbox.push(message);
  wake?.();
});
const next = async (): Promise<ToReader> => {
  while (inbox.length === 0) await new Promise<void>((resolve) => (wake = resolve));
  return inbox.shift() as ToReader;
};

/** The file's bytes as they arrive; the next chunk is asked for before this one is parsed. */
async function* input(): AsyncGenerator<Uint8Array> {
  send({ kind: "more" });
  for (;;) {
    const message = await next();
    if (message.kind === "end") return;
    if (message.kind === "fail")
      throw Object.assign(new Error("the upload stream failed"), { code: message.code });
    if (message.kind !== "chunk") continue;
    send({ kind: "more" });
    yield message.bytes;
  }
}

try {
  const read = format === "csv" ? readCsvBatches : readNdjsonBatches;
  const source =
    file === undefined ? input() : fs.createReadStream(file, { highWaterMark: file_chunk_bytes });
  for await (const results of read(source, options)) {
    while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
    credits -= 1;
    if (preparer) {
      const batch = preparer.prepare(results);
      port.postMessage({ kind: "batch", batch } satisfies FromReader, [
        batch.statements.text.buffer as ArrayBuffer,
      ]);
    } else {
      send({ kind: "batch", batch: { results } });
    }
  }
  send({ kind: "done" });
} catch (error) {
  send({ kind: "crash", message: error instanceof Error ? error.message : String(error) });
}
