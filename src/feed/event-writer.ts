// Writes alert events into the outbox inside the caller's transaction, numbering them per subscription.
import type { Tx } from "../db/database.ts";
import { alert_category } from "./event-types.ts";

/**
 * SQL condition: subscription `s` and its consent `c` may receive an event at time `at` (a SQL expression).
 * A revoked or expired consent ends the subscription here, before any event exists for it.
 */
export function activeSubscriptionSql(at: string): string {
  return `s.ended_at IS NULL AND c.revoked_at IS NULL AND c.starts_at <= ${at} AND c.expires_at > ${at}
    AND '${alert_category}' = ANY (c.categories)`;
}

/**
 * Inserts the events `candidates` yields and returns how many. `candidates` is a SELECT of
 * (subscription_id, type, data jsonb, source_furnisher_id, sort_key); `at_param` is the placeholder of
 * the events' time. Each subscription's counter is bumped under its row lock, so two transactions adding
 * events for one subscription take consecutive numbers in commit order, and a rollback takes none.
 */
export async function insertEvents(
  tx: Pick<Tx, "query">,
  candidates: string,
  params: readonly unknown[],
  at_param: string,
): Promise<number> {
  const [row] = await tx.query<{ n: bigint }>(
    `WITH ${eventCtes("events", candidates, at_param)} SELECT count(*)::int8 AS n FROM events_inserted`,
    params,
  );
  return Number(row?.n ?? 0n);
}

/**
 * The CTEs of insertEvents, their names starting with `prefix`, for a caller's statement that does more
 * in the same round trip; `${prefix}_inserted` yields a row per event.
 */
export function eventCtes(prefix: string, candidates: string, at_param: string): string {
  return `${prefix}_candidates AS (${candidates}),
     ${prefix}_numbered AS (
       SELECT c.*, row_number() OVER (PARTITION BY c.subscription_id ORDER BY c.sort_key, c.type) AS n,
              count(*) OVER (PARTITION BY c.subscription_id) AS total
       FROM ${prefix}_candidates c
     ),
     ${prefix}_totals AS (SELECT DISTINCT subscription_id, total FROM ${prefix}_numbered),
     ${prefix}_bumped AS (
       UPDATE feed_subscriptions s SET last_sequence = s.last_sequence + t.total
       FROM ${prefix}_totals t WHERE s.id = t.subscription_id
       RETURNING s.id, s.lender_id, s.consent_id, s.last_sequence - t.total AS base
     ),
     ${prefix}_inserted AS (
       INSERT INTO feed_outbox (id, subscription_id, lender_id, consent_id, type, occurred_at, sequence, data,
         source_furnisher_id, next_attempt_at)
       SELECT gen_random_uuid(), b.id, b.lender_id, b.consent_id, n.type, ${at_param}, b.base + n.n, n.data,
         n.source_furnisher_id, ${at_param}
       FROM ${prefix}_numbered n JOIN ${prefix}_bumped b ON b.id = n.subscription_id
       RETURNING 1
     )`;
}
