// The subject's own report: everything the bureau holds about them, unmasked, free a few times per calendar
// year by regime and priced after that, each request counted and each charge recorded.

import { randomBytes } from "node:crypto";
import type { RegimeCode, RegimeProfile } from "../config/regimes.ts";
import type { Database } from "../db/database.ts";
import { loadCreditFile } from "../furnishing/credit-file.ts";
import type { AppContext } from "../http/context.ts";
import { ApiError, registerErrorCodes } from "../http/errors.ts";
import { getPersonalData } from "../identity/vault.ts";
import { listInstitutions } from "../institutions/institutions.ts";
import { assembleReport, type CreditReport, inquiriesShownSince } from "../reports/credit-report.ts";
import { inquiriesAbout } from "../reports/inquiries.ts";
import { type ScoreAnswer, scoreProvider } from "../scoring/index.ts";
import { reportAnnotations } from "./annotations.ts";
import { whole_file_since } from "./report-items.ts";

/**
 * What a copy beyond the free ones costs the subject: in cn the 10 yuan the central bank's credit reference
 * centre charges from the third copy of a year; in us the FCRA §612(f) ceiling of 2020 ($12.50), which the CFPB
 * has only raised since. Billing will take these into its price book.
 */
export const own_report_prices: Readonly<Record<RegimeCode, { price_minor: bigint; currency: string }>> = {
  cn: { price_minor: 1_000n, currency: "CNY" },
  us: { price_minor: 1_250n, currency: "USD" },
};

registerErrorCodes({
  PRICE_NOT_ACCEPTED: {
    status: 402,
    title: "No free copy is left this year; repeat the request accepting the price it names",
  },
});

// Serialises one subject's requests so two at once cannot both take the last free copy.
const allowance_lock_namespace = 8100;

export interface Allowance {
  readonly year: number;
  readonly free_copies_per_year: number;
  readonly free_copies_used: number;
  readonly free_copies_left_this_year: number;
  /** What the next copy costs once no free copy is left. */
  readonly price_after_free: { price_minor: bigint; currency: string };
}

export interface OwnReport {
  readonly request_id: string;
  readonly report: CreditReport;
  readonly free: boolean;
  readonly free_copies_left_this_year: number;
  /** The charge for this copy; null when it was free. */
  readonly charged: { price_minor: bigint; currency: string } | null;
  /** The person's own score with the reasons that cost it most points (PIPL Art. 24), when a model exists. */
  readonly score: ScoreAnswer;
}

async function freeCopiesUsed(
  db: Pick<Database, "query">,
  subject_key: Buffer,
  year: number,
): Promise<number> {
  const [row] = await db.query<{ used: bigint }>(
    "SELECT count(*)::int8 AS used FROM own_report_requests WHERE subject_key = $1 AND year = $2 AND free",
    [subject_key, year],
  );
  return Number(row?.used ?? 0n);
}

/** The free copies left in the current UTC calendar year, without taking one. */
export async function ownReportAllowance(
  db: Pick<Database, "query">,
  regime: Pick<RegimeProfile, "code" | "free_own_reports_per_year">,
  subject_key: Buffer,
  now: Date,
): Promise<Allowance> {
  const year = now.getUTCFullYear();
  const used = await freeCopiesUsed(db, subject_key, year);
  return {
    year,
    free_copies_per_year: regime.free_own_reports_per_year,
    free_copies_used: used,
    free_copies_left_this_year: Math.max(0, regime.free_own_reports_per_year - used),
    price_after_free: own_report_prices[regime.code],
  };
}

/**
 * Assembles the subject's report over their whole file, then counts the request: free while the year's
 * copies last, charged after. The law (FCRA §612(f)) wants the price named before a paid copy is made, so a
 * paid copy needs `accept_price_minor` at least the price. The subject sees suppressed items too, marked by
 * their overdue dispute. Errors: PRICE_NOT_ACCEPTED.
 */
export async function ownReport(
  ctx: AppContext,
  subject_key: Buffer,
  accept_price_minor: bigint | undefined,
): Promise<OwnReport> {
  const now = ctx.clock.now();
  const [file, institutions, identity, inquiries, annotations] = await Promise.all([
    loadCreditFile(ctx.db, subject_key, whole_file_since),
    listInstitutions(ctx.db.kysely),
    getPersonalData(ctx.db, ctx.keyring, subject_key),
    inquiriesAbout(ctx.db, subject_key, inquiriesShownSince(now)),
    reportAnnotations(ctx.db, subject_key, now),
  ]);
  const report = assembleReport(
    file,
    identity,
    inquiries,
    { ...annotations, suppressed_items: new Set() },
    {
      viewer: { institution_id: null, is_furnisher: false },
      categories: ["credit_accounts", "alternative_data"],
      mask_competing_furnishers: false,
      institutions: new Map(institutions.map((institution) => [institution.id, institution])),
      now,
    },
  );
  const score = await scoreProvider(ctx)(file, inquiries, subject_key, now);
  const regime = ctx.config.regime;
  const year = now.getUTCFullYear();
  const request_id = `or_${randomBytes(12).toString("hex")}`;
  return ctx.db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1, hashtext(encode($2::bytea, 'hex')))", [
      allowance_lock_namespace,
      subject_key,
    ]);
    const used = await freeCopiesUsed(tx, subject_key, year);
    const free = used < regime.free_own_reports_per_year;
    const price = own_report_prices[regime.code];
    if (!free && (accept_price_minor === undefined || accept_price_minor < price.price_minor)) {
      throw new ApiError(
        "PRICE_NOT_ACCEPTED",
        `No free copy is left in ${year}; a copy costs ${price.price_minor} ${price.currency} minor units.`,
        { price_minor: price.price_minor.toString(), currency: price.currency },
      );
    }
    await tx.query(
      `INSERT INTO own_report_requests (id, subject_key, requested_at, year, free, price_minor, currency)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [request_id, subject_key, now, year, free, free ? "0" : price.price_minor.toString(), price.currency],
    );
    return {
      request_id,
      report,
      free,
      free_copies_left_this_year: Math.max(0, regime.free_own_reports_per_year - used - (free ? 1 : 0)),
      charged: free ? null : price,
      score,
    };
  });
}
