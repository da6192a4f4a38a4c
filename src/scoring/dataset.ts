// A typed training table: numeric and categorical feature columns plus a 0/1 target (1 = bad).
import { isMissingToken, parseNumber } from "./cell-values.ts";
import { DomainError } from "./errors.ts";
import type { RawTable } from "./raw-table.ts";

// Missing numeric values are NaN; missing categories are code -1.
export interface NumericColumn {
  readonly name: string;
  readonly kind: "numeric";
  readonly values: Float64Array;
}

export interface CategoricalColumn {
  readonly name: string;
  readonly kind: "categorical";
  readonly levels: readonly string[];
  readonly codes: Int32Array;
}

export type FeatureColumn = NumericColumn | CategoricalColumn;

export interface DatasetWarning {
  readonly code: string;
  readonly column: string;
  readonly message: string;
}

export interface Dataset {
  readonly features: readonly FeatureColumn[];
  readonly target: Uint8Array;
  readonly target_name: string;
  // The target value, as written in the file, that means a bad outcome.
  readonly bad_label: string;
  readonly row_count: number;
  readonly warnings: readonly DatasetWarning[];
  readonly line_numbers: Int32Array;
}

export interface DatasetOptions {
  readonly target: string;
  readonly bad_value?: string;
  readonly categorical?: readonly string[];
  readonly exclude?: readonly string[];
}

// A text column with more distinct values than this is an identifier or free text, not a category.
export const categorical_levels_max = 200;
const label_display_chars_max = 24;

export function buildDataset(table: RawTable, options: DatasetOptions): Dataset {
  const target_index = table.header.indexOf(options.target);
  if (target_index < 0) {
    throw new DomainError("TARGET_COLUMN_NOT_FOUND", `the data has no column named "${options.target}"`, {
      target: options.target,
    });
  }
  const categorical = new Set(options.categorical ?? []);
  const exclude = new Set(options.exclude ?? []);
  for (const name of [...categorical, ...exclude]) {
    if (!table.header.includes(name)) {
      throw new DomainError("DATA_UNKNOWN_COLUMN", `the data has no column named "${name}"`, {
        column: name,
      });
    }
  }
  const { target, bad_label } = readTarget(table, target_index, options.bad_value);
  const warnings: DatasetWarning[] = [];
  const features: FeatureColumn[] = [];
  table.header.forEach((name, column_index) => {
    if (column_index === target_index || exclude.has(name)) return;
    const column = readFeature(table, column_index, categorical.has(name));
    const problem = unusableReason(column);
    if (problem === undefined) features.push(column);
    else
      warnings.push({
        code: problem.code,
        column: name,
        message: `column "${name}" dropped: ${problem.message}`,
      });
  });
  if (features.length === 0) {
    throw new DomainError(
      "NO_USABLE_FEATURES",
      "no feature column is usable (all are constant, empty or excluded)",
      {
        warnings,
      },
    );
  }
  return {
    features,
    target,
    target_name: options.target,
    bad_label,
    row_count: table.rows.length,
    warnings,
    line_numbers: table.line_numbers,
  };
}

function readTarget(
  table: RawTable,
  target_index: number,
  bad_value: string | undefined,
): { target: Uint8Array; bad_label: string } {
  const labels: string[] = table.rows.map((row, row_index) => {
    const cell = row[target_index] ?? "";
    if (isMissingToken(cell)) {
      const line = table.line_numbers[row_index];
      throw new DomainError("TARGET_MISSING", `line ${line}: the target is missing`, { line });
    }
    return normaliseLabel(cell);
  });
  const distinct = [...new Set(labels)];
  // The values themselves stay out of these errors: a wrong --target could name a column of
  // personal data, and error messages must never carry it.
  if (distinct.length > 2) {
    throw new DomainError(
      "TARGET_NOT_BINARY",
      `the target has ${distinct.length} distinct values; it must have two`,
      {
        distinct: distinct.length,
      },
    );
  }
  if (distinct.length < 2) {
    throw new DomainError(
      "TARGET_ONE_CLASS",
      "the target has only one value; training needs goods and bads",
      {
        distinct: distinct.length,
      },
    );
  }
  const bad_label = chooseBadLabel(distinct, bad_value);
  const target = new Uint8Array(labels.length);
  labels.forEach((label, index) => {
    target[index] = label === bad_label ? 1 : 0;
  });
  return { target, bad_label };
}

