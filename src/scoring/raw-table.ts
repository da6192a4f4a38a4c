// A table of text cells as read from a file, before any typing: the common output of every reader.
import { readFile, stat } from "node:fs/promises";
import { DomainError } from "./errors.ts";

export interface RawTable {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  // The 1-based line of the file on which each row starts, for error messages.
  readonly line_numbers: Int32Array;
}

export const file_bytes_max = 256 * 1024 * 1024;
export const columns_max = 1_000;
export const rows_max = 5_000_000;

// Reads a whole data file as UTF-8 text after checking that it exists and is within the size limit.
export async function readDataFile(path: string): Promise<string> {
  let size_bytes: number;
  try {
    size_bytes = (await stat(path)).size;
  } catch {
    throw new DomainError("DATA_FILE_NOT_FOUND", `cannot read data file ${path}`, { path });
  }
  if (size_bytes > file_bytes_max) {
    throw new DomainError(
      "DATA_FILE_TOO_LARGE",
      `data file is ${size_bytes} bytes; the limit is ${file_bytes_max}`,
      {
        size_bytes,
        file_bytes_max,
      },
    );
  }
  return readFile(path, "utf8");
}

export function checkTableShape(header: readonly string[], row_count: number): void {
  if (header.length > columns_max) {
    throw new DomainError(
      "DATA_TOO_MANY_COLUMNS",
      `the data has ${header.length} columns; the limit is ${columns_max}`,
      {
        columns: header.length,
        columns_max,
      },
    );
  }
  if (row_count > rows_max) {
    throw new DomainError("DATA_TOO_MANY_ROWS", `the data has more than ${rows_max} rows`, { rows_max });
  }
  if (row_count === 0) throw new DomainError("DATA_EMPTY", "the data has a header but no rows");
  const seen = new Set<string>();
  header.forEach((name, index) => {
    if (name.trim() === "") {
      throw new DomainError("DATA_EMPTY_COLUMN_NAME", `column ${index + 1} has an empty name`, {
        column: index + 1,
      });
    }
    if (seen.has(name)) {
      throw new DomainError("DATA_DUPLICATE_COLUMN", `column name "${name}" appears twice`, { column: name });
    }
    seen.add(name);
  });
}
