// Reads an NDJSON furnishing file: one JSON object per line, each validated into a record or a line error.
import { echoableFieldName } from "./errors.ts";
import { duplicateMember } from "./json-members.ts";
import type { RawLine } from "./line-splitter.ts";
import {
  type ByteSource,
  flatten,
  type LineHandler,
  type LineResult,
  type ReaderOptions,
  readResultBatches,
} from "./record-reader.ts";
import { createRecordValidator, type RecordValidator } from "./record-validator.ts";

export function ndjsonLineHandler(validate: RecordValidator): LineHandler {
  return (raw: RawLine): LineResult => {
    const line = raw.line;
    if (raw.error !== undefined) return { line, error: raw.error };
    let value: unknown;
    try {
      value = JSON.parse(raw.text);
    } catch {
      return {
        line,
        error: { line, field: "", code: "JSON_INVALID", message: "The line is not valid JSON." },
      };
    }
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      const duplicate = duplicateMember(raw.text, Object.keys(value).length);
      if (duplicate !== undefined) {
        const field = echoableFieldName(duplicate);
        const message = `${field === "" ? "A field" : field} appears twice in the line.`;
        return { line, error: { line, field, code: "FIELD_DUPLICATE", message } };
      }
    }
    const check = validate(value);
    if (check.ok) return { line, record: check.record };
    return { line, error: { line, field: check.field, code: check.code, message: check.message } };
  };
}

/** Yields the results of an NDJSON stream in line order, in batches of up to 1024. */
export function readNdjsonBatches(source: ByteSource, options: ReaderOptions): AsyncGenerator<LineResult[]> {
  return readResultBatches(source, options, ndjsonLineHandler(createRecordValidator(options)));
}

/** Yields one result per non-blank line of an NDJSON stream, in line order. */
export function readNdjson(source: ByteSource, options: ReaderOptions): AsyncGenerator<LineResult> {
  return flatten(readNdjsonBatches(source, options));
}
