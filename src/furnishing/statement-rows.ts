// Statements are nine in ten furnished lines. Their COPY rows are built here, by the reader thread for bulk
// files and by the main thread otherwise, so both paths load exactly the same rows.
import { isAscii } from "node:buffer";
import type { CopyRow } from "../db/database.ts";
import type { ValidRecord } from "./record-schema.ts";

/** The statements table's columns in COPY order; the ingest benchmark's raw COPY uses the same list. */
export const statementColumns = [
  "furnisher_id",
  "account_ref",
  "period",
  "seq",
  "deleted",
  "balance_minor",
  "past_due_minor",
  "days_past_due",
  "scheduled_payment_minor",
  "actual_payment_minor",
  "status",
  "notified_on",
] as const;

export type StatementLine = Extract<ValidRecord, { type: "statement" }>;

export function statementRow(furnisher_id: string, seq: bigint, record: StatementLine): CopyRow {
  const r = record as StatementLine & Record<string, unknown>;
  const period = `${r.period}-01`;
  return r.op === "delete"
    ? [furnisher_id, r.account_ref, period, seq, true, null, null, null, null, null, null, null]
    : [
        furnisher_id,
        r.account_ref,
        period,
        seq,
        false,
        r.balance_minor as bigint,
        r.past_due_minor as bigint,
        r.days_past_due as number,
        r.scheduled_payment_minor as bigint,
        r.actual_payment_minor as bigint,
        r.status as string,
        (r.notified_on as string | undefined) ?? null,
      ];
}

/**
 * One statement's line of COPY text, exactly copyText([statementRow(…)]), written directly since it is
 * made a million times a file: furnisher ids, periods, statuses and dates never need escaping, and an
 * account_ref (visible ASCII) only its backslashes.
 */
export function statementText(furnisher_id: string, seq: bigint, record: StatementLine): string {
  const r = record as StatementLine & Record<string, unknown>;
  const ref = r.account_ref.includes("\\") ? r.account_ref.replaceAll("\\", "\\\\") : r.account_ref;
  const head = `${furnisher_id}\t${ref}\t${r.period}-01\t${seq}\t`;
  if (r.op === "delete") return `${head}true\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\n`;
  const notified = (r.notified_on as string | undefined) ?? "\\N";
  return `${head}false\t${r.balance_minor}\t${r.past_due_minor}\t${r.days_past_due}\t${r.scheduled_payment_minor}\t${r.actual_payment_minor}\t${r.status}\t${notified}\n`;
}

/**
 * A batch's statements as the reader thread prepares them: those whose account came earlier in the file as
 * ready COPY text, the others with their line for the main thread to check, and what the main thread's
 * summary needs (subjects referenced, latest period).
 */
export interface PreparedStatements {
  /**
   * COPY text (UTF-8) of statements whose account appeared earlier in the file. Bytes rather than a string,
   * so the thread can hand them over without a copy and the main thread's heap never holds them.
   */
  readonly text: Uint8Array;
  readonly ready: number;
  readonly unresolved: { line: number; ref: string; text: string }[];
  /** `id_type` NUL `id_number` of each subject the batch's statements name, consecutive repeats removed. */
  readonly subjects: string[];
  readonly latest_period: string | null;
}

const encoder = new TextEncoder();

/** Splits a reader batch: statements become prepared text, everything else stays a result. */
export class StatementPreparer {
  readonly #furnisher_id: string;
  readonly #seq: bigint;
  // Every other part of a statement's line is ASCII (account_ref is visible ASCII, the rest digits, dates
  // and statuses), so with an ASCII furnisher id the text is its own UTF-8 and a byte copy encodes it.
  readonly #encode: (text: string) => Uint8Array;

  constructor(furnisher_id: string, seq: bigint) {
    this.#furnisher_id = furnisher_id;
    this.#seq = seq;
    // The bytes get a buffer of their own (never Node's shared pool): the reader thread transfers it.
    this.#encode = isAscii(Buffer.from(furnisher_id))
      ? (text) => {
          const bytes = Buffer.allocUnsafeSlow(text.length);
          bytes.write(text, 0, "latin1");
          return bytes;
        }
      : (text) => encoder.encode(text);
  }

  prepare<R extends { line: number; record?: ValidRecord | undefined; account_in_file?: boolean }>(
    batch: readonly R[],
  ): { results: R[]; statements: PreparedStatements } {
    const results: R[] = [];
    let text = "";
    let ready = 0;
    const unresolved: PreparedStatements["unresolved"] = [];
    const subjects: string[] = [];
    let last_subject = "";
    let latest_period: string | null = null;
    for (const result of batch) {
      const record = result.record;
      if (record?.type !== "statement") {
        results.push(result);
        continue;
      }
      if (latest_period === null || record.period > latest_period) latest_period = record.period;
      const r = record as StatementLine & Record<string, unknown>;
      if (r.op !== "delete") {
        const subject = `${r.id_type as string}\u0000${r.id_number as string}`;
        if (subject !== last_subject) subjects.push(subject);
        last_subject = subject;
      }
      const line = statementText(this.#furnisher_id, this.#seq, record);
      if (result.account_in_file === true) {
        text += line;
        ready += 1;
      } else {
        unresolved.push({ line: result.line, ref: record.account_ref, text: line });
      }
    }
    const bytes = this.#encode(text);
    return { results, statements: { text: bytes, ready, unresolved, subjects, latest_period } };
  }
}