// "1", "1.0" and "+1" are the same label, so that a target written by different tools still pairs up.
function normaliseLabel(cell: string): string {
  const value = parseNumber(cell);
  return value === undefined ? cell.trim() : String(value);
}

// With exactly two labels the column is an outcome, not personal data, so naming its two
// values (shortened) helps the user pick the bad one.
function chooseBadLabel(distinct: readonly string[], bad_value: string | undefined): string {
  const shown = distinct.map((label) => label.slice(0, label_display_chars_max));
  if (bad_value !== undefined) {
    const wanted = normaliseLabel(bad_value);
    if (!distinct.includes(wanted)) {
      throw new DomainError(
        "TARGET_BAD_VALUE_NOT_FOUND",
        "the bad value given does not occur in the target column",
        {
          values: shown,
        },
      );
    }
    return wanted;
  }
  if (distinct.includes("0") && distinct.includes("1")) return "1";
  throw new DomainError(
    "TARGET_BAD_VALUE_REQUIRED",
    "the target is not 0/1; say which of its two values means bad (--bad-value)",
    { values: shown },
  );
}

function readFeature(table: RawTable, column_index: number, force_categorical: boolean): FeatureColumn {
  const name = table.header[column_index] as string;
  const cells = table.rows.map((row) => row[column_index] ?? "");
  if (force_categorical) return categoricalColumn(name, cells);
  let numbers = 0;
  let first_text_row = -1;
  cells.forEach((cell, row_index) => {
    if (isMissingToken(cell)) return;
    if (parseNumber(cell) !== undefined) numbers += 1;
    else if (first_text_row < 0) first_text_row = row_index;
  });
  if (first_text_row < 0) return numericColumn(name, cells);
  if (numbers === 0) return categoricalColumn(name, cells);
  const line = table.line_numbers[first_text_row];
  throw new DomainError(
    "COLUMN_MIXED_TYPES",
    `column "${name}" holds numbers and text (first text on line ${line}); clean it, or declare it categorical with --categorical ${name}`,
    { column: name, line },
  );
}

function numericColumn(name: string, cells: readonly string[]): NumericColumn {
  const values = new Float64Array(cells.length);
  cells.forEach((cell, index) => {
    values[index] = isMissingToken(cell) ? Number.NaN : (parseNumber(cell) as number);
  });
  return { name, kind: "numeric", values };
}

function categoricalColumn(name: string, cells: readonly string[]): CategoricalColumn {
  const level_codes = new Map<string, number>();
  const codes = new Int32Array(cells.length);
  cells.forEach((cell, index) => {
    if (isMissingToken(cell)) {
      codes[index] = -1;
      return;
    }
    const level = cell.trim();
    let code = level_codes.get(level);
    if (code === undefined) {
      code = level_codes.size;
      level_codes.set(level, code);
    }
    codes[index] = code;
  });
  return { name, kind: "categorical", levels: [...level_codes.keys()], codes };
}

function unusableReason(column: FeatureColumn): { code: string; message: string } | undefined {
  const { distinct, missing, rows } = columnCounts(column);
  if (missing === rows) return { code: "COLUMN_ALL_MISSING", message: "every value is missing" };
  if (distinct === 1 && missing === 0)
    return { code: "COLUMN_CONSTANT", message: "every row has the same value" };
  if (column.kind === "categorical" && distinct > categorical_levels_max) {
    return {
      code: "COLUMN_TOO_MANY_CATEGORIES",
      message: `${distinct} distinct text values (limit ${categorical_levels_max}); it looks like an identifier`,
    };
  }
  return undefined;
}

function columnCounts(column: FeatureColumn): { distinct: number; missing: number; rows: number } {
  if (column.kind === "categorical") {
    let missing = 0;
    for (const code of column.codes) if (code < 0) missing += 1;
    return { distinct: column.levels.length, missing, rows: column.codes.length };
  }
  const seen = new Set<number>();
  let missing = 0;
  for (const value of column.values) {
    if (Number.isNaN(value)) missing += 1;
    else if (seen.size < 2) seen.add(value);
  }
  return { distinct: seen.size, missing, rows: column.values.length };
}

