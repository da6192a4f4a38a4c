// A lender's latest alerts in every state, newest first, for its portal; finished ones are kept 30 days.
import type { Database } from "../db/database.ts";

/** The most alerts one listing returns. */
export const latest_alerts_max = 200;

export interface LatestAlert {
  readonly event: {
    id: string;
    type: string;
    time: string;
    consent_id: string;
    sequence: number;
    data: Record<string, unknown>;
  };
  readonly state: "pending" | "delivered" | "dead" | "dropped";
  readonly attempts: number;
  readonly finished_at: Date | null;
}

export async function latestAlerts(
  db: Pick<Database, "query">,
  lender_id: string,
  limit: number,
): Promise<LatestAlert[]> {
  const rows = await db.query<{
    id: string;
    type: string;
    occurred_at: Date;
    consent_id: string;
    sequence: bigint;
    data: Record<string, unknown> | string;
    state: LatestAlert["state"];
    attempts: number;
    finished_at: Date | null;
  }>(
    `SELECT id::text AS id, type, occurred_at, consent_id, sequence, data, state, attempts, finished_at
     FROM feed_outbox WHERE lender_id = $1 ORDER BY occurred_at DESC, sequence DESC LIMIT $2`,
    [lender_id, Math.min(limit, latest_alerts_max)],
  );
  return rows.map((row) => ({
    event: {
      id: row.id,
      type: row.type,
      time: new Date(row.occurred_at).toISOString(),
      consent_id: row.consent_id,
      sequence: Number(row.sequence),
      data: typeof row.data === "string" ? (JSON.parse(row.data) as Record<string, unknown>) : row.data,
    },
    state: row.state,
    attempts: row.attempts,
    finished_at: row.finished_at,
  }));
}
