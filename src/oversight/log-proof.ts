// The proof from the disclosure log that no access bypassed the consent check: every answered query is in
// the log, and every report or score in the log goes back to an answered query under the consent it names.
import type { Database } from "../db/database.ts";
import { DomainError, decodeEntry, type LogEntry } from "../disclosure-log/index.ts";
import type { DayRange } from "./day-range.ts";
import { instantsOf } from "./day-range.ts";

/** Entries read from the database per round trip. */
export const proof_batch_rows = 1_000;
/** The most log entries one proof checks; beyond it the proof says it is incomplete. */
export const proof_entries_max = 200_000;
/** The most violations listed; the total is always counted. */
export const violations_listed_max = 100;

const no_consent_hash = "0".repeat(64);
const consented_products: ReadonlySet<string> = new Set(["report", "score", "report+score"]);

export const violationKinds = [
  /** An answered query whose disclosure is neither in the log nor waiting in its queue. */
  "answered_without_entry",
  /** A log entry whose bytes are not a canonical entry. */
  "entry_undecodable",
  /** A report or score in the log that no answered query caused. */
  "entry_without_inquiry",
  /** A report or score in the log delivered to someone other than the institution that queried. */
  "entry_recipient_mismatch",
  /** A report or score in the log whose query had no consent, where the regime requires one. */
  "entry_without_consent",
  /** A report or score in the log whose consent hash is not the hash of the query's consent. */
  "entry_consent_mismatch",
] as const;
export type ViolationKind = (typeof violationKinds)[number];

export interface LogViolation {
  readonly kind: ViolationKind;
  readonly entry_id?: string;
  readonly idx?: number;
  readonly inquiry_id?: string;
  readonly institution_id?: string;
  readonly at?: Date;
}

export interface LogProof {
  /** True when every check passed over every entry of the window. */
  readonly holds: boolean;
  /** False when the window held more than proof_entries_max entries and only the first were checked. */
  readonly complete: boolean;
  readonly answered_inquiries: number;
  /** Answered queries whose entry is queued but not yet sequenced into the log: not a violation. */
  readonly pending_in_queue: number;
  readonly entries_checked: number;
  readonly consented_entries: number;
  readonly violations_total: number;
  readonly violations: LogViolation[];
}

type EntryRow = {
  idx: bigint;
  entry_id: string;
  entry_bytes: Uint8Array;
  at: Date;
  inquiry_id: string | null;
  inquiry_institution: string | null;
  inquiry_consent_id: string | null;
  consent_sha256: Uint8Array | null;
};

/** What is wrong with one entry, or undefined when it traces back to a consented, answered query. */
function entryViolation(
  row: EntryRow,
  entry: LogEntry,
  consent_required: boolean,
): ViolationKind | undefined {
  if (row.inquiry_id === null) return "entry_without_inquiry";
  if (row.inquiry_institution !== entry.recipient) return "entry_recipient_mismatch";
  if (row.inquiry_consent_id === null) {
    // Where a permissible purpose stands in for consent, the entry carries the all-zero consent hash.
    return !consent_required && entry.consent_sha256 === no_consent_hash
      ? undefined
      : "entry_without_consent";
  }
  if (row.consent_sha256 === null) return "entry_without_consent";
  return Buffer.from(row.consent_sha256).toString("hex") === entry.consent_sha256
    ? undefined
    : "entry_consent_mismatch";
}

async function answeredWithoutEntry(db: Pick<Database, "query">, start: Date, end: Date) {
  const [counts] = await db.query<{ answered: number }>(
    "SELECT count(*)::int AS answered FROM inquiries WHERE outcome = 'answered' AND at >= $1 AND at < $2",
    [start, end],
  );
  const missing = await db.query<{
    id: string;
    institution_id: string;
    at: Date;
    log_entry_id: string | null;
    queued: boolean;
  }>(
    `SELECT i.id, i.institution_id, i.at, i.log_entry_id,
       EXISTS (SELECT 1 FROM log_queue q WHERE q.entry_id = i.log_entry_id) AS queued
     FROM inquiries i
     WHERE i.outcome = 'answered' AND i.at >= $1 AND i.at < $2
       AND NOT EXISTS (SELECT 1 FROM log_entries e WHERE e.entry_id = i.log_entry_id)
     ORDER BY i.at, i.id`,
    [start, end],
  );
  return { answered: counts?.answered ?? 0, missing };
}

/**
 * Checks the log over a day range. Entries are judged by their decoded bytes, which are what the Merkle
 * tree commits to, not by the columns stored beside them.
 */
export async function proveLog(
  db: Pick<Database, "query">,
  range: DayRange,
  options: { consent_required: boolean },
): Promise<LogProof> {
  const { start, end } = instantsOf(range);
  const violations: LogViolation[] = [];
  let violations_total = 0;
  const flag = (violation: LogViolation) => {
    violations_total++;
    if (violations.length < violations_listed_max) violations.push(violation);
  };

  const { answered, missing } = await answeredWithoutEntry(db, start, end);
  let pending_in_queue = 0;
  for (const row of missing) {
    if (row.queued) pending_in_queue++;
    else {
      flag({
        kind: "answered_without_entry",
        inquiry_id: row.id,
        institution_id: row.institution_id,
        at: row.at,
        ...(row.log_entry_id ? { entry_id: row.log_entry_id } : {}),
      });
    }
  }

  let entries_checked = 0;
  let consented_entries = 0;
  let after = -1n;
  let complete = true;
  for (;;) {
    const batch = await db.query<EntryRow>(
      `SELECT e.idx, e.entry_id, e.entry_bytes, e.at, i.id AS inquiry_id, i.institution_id AS inquiry_institution,
         i.consent_id AS inquiry_consent_id, c.jws_sha256 AS consent_sha256
       FROM log_entries e
       LEFT JOIN LATERAL (
         SELECT id, institution_id, consent_id FROM inquiries
         WHERE log_entry_id = e.entry_id AND outcome = 'answered' ORDER BY at, id LIMIT 1
       ) i ON true
       LEFT JOIN consents c ON c.id = i.consent_id
       WHERE e.at >= $1 AND e.at < $2 AND e.idx > $3
       ORDER BY e.idx LIMIT $4`,
      [start, end, after.toString(), proof_batch_rows],
    );
    for (const row of batch) {
      if (entries_checked === proof_entries_max) {
        complete = false;
        break;
      }
      entries_checked++;
      after = row.idx;
      const where = { entry_id: row.entry_id, idx: Number(row.idx), at: row.at };
      let entry: LogEntry;
      try {
        entry = decodeEntry(row.entry_bytes);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        flag({ kind: "entry_undecodable", ...where });
        continue;
      }
      // Alerts go to a lender about its existing customers under their continuous consent; the feed
      // that sends them records no inquiry, so only queried products are traced to inquiries.
      if (!consented_products.has(entry.product)) continue;
      consented_entries++;
      const kind = entryViolation(row, entry, options.consent_required);
      if (kind) {
        flag({
          kind,
          ...where,
          institution_id: entry.recipient,
          ...(row.inquiry_id ? { inquiry_id: row.inquiry_id } : {}),
        });
      }
    }
    if (!complete || batch.length < proof_batch_rows) break;
  }
  return {
    holds: violations_total === 0 && complete,
    complete,
    answered_inquiries: answered,
    pending_in_queue,
    entries_checked,
    consented_entries,
    violations_total,
    violations,
  };
}
