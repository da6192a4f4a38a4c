// The board's history: one snapshot per mandated platform per day, so a chart shows progress toward the deadline.
import type { Clock } from "../config/clock.ts";
import type { Database } from "../db/database.ts";
import { complianceBoard } from "./compliance-board.ts";
import type { ComplianceStatus } from "./compliance-rules.ts";
import type { DayRange } from "./day-range.ts";
import { utcDay } from "./day-range.ts";

/** The longest history one request returns. */
export const history_days_max = 366;
/** The history a request without `from` returns. */
export const history_days_default = 30;
/** How often the scheduled snapshot runs; every run on the same day replaces that day's rows. */
export const snapshot_interval_ms_default = 3_600_000;

export interface CompliancePoint {
  readonly day: string;
  readonly status: ComplianceStatus;
  readonly coverage: number;
  readonly subjects_furnished: number;
  readonly records_furnished: number;
  readonly rejected_share: number | null;
  readonly deadline: string;
  readonly active_users_declared: number;
}

export interface ComplianceSeries {
  readonly institution_id: string;
  readonly name: string;
  readonly points: CompliancePoint[];
}

/**
 * Stores today's board: one row per mandated platform for the clock's UTC day. Running it again on the
 * same day replaces that day's rows with the current figures, so it is safe to run as often as wanted.
 * Returns the number of platforms snapshotted.
 */
export async function snapshotCompliance(db: Database, clock: Clock): Promise<number> {
  const board = await complianceBoard(db, clock);
  const day = utcDay(board.as_of);
  await db.transaction(async (tx) => {
    for (const item of board.items) {
      await tx.query(
        `INSERT INTO compliance_snapshots (day, institution_id, status, deadline, active_users_declared,
           records_furnished, subjects_furnished, coverage, rejected_share, taken_at)
         VALUES ($1::date, $2, $3, $4::date, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (day, institution_id) DO UPDATE SET status = EXCLUDED.status, deadline = EXCLUDED.deadline,
           active_users_declared = EXCLUDED.active_users_declared, records_furnished = EXCLUDED.records_furnished,
           subjects_furnished = EXCLUDED.subjects_furnished, coverage = EXCLUDED.coverage,
           rejected_share = EXCLUDED.rejected_share, taken_at = EXCLUDED.taken_at`,
        [
          day,
          item.institution_id,
          item.status,
          item.deadline,
          item.active_users_declared,
          item.records_furnished,
          item.subjects_furnished,
          item.coverage,
          item.rejected_share,
          board.as_of,
        ],
      );
    }
  });
  return board.items.length;
}

/** The snapshots of a day range, one series per platform, each ordered by day. */
export async function complianceHistory(
  db: Pick<Database, "query">,
  range: DayRange,
): Promise<ComplianceSeries[]> {
  const rows = await db.query<{
    day: string;
    institution_id: string;
    name: string | null;
    status: ComplianceStatus;
    deadline: string;
    active_users_declared: bigint;
    records_furnished: bigint;
    subjects_furnished: bigint;
    coverage: number;
    rejected_share: number | null;
  }>(
    `SELECT s.day::text AS day, s.institution_id, i.name, s.status, s.deadline::text AS deadline,
       s.active_users_declared, s.records_furnished, s.subjects_furnished, s.coverage, s.rejected_share
     FROM compliance_snapshots s LEFT JOIN institutions i ON i.id = s.institution_id
     WHERE s.day BETWEEN $1::date AND $2::date
     ORDER BY s.institution_id, s.day`,
    [range.from, range.to],
  );
  const series = new Map<string, ComplianceSeries>();
  for (const row of rows) {
    let entry = series.get(row.institution_id);
    if (!entry) {
      entry = { institution_id: row.institution_id, name: row.name ?? row.institution_id, points: [] };
      series.set(row.institution_id, entry);
    }
    entry.points.push({
      day: row.day,
      status: row.status,
      coverage: row.coverage,
      subjects_furnished: Number(row.subjects_furnished),
      records_furnished: Number(row.records_furnished),
      rejected_share: row.rejected_share,
      deadline: row.deadline,
      active_users_declared: Number(row.active_users_declared),
    });
  }
  return [...series.values()];
}

/**
 * Takes a snapshot now and then every `interval_ms`, for the server to run while it serves. A failed run
 * is reported to `onError` and retried at the next interval; `stop()` waits for a run in progress.
 */
export function scheduleComplianceSnapshots(
  db: Database,
  clock: Clock,
  options: { interval_ms?: number; onError: (error: unknown) => void },
): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  // Runs are chained, so a slow run never overlaps the next one.
  const run = () => {
    running = running.then(() => snapshotCompliance(db, clock)).catch(options.onError);
  };
  run();
  const timer = setInterval(run, options.interval_ms ?? snapshot_interval_ms_default);
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
