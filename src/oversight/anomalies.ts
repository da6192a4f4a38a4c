// Anomalies for the regulator: query volume far above a lender's own history or its lending, queries that harvest data
// rather than lead to loans, bursts of queries on one subject, and co-lent loans that went around the bureau.
import type { Database } from "../db/database.ts";
import type { DayRange } from "./day-range.ts";
import { addDays, dayStart, daysOf, instantsOf } from "./day-range.ts";
import { subjectRef } from "./subject-ref.ts";

/** Every threshold the detectors apply; the response states them. */
export const anomalyThresholds = {
  /** A day's queries are a spike above this multiple of the lender's trailing median... */
  volume_spike_ratio_min: 3,
  /** ...and at least this many. */
  volume_spike_queries_min: 50,
  /** Days of history the median is taken over, days without queries counting as zero... */
  volume_trailing_days: 30,
  /** ...and the fewest days of history (since the lender's first query) on which a spike is judged. */
  volume_history_days_min: 7,
  /** A lender is judged on harvesting only with at least this many answered queries in the window... */
  harvesting_queries_min: 100,
  /** ...of this many days, ending `harvesting_follow_days` before the report so every query had its chance... */
  harvesting_window_days: 90,
  /** ...to be followed within this many days by an account the lender opened or co-lent... */
  harvesting_follow_days: 60,
  /** ...and is flagged when fewer than this share of its queries were. */
  harvesting_followed_share_max: 0.02,
  /** A lender whose answered queries in the last `lending_window_days`, at least `lending_queries_min`... */
  lending_queries_min: 100,
  lending_window_days: 30,
  /** ...exceed this multiple of the loans it made per month over the past year is querying far beyond its lending. */
  lending_ratio_max: 10,
  /** One subject queried in one day by at least this many distinct lenders... */
  subject_burst_lenders_min: 5,
  /** ...or at least this many times in all. */
  subject_burst_queries_min: 10,
} as const;

export const anomalyKinds = [
  "query_volume_spike",
  "query_harvesting",
  "query_volume_over_lending",
  "subject_query_burst",
  "direct_channel",
] as const;
export type AnomalyKind = (typeof anomalyKinds)[number];

/** The longest range one request scans. */
export const anomalies_days_max = 92;
/** The range a request without `from` scans. */
export const anomalies_days_default = 7;
/** The most anomalies listed, newest day first; the total is always counted. */
export const anomalies_listed_max = 500;
/** The most account references listed in one direct-channel anomaly. */
export const account_refs_listed_max = 20;

export interface Anomaly {
  readonly kind: AnomalyKind;
  /** The institution it concerns; null for a subject burst (many lenders) or an unknown co-lender. */
  readonly institution_id: string | null;
  /** The day it was seen: the spike's or burst's day, the report's last day, the latest account opening. */
  readonly day: string;
  readonly rule: string;
  /** Counts, dates and pseudonymous references only. */
  readonly evidence: Record<string, unknown>;
}

export interface AnomalyReport {
  readonly range: DayRange;
  readonly thresholds: typeof anomalyThresholds;
  readonly total: number;
  readonly by_kind: Record<AnomalyKind, number>;
  readonly items: Anomaly[];
  readonly truncated: boolean;
}

const t = anomalyThresholds;
const day_sql = "((at AT TIME ZONE 'UTC')::date)";

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Daily query counts per lender over the range and the trailing days before it. */
async function dailyCounts(db: Pick<Database, "query">, range: DayRange) {
  const rows = await db.query<{ institution_id: string; day: string; queries: number }>(
    `SELECT institution_id, ${day_sql}::text AS day, count(*)::int AS queries FROM inquiries
     WHERE at >= $1 AND at < $2 GROUP BY 1, 2`,
    [dayStart(addDays(range.from, -t.volume_trailing_days)), instantsOf(range).end],
  );
  const daily = new Map<string, Map<string, number>>();
  for (const row of rows) {
    const days = daily.get(row.institution_id) ?? new Map<string, number>();
    days.set(row.day, row.queries);
    daily.set(row.institution_id, days);
  }
  return daily;
}

