// Synthetic furnishing records and byte sources for the furnishing tests; every identifier is generated
// from the check algorithms, so no real person's data appears.
import {
  organisationCodeCheckCharacter,
  residentIdCheckCharacter,
  usccCheckCharacter,
} from "../identity/national-id.ts";
import { fieldNames } from "./record-schema.ts";

export const fixture_now = new Date("2025-06-15T08:00:00Z");

/** A valid synthetic resident ID for person number `n`, born in the 1980s in Nanjing's area code. */
export function syntheticResidentId(n: number): string {
  const birth = `198${n % 10}${String((n % 12) + 1).padStart(2, "0")}${String((n % 28) + 1).padStart(2, "0")}`;
  const first17 = `320102${birth}${String(n % 1000).padStart(3, "0")}`;
  return first17 + residentIdCheckCharacter(first17);
}

/** The birth date inside `syntheticResidentId(n)`. */
export function syntheticBirthDate(n: number): string {
  const id = syntheticResidentId(n);
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
}

export function syntheticUscc(n: number): string {
  const body = `MA${String(n).padStart(6, "0")}`;
  const first17 = `91110108${body}${organisationCodeCheckCharacter(body)}`;
  return first17 + usccCheckCharacter(first17);
}

export type WireRecord = Record<string, unknown>;

export function subjectLine(n: number, overrides: WireRecord = {}): WireRecord {
  return {
    type: "subject",
    id_type: "cn_resident_id",
    id_number: syntheticResidentId(n),
    name: `Test Person ${n}`,
    // +1 555 555 0100-0199 is reserved for fiction.
    phone: `+1555555${String(100 + (n % 100)).padStart(4, "0")}`,
    ...overrides,
  };
}

export function accountLine(n: number, overrides: WireRecord = {}): WireRecord {
  return {
    type: "account",
    account_ref: `ACC-${n}`,
    id_type: "cn_resident_id",
    id_number: syntheticResidentId(n),
    kind: "consumer_loan",
    opened_on: "2023-01-10",
    currency: "CNY",
    principal_minor: 5_000_000,
    term_months: 24,
    ...overrides,
  };
}

export function statementLine(n: number, overrides: WireRecord = {}): WireRecord {
  return {
    type: "statement",
    account_ref: `ACC-${n}`,
    id_type: "cn_resident_id",
    id_number: syntheticResidentId(n),
    period: "2025-05",
    balance_minor: 4_200_000,
    past_due_minor: 0,
    days_past_due: 0,
    scheduled_payment_minor: 230_000,
    actual_payment_minor: 230_000,
    status: "current",
    ...overrides,
  };
}

export function activityLine(n: number, overrides: WireRecord = {}): WireRecord {
  return {
    type: "activity",
    id_type: "cn_resident_id",
    id_number: syntheticResidentId(n),
    category: "utilities",
    period: "2025-05",
    event_count: 3,
    amount_minor: 45_600,
    currency: "CNY",
    on_time_share: 0.67,
    ...overrides,
  };
}

/** One valid record of each type and operation for person `n`. */
export function everyKindOfLine(n: number): WireRecord[] {
  return [
    subjectLine(n),
    accountLine(n),
    statementLine(n),
    activityLine(n),
    { type: "subject", op: "delete", id_type: "cn_resident_id", id_number: syntheticResidentId(n + 1) },
    { type: "account", op: "delete", account_ref: `ACC-${n + 1}` },
    { type: "statement", op: "delete", account_ref: `ACC-${n + 1}`, period: "2025-04" },
    {
      type: "activity",
      op: "delete",
      id_type: "cn_resident_id",
      id_number: syntheticResidentId(n + 1),
      category: "telecom",
      period: "2025-04",
    },
  ];
}

export function toNdjson(records: readonly WireRecord[]): string {
  return records.map((record) => `${JSON.stringify(record)}\n`).join("");
}

function csvCell(value: unknown): string {
  if (value === undefined) return "";
  const text = String(value);
  return /[",]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A CSV file with every furnishing column (or `columns`) and one line per record. */
export function toCsv(records: readonly WireRecord[], columns: readonly string[] = fieldNames): string {
  const lines = [columns.join(",")];
  for (const record of records) lines.push(columns.map((column) => csvCell(record[column])).join(","));
  return `${lines.join("\n")}\n`;
}

/** The bytes as an async iterable of chunks of `chunk_bytes`, the shape a Readable has. */
export async function* chunked(bytes: Uint8Array | string, chunk_bytes = 65_536): AsyncGenerator<Uint8Array> {
  const buffer = typeof bytes === "string" ? Buffer.from(bytes) : bytes;
  for (let i = 0; i < buffer.length; i += chunk_bytes) yield buffer.subarray(i, i + chunk_bytes);
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}
