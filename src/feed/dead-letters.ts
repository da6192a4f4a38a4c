// Dead letters: events that failed every attempt, listed for their lender and sent again on request.
import type { Database } from "../db/database.ts";
import { ApiError, registerErrorCodes } from "../http/errors.ts";
import { type AlertPayload, alertPayload, type OutboxEvent } from "./event-types.ts";

registerErrorCodes({
  DEAD_LETTER_UNKNOWN: { status: 404, title: "No such dead letter" },
});

/** The most dead letters one page lists. */
export const dead_letters_page_rows_max = 500;

const event_id_pattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface DeadLetter {
  readonly event: AlertPayload;
  readonly attempts: number;
  /** Why the last attempt failed: a status, a timeout or a socket error; never the receiver's answer. */
  readonly last_error: string | null;
  readonly dead_at: Date;
}

type DeadRow = OutboxEvent & { attempts: number; last_error: string | null; finished_at: Date };

/** Dead letters of one lender, oldest first; `after` is the id of the last one on the previous page. */
export async function listDeadLetters(
  db: Pick<Database, "query">,
  lender_id: string,
  page: { after?: string | undefined; limit: number },
): Promise<DeadLetter[]> {
  if (page.after !== undefined && !event_id_pattern.test(page.after)) {
    throw new ApiError("MALFORMED_ID", "after must be the id of a dead letter.", { field: "after" });
  }
  const rows = await db.query<DeadRow>(
    `SELECT o.id, o.type, o.occurred_at, o.consent_id, o.sequence, o.data, o.attempts, o.last_error, o.finished_at
     FROM feed_outbox o
     WHERE o.lender_id = $1 AND o.state = 'dead'
       AND ($2::uuid IS NULL OR (o.finished_at, o.id) > (
         SELECT a.finished_at, a.id FROM feed_outbox a WHERE a.id = $2::uuid))
     ORDER BY o.finished_at, o.id
     LIMIT $3`,
    [lender_id, page.after ?? null, Math.min(page.limit, dead_letters_page_rows_max)],
  );
  return rows.map((row) => ({
    event: alertPayload(row),
    attempts: row.attempts,
    last_error: row.last_error,
    dead_at: row.finished_at,
  }));
}

/**
 * Puts a dead letter back in the queue, due now, with a fresh set of attempts. It keeps its id and
 * sequence, so a receiver that saw an earlier attempt recognises it, and it goes before any later event
 * of the same consent that is still pending.
 */
export async function redeliverDeadLetter(
  db: Pick<Database, "query">,
  lender_id: string,
  event_id: string,
  now: Date,
): Promise<void> {
  if (!event_id_pattern.test(event_id))
    throw new ApiError("DEAD_LETTER_UNKNOWN", `There is no dead letter ${event_id}.`);
  const updated = await db.query(
    `UPDATE feed_outbox SET state = 'pending', attempts = 0, next_attempt_at = $3, finished_at = NULL, claim_id = NULL
     WHERE id = $1 AND lender_id = $2 AND state = 'dead'
     RETURNING id`,
    [event_id, lender_id, now],
  );
  if (updated.length === 0) throw new ApiError("DEAD_LETTER_UNKNOWN", `There is no dead letter ${event_id}.`);
}
