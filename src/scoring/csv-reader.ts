// Reads a CSV file with a header line into a raw table, reporting malformed lines by number.
import { parse } from "csv-parse/sync";
import { DomainError } from "./errors.ts";
import { checkTableShape, type RawTable, readDataFile } from "./raw-table.ts";

interface ParsedRecord {
  readonly record: string[];
  readonly info: { readonly lines: number };
}

export function parseCsvTable(text: string): RawTable {
  let parsed: ParsedRecord[];
  try {
    // With info: true every record comes wrapped with its line information.
    parsed = parse(text, {
      info: true,
      bom: true,
      skip_empty_lines: true,
      relax_column_count: false,
      trim: true,
    }) as unknown as ParsedRecord[];
  } catch (error) {
    const csv_error = error as { code?: string; lines?: number };
    const line = csv_error.lines;
    if (csv_error.code === "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH") {
      throw new DomainError(
        "DATA_ROW_WIDTH",
        `line ${line} has a different number of fields than the header`,
        {
          line,
        },
      );
    }
    throw new DomainError("DATA_CSV_MALFORMED", `the CSV is malformed near line ${line ?? "?"}`, {
      line,
      parser_code: csv_error.code,
    });
  }
  const [first, ...body] = parsed;
  if (first === undefined) throw new DomainError("DATA_EMPTY", "the CSV file is empty");
  const header = first.record.map((name) => name.trim());
  checkTableShape(header, body.length);
  const line_numbers = new Int32Array(body.length);
  body.forEach((entry, index) => {
    line_numbers[index] = entry.info.lines;
  });
  return { header, rows: body.map((entry) => entry.record), line_numbers };
}

export async function readCsvTable(path: string): Promise<RawTable> {
  return parseCsvTable(await readDataFile(path));
}
