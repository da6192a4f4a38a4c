// The streaming loop both file formats share: split the byte stream into lines, turn each into exactly one
// result (a valid record or a line error), flag duplicate keys, and report a failed stream as a last error.

import { DuplicateKeyTracker } from "./duplicate-key-tracker.ts";
import type { LineError } from "./errors.ts";
import { LineSplitter, line_bytes_max_default, type RawLine } from "./line-splitter.ts";
import type { ValidRecord } from "./record-schema.ts";
import type { RecordValidatorOptions } from "./record-validator.ts";

export const batch_lines_max = 1024;

export interface ReaderOptions extends RecordValidatorOptions {
  /** Longest accepted line in bytes, without its line break; longer lines are rejected. */
  line_bytes_max?: number;
  /** Most distinct natural keys per file (see DuplicateKeyTracker). */
  keys_max?: number;
}

export type LineResult =
  | {
      line: number;
      record: ValidRecord;
      error?: undefined;
      /** On a statement: whether its account's account record came earlier in the file. */
      account_in_file?: boolean;
    }
  | { line: number; record?: undefined; error: LineError };

/** Turns one raw line into its result, or into nothing (a CSV header, or lines after a bad header). */
export type LineHandler = (raw: RawLine) => LineResult | undefined;

export type ByteSource = AsyncIterable<Uint8Array | string>;

/** The error a stream failure becomes; zlib's codes (Z_BUF_ERROR for a truncated gzip) mean corrupt input. */
export function streamError(line: number, error: unknown): LineError {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && code.startsWith("Z_")) {
    return {
      line,
      field: "",
      code: "STREAM_CORRUPT",
      message: "The compressed upload is truncated or corrupt; nothing from this line on was read.",
    };
  }
  return {
    line,
    field: "",
    code: "STREAM_ERROR",
    message: "The upload stream failed; nothing from this line on was read.",
  };
}

/**
 * Reads `source` to its end and yields the results in line order, at most `batch_lines_max` at a time.
 * Memory stays bounded by the line limit, the source's chunk size and the duplicate-key tracker.
 */
export async function* readResultBatches(
  source: ByteSource,
  options: ReaderOptions,
  handle: LineHandler,
): AsyncGenerator<LineResult[]> {
  const splitter = new LineSplitter(options.line_bytes_max ?? line_bytes_max_default);
  const tracker = new DuplicateKeyTracker(
    options.keys_max === undefined ? {} : { keys_max: options.keys_max },
  );
  let batch: LineResult[] = [];
  const add = (raw: RawLine): void => {
    const result = handle(raw);
    if (result === undefined) return;
    if (result.record !== undefined) {
      const duplicate = tracker.check(result.record, result.line);
      if (duplicate !== undefined) {
        batch.push({ line: result.line, error: duplicate });
        return;
      }
      if (result.record.type === "statement") result.account_in_file = tracker.account_in_file;
    }
    batch.push(result);
  };
  // Only the source's own failures become a stream error; a failing handler is a bug and propagates.
  const iterator = source[Symbol.asyncIterator]();
  let done = false;
  try {
    for (;;) {
      let step: IteratorResult<Uint8Array | string>;
      try {
        step = await iterator.next();
      } catch (error) {
        done = true;
        const line = splitter.line_in_progress;
        add({ line, error: streamError(line, error) });
        yield batch;
        return;
      }
      if (step.done === true) break;
      splitter.push(typeof step.value === "string" ? Buffer.from(step.value) : step.value);
      for (let raw = splitter.next(); raw !== undefined; raw = splitter.next()) {
        add(raw);
        if (batch.length >= batch_lines_max) {
          yield batch;
          batch = [];
        }
      }
    }
    done = true;
  } finally {
    // A consumer that stops early releases the source (a Readable is destroyed).
    if (!done) await iterator.return?.();
  }
  for (const raw of splitter.finish()) add(raw);
  if (batch.length > 0) yield batch;
}

/** Flattens result batches into single results. */
export async function* flatten(batches: AsyncIterable<LineResult[]>): AsyncGenerator<LineResult> {
  for await (const batch of batches) yield* batch;
}