/** The day of each lender's first query ever, through the (institution_id, at) index. */
async function firstQueryDays(db: Pick<Database, "query">, ids: readonly string[]) {
  const rows = await db.query<{ institution_id: string; first_day: string }>(
    `SELECT c.id AS institution_id,
       ((SELECT min(at) FROM inquiries WHERE institution_id = c.id) AT TIME ZONE 'UTC')::date::text AS first_day
     FROM unnest($1::text[]) AS c(id)`,
    [ids],
  );
  return new Map(rows.map((row) => [row.institution_id, row.first_day]));
}

async function volumeSpikes(db: Pick<Database, "query">, range: DayRange): Promise<Anomaly[]> {
  const daily = await dailyCounts(db, range);
  const days_in_range = daysOf(range);
  const candidates = [...daily.entries()]
    .filter(([, days]) => days_in_range.some((day) => (days.get(day) ?? 0) >= t.volume_spike_queries_min))
    .map(([institution_id]) => institution_id);
  const first_days = await firstQueryDays(db, candidates);
  const anomalies: Anomaly[] = [];
  for (const institution_id of candidates) {
    const days = daily.get(institution_id) as Map<string, number>;
    const first_day = first_days.get(institution_id) as string;
    for (const day of days_in_range) {
      const queries = days.get(day) ?? 0;
      if (queries < t.volume_spike_queries_min) continue;
      // History starts at the lender's first query: the days before it existed are not quiet days.
      const history_from = [addDays(day, -t.volume_trailing_days), first_day].sort()[1] as string;
      const history = history_from < day ? daysOf({ from: history_from, to: addDays(day, -1) }) : [];
      if (history.length < t.volume_history_days_min) continue;
      const trailing_median = median(history.map((earlier) => days.get(earlier) ?? 0));
      if (queries <= t.volume_spike_ratio_min * trailing_median) continue;
      anomalies.push({
        kind: "query_volume_spike",
        institution_id,
        day,
        rule: `${queries} queries > ${t.volume_spike_ratio_min} x median ${trailing_median} of the ${history.length} days before, and >= ${t.volume_spike_queries_min}`,
        evidence: {
          queries,
          trailing_median,
          trailing_days: history.length,
          ratio: trailing_median > 0 ? Math.round((queries / trailing_median) * 10) / 10 : null,
        },
      });
    }
  }
  return anomalies;
}

async function harvesting(db: Pick<Database, "query">, range: DayRange): Promise<Anomaly[]> {
  const queries_to = addDays(range.to, 1 - t.harvesting_follow_days);
  const queries_from = addDays(queries_to, -t.harvesting_window_days);
  // An account follows a query when the lender furnishes it, or a platform names the lender's legal id as
  // co-lender, and it opened within the follow-up days after the query. Any version of the account counts:
  // a later correction does not undo that a loan was made.
  const rows = await db.query<{ institution_id: string; answered: number; followed: number }>(
    `SELECT i.institution_id, count(*)::int AS answered,
       sum(CASE WHEN EXISTS (
         SELECT 1 FROM accounts a
         WHERE a.subject_key = i.subject_key AND NOT a.deleted
           AND (a.furnisher_id = i.institution_id OR a.co_lender_id = l.legal_id)
           AND a.opened_on >= (i.at AT TIME ZONE 'UTC')::date
           AND a.opened_on <= (i.at AT TIME ZONE 'UTC')::date + $3::int
       ) THEN 1 ELSE 0 END)::int AS followed
     FROM inquiries i JOIN institutions l ON l.id = i.institution_id
     WHERE i.outcome = 'answered' AND i.subject_key IS NOT NULL AND i.at >= $1 AND i.at < $2
     GROUP BY i.institution_id HAVING count(*) >= $4`,
    [dayStart(queries_from), dayStart(queries_to), t.harvesting_follow_days, t.harvesting_queries_min],
  );
  return rows
    .filter((row) => row.followed / row.answered < t.harvesting_followed_share_max)
    .map((row) => {
      const followed_share = Math.round((row.followed / row.answered) * 10_000) / 10_000;
      return {
        kind: "query_harvesting" as const,
        institution_id: row.institution_id,
        day: range.to,
        rule: `${row.answered} answered queries >= ${t.harvesting_queries_min} in ${t.harvesting_window_days} days, ${(followed_share * 100).toFixed(1)}% followed by an account within ${t.harvesting_follow_days} days < ${t.harvesting_followed_share_max * 100}%`,
        evidence: {
          queries_answered: row.answered,
          followed: row.followed,
          followed_share,
          queries_from,
          queries_to: addDays(queries_to, -1),
          follow_days: t.harvesting_follow_days,
        },
      };
    });
}

