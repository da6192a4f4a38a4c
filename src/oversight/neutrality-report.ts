// The neutrality report: whether the bureau's shareholders query only under consent, who receives whose
// data, and the log's proof that no access bypassed the consent check.
import type { Database } from "../db/database.ts";
import type { DayRange } from "./day-range.ts";
import { instantsOf } from "./day-range.ts";
import { type LogProof, proveLog } from "./log-proof.ts";

/** The longest window one report covers. */
export const neutrality_days_max = 366;
/** The window a request without `from` covers. */
export const neutrality_days_default = 30;
/** The most queries listed per shareholder, newest first; the counts cover all of them. */
export const shareholder_queries_listed_max = 1_000;

/**
 * The consent check of a query as it stood at the query's time. "no_consent" is a violation only where
 * the regime requires consent; every other code but "ok" is a violation of an answered query.
 */
export const consentChecks = [
  "ok",
  "no_consent",
  "consent_unknown",
  "other_lender",
  "not_yet_valid",
  "expired",
  "revoked",
  "used",
  "purpose_mismatch",
] as const;
export type ConsentCheck = (typeof consentChecks)[number];

// The order of the branches is the order in which the query service checks a consent.
const consent_check_sql = `CASE
  WHEN i.consent_id IS NULL THEN 'no_consent'
  WHEN c.id IS NULL THEN 'consent_unknown'
  WHEN c.lender_id <> i.institution_id THEN 'other_lender'
  WHEN c.revoked_at IS NOT NULL AND c.revoked_at <= i.at THEN 'revoked'
  WHEN c.used_at IS NOT NULL AND c.used_at < i.at THEN 'used'
  WHEN c.expires_at <= i.at THEN 'expired'
  WHEN c.starts_at > i.at THEN 'not_yet_valid'
  WHEN c.purpose <> i.purpose THEN 'purpose_mismatch'
  ELSE 'ok' END`;

export interface CheckedQuery {
  readonly inquiry_id: string;
  readonly at: Date;
  readonly product: string;
  readonly purpose: string;
  /** "answered", or the error code the query was refused with. */
  readonly outcome: string;
  readonly consent_id: string | null;
  readonly consent_check: ConsentCheck;
  /** Answered although the consent check fails. */
  readonly violation: boolean;
  readonly log_entry_id: string | null;
}

export interface ShareholderQueries {
  readonly institution_id: string;
  readonly name: string;
  readonly share_bp: number;
  readonly queries: { total: number; answered: number; refused: number; violations: number };
  readonly by_check: Partial<Record<ConsentCheck, number>>;
  readonly items: CheckedQuery[];
  readonly items_truncated: boolean;
}

export interface LenderVolume {
  readonly lender_id: string;
  readonly lender_is_shareholder: boolean;
  readonly furnisher_id: string;
  /** Disclosures to the lender that drew on this furnisher's records. */
  readonly disclosures: number;
  readonly records: number;
}

export interface NeutralityReport {
  readonly window: DayRange;
  readonly consent_required: boolean;
  readonly shareholders: ShareholderQueries[];
  readonly volumes: LenderVolume[];
  readonly log_proof: LogProof;
}

function isViolation(outcome: string, check: ConsentCheck, consent_required: boolean): boolean {
  if (outcome !== "answered" || check === "ok") return false;
  return check !== "no_consent" || consent_required;
}

