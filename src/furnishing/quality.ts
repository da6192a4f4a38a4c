// Data-quality figures per furnisher, from its submissions: volumes, rejections by code, match rate, timeliness.
import type { Database } from "../db/database.ts";

export interface FurnisherQuality {
  readonly furnisher_id: string;
  readonly submissions: { total: number; accepted: number; rejected: number; interrupted: number };
  readonly first_submission_at: Date | null;
  readonly last_submission_at: Date | null;
  readonly lines: { total: number; accepted: number; rejected: number };
  readonly rejected_share: number | null;
  readonly rejected_by_code: Record<string, number>;
  readonly subjects_referenced: number;
  readonly subjects_matched_share: number | null;
  readonly timeliness_days_mean: number | null;
  readonly monthly: {
    month: string;
    submissions: number;
    lines_accepted: number;
    lines_rejected: number;
    timeliness_days_mean: number | null;
  }[];
}

export async function furnisherQuality(
  db: Pick<Database, "query">,
  furnisher_id: string,
): Promise<FurnisherQuality> {
  const rows = await db.query<{
    status: string;
    received_at: Date;
    lines_total: bigint;
    lines_accepted: bigint;
    lines_rejected: bigint;
    rejected_by_code: Record<string, number> | string;
    subjects_referenced: bigint;
    subjects_matched: bigint;
    timeliness_days: number | null;
  }>(
    `SELECT status, received_at, lines_total, lines_accepted, lines_rejected, rejected_by_code, subjects_referenced,
       subjects_matched, timeliness_days
     FROM submissions WHERE furnisher_id = $1 ORDER BY received_at`,
    [furnisher_id],
  );
  const rejected_by_code: Record<string, number> = {};
  const monthly = new Map<
    string,
    { submissions: number; lines_accepted: number; lines_rejected: number; days: number[] }
  >();
  let total = 0;
  let accepted = 0;
  let rejected = 0;
  let referenced = 0;
  let matched = 0;
  const days: number[] = [];
  for (const row of rows) {
    const codes =
      typeof row.rejected_by_code === "string" ? JSON.parse(row.rejected_by_code) : row.rejected_by_code;
    for (const [code, n] of Object.entries(codes as Record<string, number>))
      rejected_by_code[code] = (rejected_by_code[code] ?? 0) + n;
    total += Number(row.lines_total);
    accepted += Number(row.lines_accepted);
    rejected += Number(row.lines_rejected);
    if (row.status === "accepted") {
      referenced += Number(row.subjects_referenced);
      matched += Number(row.subjects_matched);
      if (row.timeliness_days !== null) days.push(row.timeliness_days);
    }
    const month = new Date(row.received_at).toISOString().slice(0, 7);
    const bucket = monthly.get(month) ?? { submissions: 0, lines_accepted: 0, lines_rejected: 0, days: [] };
    bucket.submissions++;
    bucket.lines_accepted += Number(row.lines_accepted);
    bucket.lines_rejected += Number(row.lines_rejected);
    if (row.status === "accepted" && row.timeliness_days !== null) bucket.days.push(row.timeliness_days);
    monthly.set(month, bucket);
  }
  const mean = (values: number[]) =>
    values.length ? Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10 : null;
  const count = (status: string) => rows.filter((row) => row.status === status).length;
  return {
    furnisher_id,
    submissions: {
      total: rows.length,
      accepted: count("accepted"),
      rejected: count("rejected"),
      interrupted: count("interrupted"),
    },
    first_submission_at: rows[0]?.received_at ?? null,
    last_submission_at: rows.at(-1)?.received_at ?? null,
    lines: { total, accepted, rejected },
    rejected_share: total ? Math.round((rejected / total) * 10_000) / 10_000 : null,
    rejected_by_code,
    subjects_referenced: referenced,
    subjects_matched_share: referenced ? Math.round((matched / referenced) * 10_000) / 10_000 : null,
    timeliness_days_mean: mean(days),
    monthly: [...monthly.entries()].map(([month, bucket]) => ({
      month,
      submissions: bucket.submissions,
      lines_accepted: bucket.lines_accepted,
      lines_rejected: bucket.lines_rejected,
      timeliness_days_mean: mean(bucket.days),
    })),
  };
}
