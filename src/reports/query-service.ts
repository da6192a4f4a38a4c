// A lender's query from consent check to answer: every query is recorded, answered ones are disclosed
// in the log and priced in the same transaction, and only what the consent covers is assembled.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { priceFor } from "../billing/price-store.ts";
import type { RegimeCode } from "../config/regimes.ts";
import type { Category, ConsentRow, Purpose } from "../consent/consents.ts";
import {
  checkConsent,
  consentWithReadsSql,
  consumeOneTimeConsent,
  isConsentId,
} from "../consent/consents.ts";
import { type Database, ParamList, type PreparedStatement, prepared } from "../db/database.ts";
import { ReferenceCache } from "../db/reference-cache.ts";
import { disclosureInsert } from "../disclosure-log/log-store.ts";
import { inquiryEventCtes } from "../feed/subject-events.ts";
import {
  type CreditFile,
  creditFileFromJson,
  creditFileJson,
  creditFileSince,
} from "../furnishing/credit-file.ts";
import type { InstitutionPrincipal } from "../http/auth.ts";
import type { AppContext } from "../http/context.ts";
import { ApiError, registerErrorCodes } from "../http/errors.ts";
import { resolveSubjectKey, type SubjectIdentifier } from "../identity/subject-identity.ts";
import { personalDataFromJson, personalDataJson } from "../identity/vault.ts";
import { type Institution, listInstitutions } from "../institutions/institutions.ts";
import {
  assembleReport,
  type CreditReport,
  inquiriesShownSince,
  lastCompleteMonth,
  monthsEnding,
  noAnnotations,
  type ReportAnnotations,
} from "./credit-report.ts";
import {
  type InquiryRow,
  type InquirySummary,
  inquiriesFromJson,
  inquiriesJson,
  inquiryInsert,
  newInquiryId,
  recordInquiry,
} from "./inquiries.ts";
import type { QueryLimits } from "./query-limits.ts";

registerErrorCodes({
  NO_RECORD: { status: 404, title: "The bureau holds no credit file for this subject" },
  CONSENT_REQUIRED: { status: 403, title: "This regime requires the subject's consent for every query" },
  SUBJECT_REQUIRED: { status: 422, title: "Without a consent the query must name the subject" },
});

export const queryProducts = ["report", "score", "report+score"] as const;
export type QueryProduct = (typeof queryProducts)[number];

export interface QueryRequest {
  readonly product: QueryProduct;
  readonly purpose: Purpose;
  readonly consent_id?: string | undefined;
  /** Only where the regime lets a permissible purpose stand in for consent (us). */
  readonly subject?: SubjectIdentifier | undefined;
}

/** What the scoring domain adds to a query that asks for a score. */
export type ScoreProvider = (
  file: CreditFile,
  inquiries: readonly InquirySummary[],
  subject_key: Buffer,
  now: Date,
) => Promise<unknown>;
/**
 * What the subject-rights domain adds to every report (disputes, statements, suppressed items), read in the
 * same statement as the rest of the subject's file: `json` gives a JSON-valued SQL expression of the subject
 * key's placeholder, `fromJson` the annotations at a time from its value.
 */
export interface AnnotationSource {
  json(subject: string): string;
  fromJson(value: unknown, now: Date): ReportAnnotations;
}

/**
 * Institutions and prices, which every query reads and which change rarely, kept for a moment (see
 * ReferenceCache). One per server; a query without one reads them afresh.
 */
export class QueryReferenceData {
  readonly #institutions = new ReferenceCache<Institution[]>();
  readonly #prices = new ReferenceCache<Awaited<ReturnType<typeof priceFor>>>();

  institutions(db: Database): Promise<Institution[]> {
    return this.#institutions.get("all", () => listInstitutions(db.kysely));
  }

  /** Prices change only from a future day on, so a price read today holds for the rest of the day. */
  price(db: Database, regime: RegimeCode, lender_id: string, product: QueryProduct, now: Date) {
    const key = `${regime}|${lender_id}|${product}|${now.toISOString().slice(0, 10)}`;
    return this.#prices.get(key, () => priceFor(db, regime, lender_id, product, now));
  }
}

export interface QueryDependencies {
  readonly limits: QueryLimits;
  readonly reference?: QueryReferenceData | undefined;
  readonly score?: ScoreProvider | undefined;
  readonly annotations?: AnnotationSource | undefined;
}

export interface QueryAnswer {
  readonly inquiry_id: string;
  readonly product: QueryProduct;
  readonly report?: CreditReport;
  readonly score?: unknown;
  readonly disclosure: { entry_id: string; price_minor: string; currency: string };
}

