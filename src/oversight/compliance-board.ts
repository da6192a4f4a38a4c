// The compliance board: for every platform under the mandate, how far it has got toward its deadline.
import type { Clock } from "../config/clock.ts";
import type { Database } from "../db/database.ts";
import {
  type ComplianceStatus,
  complianceStatuses,
  complianceThresholds,
  decideStatus,
} from "./compliance-rules.ts";
import { daysBetween, utcDay } from "./day-range.ts";
import { listMandates, type Mandate } from "./mandates.ts";

export interface ComplianceRow {
  readonly institution_id: string;
  readonly name: string;
  readonly deadline: string;
  /** Days from today to the deadline; negative once it has passed. */
  readonly days_to_deadline: number;
  /** The deadline has passed and the platform is not compliant. */
  readonly late: boolean;
  readonly active_users_declared: number;
  readonly onboarded_at: Date | null;
  readonly first_submission_at: Date | null;
  readonly last_submission_at: Date | null;
  readonly last_accepted_at: Date | null;
  readonly submissions: { total: number; accepted: number; rejected: number; interrupted: number };
  /** Lines stored from accepted submissions. */
  readonly records_furnished: number;
  /** Distinct subjects in the platform's current accounts and activities. */
  readonly subjects_furnished: number;
  /** subjects_furnished / active_users_declared, rounded to 4 places. */
  readonly coverage: number;
  /** Rejected over submitted lines in the quality window; null when nothing was submitted in it. */
  readonly rejected_share: number | null;
  /** Mean timeliness of accepted submissions in the quality window; null without dated records. */
  readonly timeliness_days_mean: number | null;
  readonly status: ComplianceStatus;
  readonly rule: string;
}

export interface ComplianceBoard {
  readonly as_of: Date;
  readonly thresholds: typeof complianceThresholds;
  readonly counts: Record<ComplianceStatus, number>;
  readonly items: ComplianceRow[];
}

type SubmissionFigures = {
  furnisher_id: string;
  total: number;
  accepted: number;
  rejected: number;
  interrupted: number;
  first_submission_at: Date | null;
  last_submission_at: Date | null;
  last_accepted_at: Date | null;
  records_furnished: bigint;
  window_lines_total: bigint;
  window_lines_rejected: bigint;
  timeliness_days_mean: number | null;
};

const round4 = (value: number) => Math.round(value * 10_000) / 10_000;

/** Submission figures of each furnisher, counting only submissions received by `now`. */
async function submissionFigures(db: Pick<Database, "query">, ids: readonly string[], now: Date) {
  const window_start = new Date(now.getTime() - complianceThresholds.quality_window_days * 86_400_000);
  // Submissions still processing have no outcome yet; interrupted ones count as attempts but their
  // partial line counts stay out of the rejection rate.
  const rows = await db.query<SubmissionFigures>(
    `SELECT furnisher_id,
       count(*)::int AS total,
       count(*) FILTER (WHERE status = 'accepted')::int AS accepted,
       count(*) FILTER (WHERE status = 'rejected')::int AS rejected,
       count(*) FILTER (WHERE status = 'interrupted')::int AS interrupted,
       min(received_at) AS first_submission_at,
       max(received_at) AS last_submission_at,
       max(received_at) FILTER (WHERE status = 'accepted') AS last_accepted_at,
       COALESCE(sum(lines_accepted) FILTER (WHERE status = 'accepted'), 0)::int8 AS records_furnished,
       COALESCE(sum(lines_total) FILTER (WHERE status IN ('accepted', 'rejected') AND received_at >= $3), 0)::int8
         AS window_lines_total,
       COALESCE(sum(lines_rejected) FILTER (WHERE status IN ('accepted', 'rejected') AND received_at >= $3), 0)::int8
         AS window_lines_rejected,
       avg(timeliness_days) FILTER (WHERE status = 'accepted' AND received_at >= $3)::float8 AS timeliness_days_mean
     FROM submissions
     WHERE furnisher_id = ANY($1::text[]) AND received_at <= $2 AND status <> 'processing'
     GROUP BY furnisher_id`,
    [ids, now, window_start],
  );
  return new Map(rows.map((row) => [row.furnisher_id, row]));
}

