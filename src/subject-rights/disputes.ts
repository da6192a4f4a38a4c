// Disputes: a subject contests an item of their file, its furnisher confirms or corrects it by the regime's
// deadline, and an item left unanswered past the deadline is suppressed from reports until it is answered.
import { randomBytes } from "node:crypto";
import type { RegimeProfile } from "../config/regimes.ts";
import type { Database } from "../db/database.ts";
import { recordDisputeEvent } from "../feed/index.ts";
import { ApiError, registerErrorCodes } from "../http/errors.ts";
import { ownItem } from "./report-items.ts";

registerErrorCodes({
  DISPUTE_ITEM_NOT_YOURS: { status: 403, title: "The item is not in your credit file" },
  DISPUTE_EXISTS: { status: 409, title: "The item already has an open dispute" },
  DISPUTE_UNKNOWN: { status: 404, title: "No such dispute" },
  DISPUTE_NOT_YOURS: { status: 403, title: "The dispute concerns another furnisher's item" },
  DISPUTE_ANSWERED: { status: 409, title: "The dispute has already been answered" },
});

export const dispute_reason_chars_max = 1_000;
export const dispute_note_chars_max = 1_000;
/** The most disputes one furnisher listing returns. */
export const disputes_page_max = 500;
export const dispute_outcomes = ["confirmed", "corrected"] as const;
export type DisputeOutcome = (typeof dispute_outcomes)[number];
export const dispute_id_pattern = /^dp_[a-f0-9]{24}$/;

/**
 * open: awaiting the furnisher until the deadline (inclusive); overdue: unanswered after it, so the item is
 * suppressed from lenders' reports; answered: closed with an outcome.
 */
export type DisputeStatus = "open" | "overdue" | "answered";

type DisputeRow = {
  id: string;
  subject_key: Uint8Array;
  item: string;
  furnisher_id: string;
  account_ref: string;
  period: Date | string | null;
  reason: string;
  opened_at: Date;
  due_at: Date;
  answered_at: Date | null;
  outcome: DisputeOutcome | null;
  answer_note: string | null;
  answered_late: boolean | null;
};

export interface Dispute {
  readonly id: string;
  readonly item: string;
  readonly furnisher_id: string;
  readonly reason: string;
  readonly opened_at: Date;
  readonly due_at: Date;
  readonly status: DisputeStatus;
  readonly answered_at: Date | null;
  readonly outcome: DisputeOutcome | null;
  readonly answer_note: string | null;
  /** Answered after the deadline; kept as the furnisher's record, whatever the outcome. */
  readonly answered_late: boolean | null;
}

export function disputeStatus(row: Pick<DisputeRow, "answered_at" | "due_at">, now: Date): DisputeStatus {
  if (row.answered_at) return "answered";
  return row.due_at < now ? "overdue" : "open";
}

function view(row: DisputeRow, now: Date): Dispute {
  return {
    id: row.id,
    item: row.item,
    furnisher_id: row.furnisher_id,
    reason: row.reason,
    opened_at: row.opened_at,
    due_at: row.due_at,
    status: disputeStatus(row, now),
    answered_at: row.answered_at,
    outcome: row.outcome,
    answer_note: row.answer_note,
    answered_late: row.answered_late,
  };
}

/**
 * Opens a dispute on an item of the subject's own file, due after the regime's deadline.
 * Errors: DISPUTE_ITEM_NOT_YOURS (not in the subject's file, including items that do not exist), DISPUTE_EXISTS.
 */