const no_consent_hash = "0".repeat(64);

/**
 * What a query reads about its subject, each part its domain's JSON (see SubjectReadStatements). The names
 * carry a prefix so that they never meet a column of the consent row they are read beside.
 */
interface SubjectReads {
  readonly subject_file: unknown;
  readonly subject_identity: unknown;
  readonly subject_inquiries: unknown;
  readonly subject_annotations: unknown;
}

/** One query's consent read, as ConsentReads gathers them. */
interface ConsentRead {
  readonly consent_id: string;
  readonly lender_id: string;
  readonly at: Date;
  readonly purpose: string;
  readonly window: [since: string, inquiries_since: Date];
}

type ConsentReadRow = ConsentRow & SubjectReads;

/**
 * The consent reads of concurrent queries, gathered into few statements: at most in_flight_max run at once
 * (one per core the database has here), and the queries that arrive meanwhile go together in the next, up to
 * batch_max. A query that finds none running is read at once, alone.
 */
class ConsentReads {
  static readonly in_flight_max = 2;
  static readonly batch_max = 64;
  readonly #db: Pick<Database, "query">;
  readonly #statement: PreparedStatement;
  readonly #waiting: { read: ConsentRead; settle: (row: Promise<ConsentReadRow | undefined>) => void }[] = [];
  #in_flight = 0;

  constructor(db: Pick<Database, "query">, statement: PreparedStatement) {
    this.#db = db;
    this.#statement = statement;
  }

  read(read: ConsentRead): Promise<ConsentReadRow | undefined> {
    return new Promise((resolve) => {
      this.#waiting.push({ read, settle: resolve });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#in_flight < ConsentReads.in_flight_max && this.#waiting.length > 0) {
      const batch = this.#waiting.splice(0, ConsentReads.batch_max);
      this.#in_flight += 1;
      const rows = this.#run(batch.map((waiting) => waiting.read));
      batch.forEach((waiting, i) => {
        waiting.settle(rows.then((found) => found[i]));
      });
      void rows
        .catch(() => {})
        .finally(() => {
          this.#in_flight -= 1;
          this.#pump();
        });
    }
  }

  /** The rows of the batch's consents in its order; undefined where a consent does not exist. */
  async #run(batch: readonly ConsentRead[]): Promise<(ConsentReadRow | undefined)[]> {
    const rows = await this.#db.query<ConsentReadRow & { query_n: bigint | number }>(this.#statement, [
      batch.map((read) => read.consent_id),
      batch.map((read) => read.lender_id),
      batch.map((read) => read.at),
      batch.map((read) => read.purpose),
      batch.map((read) => read.window[0]),
      batch.map((read) => read.window[1]),
    ]);
    const found: (ConsentReadRow | undefined)[] = batch.map(() => undefined);
    for (const row of rows) if (row.id !== null) found[Number(row.query_n) - 1] = row;
    return found;
  }
}

/**
 * The statements that read everything a query needs about its subject in one round trip (one snapshot):
 * under consents, a batch of consents with the reads each one's check allows (arrays of consent ids, lenders,
 * times, purposes, first statement periods and starts of the inquiries shown, one element per query); without
 * one, the reads alone ($1 the subject key, $2 the first period's date, $3 the start of the inquiries shown).
 */
class SubjectReadStatements {
  readonly under_consent: PreparedStatement;
  readonly direct: PreparedStatement;
  readonly #consent_reads = new WeakMap<object, ConsentReads>();

  constructor(annotations: AnnotationSource | undefined) {
    const reads = (subject: string, since: string, inquiries_since: string) =>
      `${creditFileJson(subject, since)} AS subject_file, ${personalDataJson(subject)} AS subject_identity,
       ${inquiriesJson(subject, `${inquiries_since}::timestamptz`)} AS subject_inquiries,
       ${annotations ? annotations.json(subject) : "NULL::json"} AS subject_annotations`;
    const consent = consentWithReadsSql(
      { id: "q.consent_id", lender: "q.lender_id", now: "q.at", purpose: "q.purpose" },
      (subject) => reads(subject, "q.since", "q.inquiries_since"),
    );
    const under_consent = `SELECT q.query_n, x.*
      FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::date[], $6::timestamptz[])
        WITH ORDINALITY AS q(consent_id, lender_id, at, purpose, since, inquiries_since, query_n)
      LEFT JOIN LATERAL (${consent}) x ON true`;
    const direct = `SELECT ${reads("$1", "$2", "$3")}`;
    // A prepared statement's name must stand for one text on a connection, whatever annotations it reads.
    this.under_consent = prepared(`query_consent_reads_${textId(under_consent)}`, under_consent);
    this.direct = prepared(`query_subject_reads_${textId(direct)}`, direct);
  }

