// Reads a CSV furnishing file: a header row of field names, then one record per line whose `type` cell
// says which record it is; blank cells are absent fields and numeric columns hold JSON numbers.

import { parseCsvNumber, splitCsvLine } from "./csv-line.ts";
import { echoableFieldName } from "./errors.ts";
import type { RawLine } from "./line-splitter.ts";
import {
  type ByteSource,
  flatten,
  type LineHandler,
  type LineResult,
  type ReaderOptions,
  readResultBatches,
} from "./record-reader.ts";
import { fieldNames, numericFields, recordTypes, requiredFields } from "./record-schema.ts";
import { createRecordValidator, type RecordValidator } from "./record-validator.ts";

const knownColumns: ReadonlySet<string> = new Set(fieldNames);

type HeaderCheck = { ok: true; columns: readonly string[] } | { ok: false; field: string; message: string };

function badHeader(field: string, message: string): HeaderCheck {
  return { ok: false, field, message };
}

/** Checks the header row: known, distinct column names, `type`, and every column of some record type. */
export function checkCsvHeader(text: string): HeaderCheck {
  const columns = splitCsvLine(text);
  if (columns === undefined) return badHeader("", "The header row has a stray or unterminated quote.");
  const seen = new Set<string>();
  for (const column of columns) {
    if (!knownColumns.has(column)) {
      const field = echoableFieldName(column);
      const named = field === "" ? "A column name (not shown)" : `Column ${field}`;
      return badHeader(field, `${named} is not a furnishing field.`);
    }
    if (seen.has(column)) return badHeader(column, `Column ${column} appears twice.`);
    seen.add(column);
  }
  if (!seen.has("type")) return badHeader("type", "The header has no type column.");
  // Some record type (or its delete) must be fully expressible; name what the closest one lacks.
  let closest: { type: string; missing: string[] } | undefined;
  for (const type of recordTypes) {
    for (const required of [requiredFields[type].upsert, requiredFields[type].delete]) {
      const missing = required.filter((name) => !seen.has(name));
      if (missing.length === 0) return { ok: true, columns };
      if (closest === undefined || missing.length < closest.missing.length) closest = { type, missing };
    }
  }
  const lacking = closest as { type: string; missing: string[] };
  return badHeader(
    lacking.missing[0] as string,
    `The header lacks columns no record type can do without; ${lacking.type} needs ${lacking.missing.join(", ")}.`,
  );
}

export function csvLineHandler(validate: RecordValidator): LineHandler {
  let columns: readonly string[] | undefined;
  let numeric: readonly boolean[] = [];
  let rejected = false;
  return (raw: RawLine): LineResult | undefined => {
    // After a bad header the file is rejected as a whole by that one error; later lines are not read.
    if (rejected) return undefined;
    const line = raw.line;
    if (columns === undefined) {
      if (raw.error?.code === "STREAM_CORRUPT" || raw.error?.code === "STREAM_ERROR")
        return { line, error: raw.error };
      const header =
        raw.error === undefined
          ? checkCsvHeader(raw.text)
          : badHeader("", `The header row is unreadable: ${raw.error.message}`);
      if (!header.ok) {
        rejected = true;
        return {
          line,
          error: { line, field: header.field, code: "CSV_BAD_HEADER", message: header.message },
        };
      }
      columns = header.columns;
      numeric = columns.map((column) => numericFields.has(column));
      return undefined;
    }
    if (raw.error !== undefined) return { line, error: raw.error };
    const cells = splitCsvLine(raw.text);
    if (cells === undefined) {
      return {
        line,
        error: {
          line,
          field: "",
          code: "CSV_MALFORMED",
          message: "The line has a stray or unterminated quote.",
        },
      };
    }
    if (cells.length !== columns.length) {
      const message = `The line has ${cells.length} cells; the header has ${columns.length}.`;
      return { line, error: { line, field: "", code: "CSV_FIELD_COUNT", message } };
    }
    const value: Record<string, unknown> = {};
    for (let i = 0; i < cells.length; i++) {
      const cell = cells[i] as string;
      if (cell === "") continue;
      const column = columns[i] as string;
      if (numeric[i] === true) {
        const number = parseCsvNumber(cell);
        if (number === undefined) {
          const message = `${column} must be written as a number (digits, optional sign, fraction, exponent).`;
          return { line, error: { line, field: column, code: "CSV_NUMBER_SYNTAX", message } };
        }
        value[column] = number;
      } else {
        value[column] = cell;
      }
    }
    const check = validate(value);
    if (check.ok) return { line, record: check.record };
    return { line, error: { line, field: check.field, code: check.code, message: check.message } };
  };
}

/** Yields the results of a CSV stream in line order, in batches of up to 1024; the header yields none. */
export function readCsvBatches(source: ByteSource, options: ReaderOptions): AsyncGenerator<LineResult[]> {
  return readResultBatches(source, options, csvLineHandler(createRecordValidator(options)));
}

/** Yields one result per non-blank data line of a CSV stream, in line order. */
export function readCsv(source: ByteSource, options: ReaderOptions): AsyncGenerator<LineResult> {
  return flatten(readCsvBatches(source, options));
}