// Reads a labelled table for an existing model: each model feature is typed as the model says,
// not inferred, and nothing is dropped. Used to evaluate a model on new data.
export function buildDatasetForModel(
  table: RawTable,
  options: {
    readonly features: readonly { readonly name: string; readonly kind: "numeric" | "categorical" }[];
    readonly target: string;
    readonly bad_value: string;
  },
): Dataset {
  const target_index = table.header.indexOf(options.target);
  if (target_index < 0) {
    throw new DomainError("TARGET_COLUMN_NOT_FOUND", `the data has no column named "${options.target}"`, {
      target: options.target,
    });
  }
  const absent = options.features
    .filter((feature) => !table.header.includes(feature.name))
    .map((f) => f.name);
  if (absent.length > 0) {
    throw new DomainError(
      "MODEL_FEATURES_MISMATCH",
      `the data lacks ${absent.length} of the model's features: ${absent.slice(0, 10).join(", ")}`,
      { absent },
    );
  }
  const { target, bad_label } = readTarget(table, target_index, options.bad_value);
  const features = options.features.map((feature): FeatureColumn => {
    const column_index = table.header.indexOf(feature.name);
    const cells = table.rows.map((row) => row[column_index] ?? "");
    if (feature.kind === "categorical") return categoricalColumn(feature.name, cells);
    const bad_row = cells.findIndex((cell) => !isMissingToken(cell) && parseNumber(cell) === undefined);
    if (bad_row >= 0) {
      const line = table.line_numbers[bad_row];
      throw new DomainError(
        "DATA_VALUE_NOT_NUMERIC",
        `line ${line}: column "${feature.name}" must hold a number for this model`,
        { column: feature.name, line },
      );
    }
    return numericColumn(feature.name, cells);
  });
  return {
    features,
    target,
    target_name: options.target,
    bad_label,
    row_count: table.rows.length,
    warnings: [],
    line_numbers: table.line_numbers,
  };
}

// The same data restricted to some rows, in the order given; used for folds and held-out sets.
export function selectRows(dataset: Dataset, rows: Int32Array): Dataset {
  const features = dataset.features.map((column): FeatureColumn => {
    if (column.kind === "numeric") {
      const values = new Float64Array(rows.length);
      rows.forEach((row, index) => {
        values[index] = column.values[row] as number;
      });
      return { name: column.name, kind: "numeric", values };
    }
    const codes = new Int32Array(rows.length);
    rows.forEach((row, index) => {
      codes[index] = column.codes[row] as number;
    });
    return { name: column.name, kind: "categorical", levels: column.levels, codes };
  });
  const target = new Uint8Array(rows.length);
  const line_numbers = new Int32Array(rows.length);
  rows.forEach((row, index) => {
    target[index] = dataset.target[row] as number;
    line_numbers[index] = dataset.line_numbers[row] as number;
  });
  return { ...dataset, features, target, line_numbers, row_count: rows.length };
}

// The same data restricted to the named feature columns, in the order given.
export function selectFeatures(dataset: Dataset, names: readonly string[]): Dataset {
  const features = names.map((name) => {
    const column = dataset.features.find((candidate) => candidate.name === name);
    if (column === undefined) {
      throw new DomainError("FEATURE_NOT_IN_DATA", `the data has no usable feature named "${name}"`, {
        feature: name,
      });
    }
    return column;
  });
  if (features.length === 0) throw new DomainError("NO_USABLE_FEATURES", "no feature was selected");
  return { ...dataset, features };
}

export function countBads(target: Uint8Array): number {
  let bads = 0;
  for (const value of target) bads += value;
  return bads;
}

// One row as a record of feature values (null when missing), the shape scoreRecord takes.
export function rowRecord(dataset: Dataset, row: number): Record<string, number | string | null> {
  const record: Record<string, number | string | null> = {};
  for (const column of dataset.features) {
    if (column.kind === "numeric") {
      const value = column.values[row] as number;
      record[column.name] = Number.isNaN(value) ? null : value;
    } else {
      const code = column.codes[row] as number;
      record[column.name] = code < 0 ? null : (column.levels[code] as string);
    }
  }
  return record;
}