export async function openDispute(
  db: Pick<Database, "query" | "transaction">,
  regime: Pick<RegimeProfile, "dispute_deadline_days">,
  subject_key: Buffer,
  input: { item: string; reason: string },
  now: Date,
): Promise<Dispute> {
  const item = await ownItem(db, subject_key, input.item);
  // Items that do not exist get the same answer as someone else's, so the route cannot probe other files.
  if (!item) throw new ApiError("DISPUTE_ITEM_NOT_YOURS", "The item is not in your credit file.");
  const due_at = new Date(now.getTime() + regime.dispute_deadline_days * 86_400_000);
  // The lenders' alert is written with the dispute, so neither exists without the other.
  const row = await db.transaction(async (tx) => {
    const [inserted] = await tx.query<DisputeRow>(
      `INSERT INTO subject_disputes (id, subject_key, item, furnisher_id, account_ref, period, reason, opened_at, due_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (subject_key, item) WHERE answered_at IS NULL DO NOTHING
     RETURNING *`,
      [
        `dp_${randomBytes(12).toString("hex")}`,
        subject_key,
        item.item,
        item.furnisher_id,
        item.account_ref,
        item.period === null ? null : `${item.period}-01`,
        input.reason,
        now,
        due_at,
      ],
    );
    if (inserted) await recordDisputeEvent(tx, { subject_key, item: item.item, at: now });
    return inserted;
  });
  if (!row)
    throw new ApiError("DISPUTE_EXISTS", "The item already has an open dispute.", { item: item.item });
  return view(row, now);
}

async function findDispute(db: Pick<Database, "query">, id: string): Promise<DisputeRow | undefined> {
  if (!dispute_id_pattern.test(id)) return undefined;
  const [row] = await db.query<DisputeRow>("SELECT * FROM subject_disputes WHERE id = $1", [id]);
  return row;
}

/** One of the subject's disputes. Errors: DISPUTE_UNKNOWN, SUBJECT_FORBIDDEN (another subject's). */
export async function disputeOfSubject(
  db: Pick<Database, "query">,
  subject_key: Buffer,
  id: string,
  now: Date,
): Promise<Dispute> {
  const row = await findDispute(db, id);
  if (!row) throw new ApiError("DISPUTE_UNKNOWN", `There is no dispute ${id}.`);
  if (!Buffer.from(row.subject_key).equals(subject_key)) {
    throw new ApiError("SUBJECT_FORBIDDEN", "A personal token may read only its own disputes.");
  }
  return view(row, now);
}

/** Every dispute the subject filed, newest first, answered ones included. */
export async function disputesOfSubject(
  db: Pick<Database, "query">,
  subject_key: Buffer,
  now: Date,
): Promise<Dispute[]> {
  const rows = await db.query<DisputeRow>(
    "SELECT * FROM subject_disputes WHERE subject_key = $1 ORDER BY opened_at DESC, id",
    [subject_key],
  );
  return rows.map((row) => view(row, now));
}

/** A furnisher's disputes: the open ones by deadline, or the answered ones newest first, or all. */
export async function disputesOfFurnisher(
  db: Pick<Database, "query">,
  furnisher_id: string,
  filter: { status: "open" | "answered" | "all"; limit: number },
  now: Date,
): Promise<Dispute[]> {
  const where =
    filter.status === "open"
      ? "AND answered_at IS NULL"
      : filter.status === "answered"
        ? "AND answered_at IS NOT NULL"
        : "";
  const rows = await db.query<DisputeRow>(
    `SELECT * FROM subject_disputes WHERE furnisher_id = $1 ${where}
     ORDER BY answered_at IS NOT NULL, due_at, id LIMIT $2`,
    [furnisher_id, Math.min(filter.limit, disputes_page_max)],
  );
  return rows.map((row) => view(row, now));
}

/**
 * Records the furnisher's answer. An answer after the deadline is accepted and flagged late for good.
 * Errors: DISPUTE_UNKNOWN, DISPUTE_NOT_YOURS, DISPUTE_ANSWERED.
 */
export async function answerDispute(
  db: Pick<Database, "query">,
  furnisher_id: string,
  id: string,
  answer: { outcome: DisputeOutcome; note: string },
  now: Date,
): Promise<Dispute> {
  const row = await findDispute(db, id);
  if (!row) throw new ApiError("DISPUTE_UNKNOWN", `There is no dispute ${id}.`);
  if (row.furnisher_id !== furnisher_id) {
    throw new ApiError("DISPUTE_NOT_YOURS", "The dispute concerns another furnisher's item.");
  }
  const [answered] = await db.query<DisputeRow>(
    `UPDATE subject_disputes SET answered_at = $2, outcome = $3, answer_note = $4, answered_late = due_at < $2
     WHERE id = $1 AND answered_at IS NULL RETURNING *`,
    [id, now, answer.outcome, answer.note],
  );
  if (!answered) throw new ApiError("DISPUTE_ANSWERED", `Dispute ${id} has already been answered.`);
  return view(answered, now);
}