/**
 * Lenders whose recent query volume is far above their loan volume: answered queries in the last window against
 * the accounts they furnished or co-lent per month over the past year.
 */
async function volumeOverLending(db: Pick<Database, "query">, range: DayRange): Promise<Anomaly[]> {
  const window_from = addDays(range.to, 1 - t.lending_window_days);
  const year_from = addDays(range.to, -364);
  const rows = await db.query<{ institution_id: string; answered: number; loans: number }>(
    `SELECT i.institution_id, count(*)::int AS answered,
       (SELECT count(DISTINCT (a.furnisher_id, a.account_ref))::int FROM accounts a
         WHERE (a.furnisher_id = i.institution_id OR a.co_lender_id = l.legal_id)
           AND a.opened_on >= $3::date AND a.opened_on <= $4::date) AS loans
     FROM inquiries i JOIN institutions l ON l.id = i.institution_id
     WHERE i.outcome = 'answered' AND i.at >= $1 AND i.at < $2
     GROUP BY i.institution_id, l.legal_id HAVING count(*) >= $5`,
    [dayStart(window_from), dayStart(addDays(range.to, 1)), year_from, range.to, t.lending_queries_min],
  );
  return rows
    .filter((row) => row.answered > (t.lending_ratio_max * row.loans) / 12)
    .map((row) => {
      const loans_per_month = Math.round((row.loans / 12) * 10) / 10;
      return {
        kind: "query_volume_over_lending" as const,
        institution_id: row.institution_id,
        day: range.to,
        rule: `${row.answered} answered queries in ${t.lending_window_days} days >= ${t.lending_queries_min} and > ${t.lending_ratio_max} × ${loans_per_month} loans a month over the past year`,
        evidence: {
          queries_answered: row.answered,
          window_from,
          loans_past_year: row.loans,
          loans_per_month,
        },
      };
    });
}

async function subjectBursts(db: Pick<Database, "query">, range: DayRange): Promise<Anomaly[]> {
  const { start, end } = instantsOf(range);
  const rows = await db.query<{
    subject_key: Uint8Array;
    day: string;
    queries: number;
    lenders: number;
    lender_ids: string[];
  }>(
    `SELECT subject_key, ${day_sql}::text AS day, count(*)::int AS queries,
       count(DISTINCT institution_id)::int AS lenders, array_agg(DISTINCT institution_id) AS lender_ids
     FROM inquiries WHERE subject_key IS NOT NULL AND at >= $1 AND at < $2
     GROUP BY 1, 2 HAVING count(DISTINCT institution_id) >= $3 OR count(*) >= $4`,
    [start, end, t.subject_burst_lenders_min, t.subject_burst_queries_min],
  );
  return rows.map((row) => ({
    kind: "subject_query_burst" as const,
    institution_id: null,
    day: row.day,
    rule: `${row.queries} queries by ${row.lenders} lenders on one subject in a day: >= ${t.subject_burst_lenders_min} lenders or >= ${t.subject_burst_queries_min} queries`,
    evidence: {
      subject_ref: subjectRef(row.subject_key),
      queries: row.queries,
      lenders: row.lenders,
      lender_ids: [...row.lender_ids].sort(),
    },
  }));
}

