// The alert catalogue: stable event types, the consent category alerts derive from, and the wire payload.
import assert from "node:assert/strict";
import type { Category } from "../consent/index.ts";
import type { StatementStatus } from "../furnishing/index.ts";

export const eventTypes = [
  "delinquency.new",
  "status.worsened",
  "account.opened_elsewhere",
  "inquiry.new",
  "balance.increased",
  "account.charged_off",
  "dispute.opened",
] as const;
export type EventType = (typeof eventTypes)[number];

/**
 * The consent category a lender's consent must cover to receive alerts, checked when subscribing and again
 * when each event is created. Every alert reveals a fact about the credit-account part of the file
 * (accounts, statements, and the inquiries and disputes shown beside them), so a consent covering only
 * alternative data or a score receives none.
 */
export const alert_category: Category = "credit_accounts";

/**
 * Statement statuses from best to worst. A status later in the list is worse; `closed` and unknown
 * statuses rank with `current`, since closing an account is not a delinquency.
 */
export const statusSeverity: readonly StatementStatus[] = [
  "current",
  "late_1_30",
  "late_31_60",
  "late_61_90",
  "late_91_180",
  "late_180_plus",
  "charged_off",
];

/**
 * A balance increase is material when the new balance is more than this ratio of the previous period's
 * (3/2: an increase of more than 50%)… Kept as a fraction so minor units are compared exactly.
 */
export const balance_increase_ratio_min = { numerator: 3n, denominator: 2n } as const;
/** …and by at least this many minor units. */
export const balance_increase_minor_min = 100_000n;

/** What a lender receives: the same bytes by webhook and on the stream. */
export interface AlertPayload {
  /** A UUID; a retry carries the same id, so receivers drop duplicates by it. */
  readonly id: string;
  readonly type: EventType;
  /** When the change happened, ISO 8601 UTC. */
  readonly time: string;
  /** The subject, named by the consent that covers it; never a pseudonym or personal data. */
  readonly consent_id: string;
  /** 1, 2, 3… per consent: event n+1 is delivered only after event n was acknowledged. */
  readonly sequence: number;
  readonly data: Record<string, unknown>;
}

export interface OutboxEvent {
  readonly id: string;
  readonly type: string;
  readonly occurred_at: Date;
  readonly consent_id: string;
  readonly sequence: bigint | number;
  readonly data: Record<string, unknown> | string;
}

export function alertPayload(event: OutboxEvent): AlertPayload {
  assert.ok((eventTypes as readonly string[]).includes(event.type), "outbox rows carry catalogue types");
  return {
    id: event.id,
    type: event.type as EventType,
    time: event.occurred_at.toISOString(),
    consent_id: event.consent_id,
    sequence: Number(event.sequence),
    data: typeof event.data === "string" ? (JSON.parse(event.data) as Record<string, unknown>) : event.data,
  };
}
