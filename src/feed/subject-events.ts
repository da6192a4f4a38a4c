// Alerts that other domains raise about a subject: a new inquiry by another lender, a dispute opened.
import { ParamList, type Tx } from "../db/database.ts";
import { activeSubscriptionSql, eventCtes, insertEvents } from "./event-writer.ts";

/**
 * Tells every other lender subscribed to the subject that someone inquired, in the caller's transaction
 * (a lender's query writes the same CTEs in its own statement, inquiryEventCtes). The alert carries the
 * kind only, never who inquired or why. Returns the number of events.
 */
export async function recordInquiryEvent(
  tx: Pick<Tx, "query">,
  args: { subject_key: Buffer; institution_id: string; at: Date },
): Promise<number> {
  const params = new ParamList();
  const [row] = await tx.query<{ n: bigint }>(
    `WITH ${inquiryEventCtes(args, params)} SELECT count(*)::int8 AS n FROM inquiry_events_inserted`,
    params.values,
  );
  return Number(row?.n ?? 0n);
}

/** recordInquiryEvent as CTEs (see eventCtes) for the query's own statement, its values added to `params`. */
export function inquiryEventCtes(
  args: { subject_key: Buffer; institution_id: string; at: Date },
  params: ParamList,
): string {
  const at = `${params.add(args.at)}::timestamptz`;
  const candidates = inquiryCandidates(params.add(args.subject_key), params.add(args.institution_id), at);
  return eventCtes("inquiry_events", candidates, at);
}

function inquiryCandidates(subject_key: string, institution_id: string, at: string): string {
  return `SELECT s.id AS subscription_id, 'inquiry.new' AS type, '{}'::jsonb AS data,
       NULL::text AS source_furnisher_id, '' AS sort_key
     FROM feed_subscriptions s JOIN consents c ON c.id = s.consent_id
     WHERE s.subject_key = ${subject_key} AND s.lender_id <> ${institution_id} AND ${activeSubscriptionSql(at)}`;
}

/** The kind of a disputed item, from its key (`account:…`, `statement:…`); the rest may name a rival. */
export function disputedItemType(item: string): string {
  return /^([a-z_]{1,32}):/.exec(item)?.[1] ?? "other";
}

/**
 * Called inside the transaction that opens a dispute: tells every lender subscribed to the subject that
 * part of the file is contested. The alert names the kind of item only, since the item key names the
 * furnisher and its account. Returns the number of events.
 */
export async function recordDisputeEvent(
  tx: Pick<Tx, "query">,
  args: { subject_key: Buffer; item: string; at: Date },
): Promise<number> {
  return insertEvents(
    tx,
    `SELECT s.id AS subscription_id, 'dispute.opened' AS type, jsonb_build_object('item_type', $2::text) AS data,
       NULL::text AS source_furnisher_id, '' AS sort_key
     FROM feed_subscriptions s JOIN consents c ON c.id = s.consent_id
     WHERE s.subject_key = $1 AND ${activeSubscriptionSql("$3::timestamptz")}`,
    [args.subject_key, disputedItemType(args.item), args.at],
    "$3::timestamptz",
  );
}