  /** The gatherer of consent reads on `db`, one per database handle. */
  consentReads(db: Pick<Database, "query">): ConsentReads {
    let reads = this.#consent_reads.get(db);
    if (!reads) {
      reads = new ConsentReads(db, this.under_consent);
      this.#consent_reads.set(db, reads);
    }
    return reads;
  }

  static readonly #by_source = new WeakMap<AnnotationSource, SubjectReadStatements>();
  static readonly #plain = new SubjectReadStatements(undefined);

  static for(annotations: AnnotationSource | undefined): SubjectReadStatements {
    if (!annotations) return SubjectReadStatements.#plain;
    let statements = SubjectReadStatements.#by_source.get(annotations);
    if (!statements) {
      statements = new SubjectReadStatements(annotations);
      SubjectReadStatements.#by_source.set(annotations, statements);
    }
    return statements;
  }
}

/** A short name for a statement text. */
function textId(text: string): string {
  return createHash("sha256").update(text).digest("hex").slice(0, 12);
}

/** The first period and the first inquiry time a report shows at `now`. */
function readWindow(now: Date): [since: string, inquiries_since: Date] {
  const since = monthsEnding(lastCompleteMonth(now), 24)[0] as string;
  return [creditFileSince(since), inquiriesShownSince(now)];
}

type InquiryBase = Omit<InquiryRow, "subject_key" | "outcome">;

function categoriesNeeded(product: QueryProduct, consent: ConsentRow | undefined): Category[] {
  const reportCategories: Category[] = consent
    ? consent.categories.filter((category) => category !== "score")
    : ["credit_accounts", "alternative_data"];
  if (product === "score") return ["score"];
  // A report needs at least credit accounts; alternative data is included when the consent covers it.
  const report = reportCategories.length > 0 ? reportCategories : ["credit_accounts" as const];
  return product === "report" ? report : [...report, "score"];
}

export async function answerQuery(
  ctx: AppContext,
  deps: QueryDependencies,
  lender: InstitutionPrincipal,
  request: QueryRequest,
): Promise<QueryAnswer> {
  const now = ctx.clock.now();
  const inquiry_id = newInquiryId();
  const base: InquiryBase = {
    id: inquiry_id,
    institution_id: lender.institution_id,
    key_id: lender.key_id,
    at: now,
    product: request.product,
    purpose: request.purpose,
    consent_id: request.consent_id ?? null,
    log_entry_id: null,
  };
  let subject_key: Buffer | null = null;
  try {
    await deps.limits.take(lender.institution_id);
    const statements = SubjectReadStatements.for(deps.annotations);
    const window = readWindow(now);
    let consent: ConsentRow | undefined;
    let reads: SubjectReads | undefined;
    if (request.consent_id !== undefined) {
      const row = isConsentId(request.consent_id)
        ? await statements.consentReads(ctx.db).read({
            consent_id: request.consent_id,
            lender_id: lender.institution_id,
            at: now,
            purpose: request.purpose,
            window,
          })
        : undefined;
      consent = row;
      reads = row;
      subject_key = consent?.subject_key ?? null;
      checkConsent(consent, {
        lender_id: lender.institution_id,
        purpose: request.purpose,
        categories: categoriesNeeded(request.product, consent),
        now,
      });
      assert.ok(reads?.subject_file, "the reads run under every consent that passes its check");
    } else if (ctx.config.regime.consent_required) {
      throw new ApiError(
        "CONSENT_REQUIRED",
        `Regime ${ctx.config.regime.code} requires a consent_id for every query.`,
      );
    } else if (!request.subject) {
      throw new ApiError("SUBJECT_REQUIRED", "Name the subject, or give a consent_id.");
    } else {
      subject_key = resolveSubjectKey(ctx.keyring, ctx.config.regime, request.subject, now);
      [reads] = await ctx.db.query<SubjectReads>(statements.direct, [subject_key, ...window]);
    }
    return await disclose(
      ctx,
      deps,
      lender,
      request,
      consent,
      subject_key as Buffer,
      reads as SubjectReads,
      base,
      now,
    );
  } catch (error) {
    const outcome = error instanceof ApiError ? error.code : "INTERNAL";
    await recordInquiry(ctx.db, { ...base, subject_key, outcome });
    throw error;
  }
}