async function shareholderQueries(
  db: Pick<Database, "query">,
  range: DayRange,
  consent_required: boolean,
): Promise<ShareholderQueries[]> {
  const { start, end } = instantsOf(range);
  const holders = await db.query<{ id: string; name: string; share_bp: number }>(
    `SELECT s.holder_id AS id, i.name, s.share_bp FROM ownership_stakes s JOIN institutions i ON i.id = s.holder_id
     ORDER BY s.share_bp DESC, s.holder_id`,
  );
  const ids = holders.map((holder) => holder.id);
  const checked = `SELECT i.id, i.institution_id, i.at, i.product, i.purpose, i.outcome, i.consent_id, i.log_entry_id,
       ${consent_check_sql} AS consent_check
     FROM inquiries i LEFT JOIN consents c ON c.id = i.consent_id
     WHERE i.institution_id = ANY($1::text[]) AND i.at >= $2 AND i.at < $3`;
  const [counts, listed] = await Promise.all([
    db.query<{ institution_id: string; answered: boolean; consent_check: ConsentCheck; queries: number }>(
      `SELECT institution_id, outcome = 'answered' AS answered, consent_check, count(*)::int AS queries
       FROM (${checked}) q GROUP BY 1, 2, 3`,
      [ids, start, end],
    ),
    db.query<{
      id: string;
      institution_id: string;
      at: Date;
      product: string;
      purpose: string;
      outcome: string;
      consent_id: string | null;
      log_entry_id: string | null;
      consent_check: ConsentCheck;
    }>(
      `SELECT * FROM (
         SELECT q.*, row_number() OVER (PARTITION BY institution_id ORDER BY at DESC, id) AS n FROM (${checked}) q
       ) ranked WHERE n <= $4 ORDER BY institution_id, at DESC, id`,
      [ids, start, end, shareholder_queries_listed_max],
    ),
  ]);
  return holders.map((holder) => {
    const queries = { total: 0, answered: 0, refused: 0, violations: 0 };
    const by_check: Partial<Record<ConsentCheck, number>> = {};
    for (const row of counts.filter((count) => count.institution_id === holder.id)) {
      queries.total += row.queries;
      if (row.answered) queries.answered += row.queries;
      else queries.refused += row.queries;
      by_check[row.consent_check] = (by_check[row.consent_check] ?? 0) + row.queries;
      const outcome = row.answered ? "answered" : "refused";
      if (isViolation(outcome, row.consent_check, consent_required)) queries.violations += row.queries;
    }
    const items = listed
      .filter((row) => row.institution_id === holder.id)
      .map((row) => ({
        inquiry_id: row.id,
        at: row.at,
        product: row.product,
        purpose: row.purpose,
        outcome: row.outcome,
        consent_id: row.consent_id,
        consent_check: row.consent_check,
        violation: isViolation(row.outcome, row.consent_check, consent_required),
        log_entry_id: row.log_entry_id,
      }));
    return {
      institution_id: holder.id,
      name: holder.name,
      share_bp: holder.share_bp,
      queries,
      by_check,
      items,
      items_truncated: queries.total > items.length,
    };
  });
}

/** Disclosures per lender and contributing furnisher, from the log entries of the window. */
async function lenderVolumes(
  db: Pick<Database, "query">,
  range: DayRange,
  shareholders: ReadonlySet<string>,
): Promise<LenderVolume[]> {
  const { start, end } = instantsOf(range);
  // Bounded by lenders times furnishers, both participants admitted one by one, so it needs no page.
  const rows = await db.query<{
    lender_id: string;
    furnisher_id: string;
    disclosures: number;
    records: bigint;
  }>(
    `SELECT e.recipient AS lender_id, f.value->>'institution' AS furnisher_id, count(*)::int AS disclosures,
       sum((f.value->>'records')::int8)::int8 AS records
     FROM log_entries e CROSS JOIN LATERAL jsonb_array_elements(e.furnishers) f
     WHERE e.at >= $1 AND e.at < $2
     GROUP BY 1, 2 ORDER BY 1, 2`,
    [start, end],
  );
  return rows.map((row) => ({
    lender_id: row.lender_id,
    lender_is_shareholder: shareholders.has(row.lender_id),
    furnisher_id: row.furnisher_id,
    disclosures: row.disclosures,
    records: Number(row.records),
  }));
}

export async function neutralityReport(
  db: Pick<Database, "query">,
  range: DayRange,
  options: { consent_required: boolean },
): Promise<NeutralityReport> {
  const shareholders = await shareholderQueries(db, range, options.consent_required);
  const [volumes, log_proof] = await Promise.all([
    lenderVolumes(db, range, new Set(shareholders.map((holder) => holder.institution_id))),
    proveLog(db, range, options),
  ]);
  return { window: range, consent_required: options.consent_required, shareholders, volumes, log_proof };
}