/** Distinct subjects in each furnisher's current (latest, not deleted) accounts and activities. */
async function subjectsFurnished(db: Pick<Database, "query">, ids: readonly string[]) {
  const rows = await db.query<{ furnisher_id: string; subjects: bigint }>(
    `WITH current_accounts AS (
       SELECT DISTINCT ON (furnisher_id, account_ref) furnisher_id, subject_key, deleted
       FROM accounts WHERE furnisher_id = ANY($1::text[])
       ORDER BY furnisher_id, account_ref, seq DESC
     ), current_activities AS (
       SELECT DISTINCT ON (furnisher_id, subject_key, category, period) furnisher_id, subject_key, deleted
       FROM activities WHERE furnisher_id = ANY($1::text[])
       ORDER BY furnisher_id, subject_key, category, period, seq DESC
     )
     SELECT furnisher_id, count(DISTINCT subject_key)::int8 AS subjects FROM (
       SELECT furnisher_id, subject_key FROM current_accounts WHERE NOT deleted
       UNION ALL
       SELECT furnisher_id, subject_key FROM current_activities WHERE NOT deleted
     ) furnished GROUP BY furnisher_id`,
    [ids],
  );
  return new Map(rows.map((row) => [row.furnisher_id, Number(row.subjects)]));
}

async function institutionNames(db: Pick<Database, "query">, ids: readonly string[]) {
  const rows = await db.query<{ id: string; name: string }>(
    "SELECT id, name FROM institutions WHERE id = ANY($1::text[])",
    [ids],
  );
  return new Map(rows.map((row) => [row.id, row.name]));
}

function boardRow(
  mandate: Mandate,
  name: string,
  figures: SubmissionFigures | undefined,
  subjects_furnished: number,
  now: Date,
): ComplianceRow {
  const coverage = round4(subjects_furnished / mandate.active_users_declared);
  const lines_total = Number(figures?.window_lines_total ?? 0n);
  const rejected_share = lines_total
    ? round4(Number(figures?.window_lines_rejected ?? 0n) / lines_total)
    : null;
  const decision = decideStatus(
    {
      onboarded: mandate.onboarded_at !== null && mandate.onboarded_at <= now,
      submissions_total: figures?.total ?? 0,
      last_accepted_at: figures?.last_accepted_at ?? null,
      coverage,
      rejected_share,
    },
    now,
  );
  const days_to_deadline = daysBetween(utcDay(now), mandate.deadline);
  const timeliness = figures?.timeliness_days_mean ?? null;
  return {
    institution_id: mandate.institution_id,
    name,
    deadline: mandate.deadline,
    days_to_deadline,
    late: days_to_deadline < 0 && decision.status !== "compliant",
    active_users_declared: mandate.active_users_declared,
    onboarded_at: mandate.onboarded_at,
    first_submission_at: figures?.first_submission_at ?? null,
    last_submission_at: figures?.last_submission_at ?? null,
    last_accepted_at: figures?.last_accepted_at ?? null,
    submissions: {
      total: figures?.total ?? 0,
      accepted: figures?.accepted ?? 0,
      rejected: figures?.rejected ?? 0,
      interrupted: figures?.interrupted ?? 0,
    },
    records_furnished: Number(figures?.records_furnished ?? 0n),
    subjects_furnished,
    coverage,
    rejected_share,
    timeliness_days_mean: timeliness === null ? null : Math.round(timeliness * 10) / 10,
    ...decision,
  };
}

/** The board as of the clock's now: one row per mandated platform, ordered by institution id. */
export async function complianceBoard(db: Pick<Database, "query">, clock: Clock): Promise<ComplianceBoard> {
  const now = clock.now();
  const mandates = await listMandates(db);
  const ids = mandates.map((mandate) => mandate.institution_id);
  const [figures, subjects, names] = await Promise.all([
    submissionFigures(db, ids, now),
    subjectsFurnished(db, ids),
    institutionNames(db, ids),
  ]);
  const items = mandates.map((mandate) =>
    boardRow(
      mandate,
      names.get(mandate.institution_id) ?? mandate.institution_id,
      figures.get(mandate.institution_id),
      subjects.get(mandate.institution_id) ?? 0,
      now,
    ),
  );
  const counts = Object.fromEntries(complianceStatuses.map((status) => [status, 0])) as Record<
    ComplianceStatus,
    number
  >;
  for (const item of items) counts[item.status]++;
  return { as_of: now, thresholds: complianceThresholds, counts, items };
}