async function disclose(
  ctx: AppContext,
  deps: QueryDependencies,
  lender: InstitutionPrincipal,
  request: QueryRequest,
  consent: ConsentRow | undefined,
  subject_key: Buffer,
  reads: SubjectReads,
  base: InquiryBase,
  now: Date,
): Promise<QueryAnswer> {
  const categories = categoriesNeeded(request.product, consent);
  const reference = deps.reference ?? new QueryReferenceData();
  const [institutions, list] = await Promise.all([
    reference.institutions(ctx.db),
    reference.price(ctx.db, ctx.config.regime.code, lender.institution_id, request.product, now),
  ]);
  const file = creditFileFromJson(reads.subject_file);
  const identity = personalDataFromJson(ctx.keyring, subject_key, reads.subject_identity);
  const inquiries = inquiriesFromJson(reads.subject_inquiries);
  const annotations = deps.annotations
    ? deps.annotations.fromJson(reads.subject_annotations, now)
    : noAnnotations;
  // A subject with neither identity nor records has no file.
  if (!identity && file.accounts.length === 0 && file.activities.length === 0) {
    throw new ApiError("NO_RECORD", "The bureau holds no credit file for this subject.");
  }
  const byId = new Map(institutions.map((institution) => [institution.id, institution]));
  const self = byId.get(lender.institution_id);
  const report =
    request.product === "score"
      ? undefined
      : assembleReport(file, identity, inquiries, annotations, {
          viewer: {
            institution_id: lender.institution_id,
            is_furnisher: self?.roles.includes("furnisher") ?? false,
          },
          categories,
          mask_competing_furnishers: ctx.config.regime.mask_competing_furnishers,
          institutions: byId,
          now,
        });
  const score =
    request.product === "report" || !deps.score
      ? undefined
      : await deps.score(file, inquiries, subject_key, now);
  const furnishers = contributions(file, categories);
  // One subject queried twice by the same lender for the same product on one day is billed once; the
  // inquiries read above include today's.
  const today = now.toISOString().slice(0, 10);
  const billed_today = inquiries.some(
    (inquiry) =>
      inquiry.institution_id === lender.institution_id &&
      inquiry.product === request.product &&
      inquiry.at.toISOString().slice(0, 10) === today,
  );
  const price_minor = billed_today ? 0n : list.price_minor;
  // The disclosure, the inquiry and other lenders' alerts are one statement: atomic, and one round trip.
  const params = new ParamList();
  const { entry_id, sql: queue } = disclosureInsert(
    {
      at: now,
      recipient: lender.institution_id,
      product: request.product,
      purpose: request.purpose,
      consent_sha256: consent ? consent.jws_sha256.toString("hex") : no_consent_hash,
      subject_key,
      furnishers,
      price_minor,
      currency: list.currency,
    },
    params,
  );
  const inquiry = inquiryInsert(
    { ...base, subject_key, outcome: "answered", log_entry_id: entry_id },
    params,
  );
  const alerts = inquiryEventCtes({ subject_key, institution_id: lender.institution_id, at: now }, params);
  const statement = prepared(
    "answer_disclosure",
    `WITH queued AS (${queue}), inquiry AS (${inquiry}), ${alerts} SELECT 1`,
  );
  if (consent?.mode === "one_time") {
    await ctx.db.transaction(async (tx) => {
      if (!(await consumeOneTimeConsent(tx.kysely, consent.id, now))) {
        throw new ApiError("CONSENT_USED", "The one-time consent was used by a concurrent query.");
      }
      await tx.query(statement, params.values);
    });
  } else {
    await ctx.db.query(statement, params.values);
  }
  return {
    inquiry_id: base.id,
    product: request.product,
    ...(report ? { report } : {}),
    ...(score === undefined ? {} : { score }),
    disclosure: { entry_id, price_minor: price_minor.toString(), currency: list.currency },
  };
}

/** Furnishers whose records the answer drew on, with how many records each. */
export function contributions(file: CreditFile, categories: readonly Category[]) {
  const counts = new Map<string, number>();
  const add = (id: string) => counts.set(id, (counts.get(id) ?? 0) + 1);
  const everything = categories.includes("score");
  if (everything || categories.includes("credit_accounts")) {
    for (const account of file.accounts) add(account.furnisher_id);
    for (const statement of file.statements) add(statement.furnisher_id);
  }
  if (everything || categories.includes("alternative_data")) {
    for (const activity of file.activities) add(activity.furnisher_id);
  }
  return [...counts.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([institution, records]) => ({ institution, records }));
}