async function directChannels(db: Pick<Database, "query">, range: DayRange): Promise<Anomaly[]> {
  // Only the current version of an account counts; candidates are narrowed first through the co-lender
  // index so the scan does not read every account. The opening date has day resolution, so a query on the
  // opening day itself counts as before it.
  const rows = await db.query<{
    furnisher_id: string;
    co_lender_id: string;
    bank_id: string | null;
    accounts: number;
    account_refs: string[];
    opened_from: string;
    opened_to: string;
  }>(
    `WITH candidates AS (
       SELECT DISTINCT furnisher_id, account_ref FROM accounts WHERE co_lender_id IS NOT NULL
     ), current_accounts AS (
       SELECT DISTINCT ON (a.furnisher_id, a.account_ref) a.furnisher_id, a.account_ref, a.deleted, a.subject_key,
         a.opened_on, a.co_lender_id
       FROM accounts a JOIN candidates c ON c.furnisher_id = a.furnisher_id AND c.account_ref = a.account_ref
       ORDER BY a.furnisher_id, a.account_ref, a.seq DESC
     )
     SELECT a.furnisher_id, a.co_lender_id, b.id AS bank_id, count(*)::int AS accounts,
       (array_agg(a.account_ref ORDER BY a.opened_on DESC, a.account_ref))[1:$3] AS account_refs,
       min(a.opened_on)::text AS opened_from, max(a.opened_on)::text AS opened_to
     FROM current_accounts a LEFT JOIN institutions b ON b.legal_id = a.co_lender_id
     WHERE NOT a.deleted AND a.co_lender_id IS NOT NULL AND a.opened_on BETWEEN $1::date AND $2::date
       AND (b.id IS NULL OR NOT EXISTS (
         SELECT 1 FROM inquiries i
         WHERE i.institution_id = b.id AND i.subject_key = a.subject_key AND i.outcome = 'answered'
           AND i.at < ((a.opened_on + 1)::timestamp AT TIME ZONE 'UTC')))
     GROUP BY a.furnisher_id, a.co_lender_id, b.id`,
    [range.from, range.to, account_refs_listed_max],
  );
  return rows.map((row) => ({
    kind: "direct_channel" as const,
    institution_id: row.bank_id,
    day: row.opened_to,
    rule: `${row.accounts} co-lent account(s) opened without an answered query by the co-lender about the borrower on or before the opening day`,
    evidence: {
      furnisher_id: row.furnisher_id,
      co_lender_legal_id: row.co_lender_id,
      co_lender_known: row.bank_id !== null,
      accounts: row.accounts,
      account_refs: row.account_refs,
      opened_from: row.opened_from,
      opened_to: row.opened_to,
    },
  }));
}

/** Every anomaly seen in the day range, newest day first. */
export async function detectAnomalies(db: Pick<Database, "query">, range: DayRange): Promise<AnomalyReport> {
  const found = (
    await Promise.all([
      volumeSpikes(db, range),
      harvesting(db, range),
      volumeOverLending(db, range),
      subjectBursts(db, range),
      directChannels(db, range),
    ])
  ).flat();
  found.sort(
    (a, b) =>
      b.day.localeCompare(a.day) ||
      anomalyKinds.indexOf(a.kind) - anomalyKinds.indexOf(b.kind) ||
      (a.institution_id ?? "").localeCompare(b.institution_id ?? "") ||
      JSON.stringify(a.evidence).localeCompare(JSON.stringify(b.evidence)),
  );
  const by_kind = Object.fromEntries(anomalyKinds.map((kind) => [kind, 0])) as Record<AnomalyKind, number>;
  for (const anomaly of found) by_kind[anomaly.kind]++;
  return {
    range,
    thresholds: anomalyThresholds,
    total: found.length,
    by_kind,
    items: found.slice(0, anomalies_listed_max),
    truncated: found.length > anomalies_listed_max,
  };
}
