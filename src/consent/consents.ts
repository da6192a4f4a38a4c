// Consent artefacts: registered by a lender, signed by the bureau (JWS, EdDSA), checked before every query.
import { createHash, randomBytes } from "node:crypto";
import { CompactSign } from "jose";
import type { Kysely } from "kysely";
import type { Clock } from "../config/clock.ts";
import type { Keyring } from "../config/keyring.ts";
import { type Database, prepared } from "../db/database.ts";
import { ApiError, registerErrorCodes } from "../http/errors.ts";
import { bureauKey } from "../identity/bureau-key.ts";

export const purposes = [
  "loan_origination",
  "credit_limit_review",
  "post_loan_management",
  "guarantee_review",
  "own_request",
] as const;
export type Purpose = (typeof purposes)[number];
export const categories = ["credit_accounts", "alternative_data", "score"] as const;
export type Category = (typeof categories)[number];
export const consentModes = ["one_time", "continuous"] as const;
export type ConsentMode = (typeof consentModes)[number];
export type ConsentStatus = "active" | "revoked" | "expired" | "used" | "not_yet_valid";

registerErrorCodes({
  CONSENT_UNKNOWN: { status: 404, title: "No such consent" },
  CONSENT_NOT_YOURS: { status: 403, title: "The consent names another lender" },
  CONSENT_REVOKED: { status: 403, title: "The consent has been revoked" },
  CONSENT_EXPIRED: { status: 403, title: "The consent has expired" },
  CONSENT_USED: { status: 403, title: "The one-time consent has already been used by a query" },
  CONSENT_NOT_YET_VALID: { status: 403, title: "The consent's start time has not come" },
  CONSENT_PURPOSE_NOT_COVERED: { status: 403, title: "The consent does not cover this purpose" },
  CONSENT_CATEGORY_NOT_COVERED: {
    status: 403,
    title: "The consent does not cover the data this product needs",
  },
  CONSENT_INVALID: { status: 422, title: "The consent's dates or evidence are not acceptable" },
});

export type ConsentTables = {
  consents: {
    id: string;
    lender_id: string;
    subject_key: Buffer;
    purpose: Purpose;
    categories: Category[];
    mode: ConsentMode;
    starts_at: Date;
    expires_at: Date;
    evidence_sha256: string;
    evidence_ref: string;
    created_at: Date;
    revoked_at: Date | null;
    revoked_by: "subject" | "lender" | null;
    used_at: Date | null;
    jws: string;
    jws_sha256: Buffer;
  };
};

export type ConsentRow = ConsentTables["consents"];

// biome-ignore lint/complexity/noBannedTypes: any Kysely instance; this module names its own tables.
type AnyKysely = Kysely<{}>;
const tables = (kysely: AnyKysely) => kysely.withTables<ConsentTables>();

/** The longest a consent may run; continuous post-loan consents are renewed, not open-ended. */
export const consent_duration_days_max = 3 * 365;
const consent_id_pattern = /^cs_[a-f0-9]{24}$/;

export interface NewConsent {
  readonly subject_key: Buffer;
  readonly purpose: Purpose;
  readonly categories: readonly Category[];
  readonly mode: ConsentMode;
  readonly starts_at: Date;
  readonly expires_at: Date;
  readonly evidence_sha256: string;
  readonly evidence_ref: string;
}

export function consentStatus(
  row: Pick<ConsentRow, "revoked_at" | "used_at" | "starts_at" | "expires_at">,
  now: Date,
): ConsentStatus {
  if (row.revoked_at) return "revoked";
  if (row.used_at) return "used";
  if (row.expires_at <= now) return "expired";
  if (row.starts_at > now) return "not_yet_valid";
  return "active";
}

export async function registerConsent(
  kysely: AnyKysely,
  keyring: Keyring,
  clock: Clock,
  lender_id: string,
  input: NewConsent,
): Promise<ConsentRow> {
  const now = clock.now();
  if (input.expires_at <= input.starts_at)
    throw new ApiError("CONSENT_INVALID", "expires_at must be after starts_at.", { field: "expires_at" });
  if (input.expires_at <= now)
    throw new ApiError("CONSENT_INVALID", "expires_at is in the past.", { field: "expires_at" });
  if (input.expires_at.getTime() - input.starts_at.getTime() > consent_duration_days_max * 86_400_000) {
    throw new ApiError("CONSENT_INVALID", `A consent may run at most ${consent_duration_days_max} days.`, {
      field: "expires_at",
    });
  }
  const id = `cs_${randomBytes(12).toString("hex")}`;
  const key = bureauKey(keyring);
  const claims = {
    jti: id,
    iss: "credence-bureau",
    aud: lender_id,
    sub: input.subject_key.toString("hex"),
    purpose: input.purpose,
    categories: [...input.categories].sort(),
    mode: input.mode,
    nbf: Math.floor(input.starts_at.getTime() / 1000),
    exp: Math.floor(input.expires_at.getTime() / 1000),
    iat: Math.floor(now.getTime() / 1000),
    evidence: { sha256: input.evidence_sha256, ref: input.evidence_ref },
  };
  const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: "EdDSA", kid: key.kid, typ: "credence-consent+jws" })
    .sign(key.private_key);
  const row: ConsentRow = {
    id,
    lender_id,
    subject_key: input.subject_key,
    purpose: input.purpose,
    categories: [...new Set(input.categories)].sort(),
    mode: input.mode,
    starts_at: input.starts_at,
    expires_at: input.expires_at,
    evidence_sha256: input.evidence_sha256,
    evidence_ref: input.evidence_ref,
    created_at: now,
    revoked_at: null,
    revoked_by: null,
    used_at: null,
    jws,
    jws_sha256: createHash("sha256").update(jws).digest(),
  };
  await tables(kysely).insertInto("consents").values(row).execute();
  return row;
}

const consent_by_id = prepared("consent_by_id", "SELECT * FROM consents WHERE id = $1");

export async function findConsent(db: Pick<Database, "query">, id: string): Promise<ConsentRow | undefined> {
  if (!isConsentId(id)) return undefined;
  const [row] = await db.query<ConsentRow>(consent_by_id, [id]);
  return row;
}

/** Whether `id` has the form of a consent id (anything else names no consent). */
export function isConsentId(id: string): boolean {
  return consent_id_pattern.test(id);
}

/**
 * A statement that reads consent `id` and, in the same round trip, what a query under it reads about the
 * subject: `reads(subject)` is a select-list over an SQL expression of the subject key. The reads run only
 * when the consent names the lender, is active at the time and covers the purpose (`placeholders` gives
 * each as an SQL expression: a parameter or a column); otherwise they are NULL and checkConsent says why. No data of a subject is read for a lender the
 * subject did not consent to.
 */
export function consentWithReadsSql(
  placeholders: {
    readonly id: string;
    readonly lender: string;
    readonly now: string;
    readonly purpose: string;
  },
  reads: (subject: string) => string,
): string {
  const { id, lender, now, purpose } = placeholders;
  return `SELECT c.*, r.* FROM consents c
    LEFT JOIN LATERAL (
      SELECT ${reads("c.subject_key")}
      WHERE c.lender_id = ${lender} AND c.revoked_at IS NULL AND c.used_at IS NULL
        AND c.starts_at <= ${now}::timestamptz AND c.expires_at > ${now}::timestamptz AND c.purpose = ${purpose}
    ) r ON true
    WHERE c.id = ${id}`;
}

export async function listConsentsOfLender(
  kysely: AnyKysely,
  lender_id: string,
  limit = 100,
): Promise<ConsentRow[]> {
  return tables(kysely)
    .selectFrom("consents")
    .selectAll()
    .where("lender_id", "=", lender_id)
    .orderBy("created_at", "desc")
    .limit(limit)
    .execute();
}

export async function listConsentsOfSubject(kysely: AnyKysely, subject_key: Buffer): Promise<ConsentRow[]> {
  return tables(kysely)
    .selectFrom("consents")
    .selectAll()
    .where("subject_key", "=", subject_key)
    .orderBy("created_at", "desc")
    .execute();
}

/** Revokes a consent; revoking twice keeps the first revocation. */
export async function revokeConsent(
  kysely: AnyKysely,
  id: string,
  by: "subject" | "lender",
  clock: Clock,
): Promise<ConsentRow> {
  const updated = await tables(kysely)
    .updateTable("consents")
    .set((eb) => ({
      revoked_at: eb.fn.coalesce("revoked_at", eb.val(clock.now())),
      revoked_by: eb.fn.coalesce("revoked_by", eb.val(by)),
    }))
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
  if (!updated) throw new ApiError("CONSENT_UNKNOWN", `There is no consent ${id}.`);
  return updated;
}

/** Refuses a query the consent does not allow, with the code that says why. */
export function checkConsent(
  consent: ConsentRow | undefined,
  request: { lender_id: string; purpose: Purpose; categories: readonly Category[]; now: Date },
): ConsentRow {
  if (!consent) throw new ApiError("CONSENT_UNKNOWN", "There is no such consent.");
  if (consent.lender_id !== request.lender_id)
    throw new ApiError("CONSENT_NOT_YOURS", "The consent names another lender.");
  const status = consentStatus(consent, request.now);
  if (status === "revoked")
    throw new ApiError("CONSENT_REVOKED", `The consent was revoked by the ${consent.revoked_by}.`);
  if (status === "used")
    throw new ApiError("CONSENT_USED", "The one-time consent was used by an earlier query.");
  if (status === "expired") throw new ApiError("CONSENT_EXPIRED", "The consent has expired.");
  if (status === "not_yet_valid")
    throw new ApiError("CONSENT_NOT_YET_VALID", "The consent's start time has not come.");
  if (consent.purpose !== request.purpose) {
    throw new ApiError(
      "CONSENT_PURPOSE_NOT_COVERED",
      `The consent covers ${consent.purpose}, not ${request.purpose}.`,
    );
  }
  const missing = request.categories.filter((category) => !consent.categories.includes(category));
  if (missing.length > 0) {
    throw new ApiError("CONSENT_CATEGORY_NOT_COVERED", `The consent does not cover ${missing.join(", ")}.`, {
      missing,
    });
  }
  return consent;
}

/** Uses up a one-time consent; false when a concurrent query used it first. */
export async function consumeOneTimeConsent(kysely: AnyKysely, id: string, now: Date): Promise<boolean> {
  const result = await tables(kysely)
    .updateTable("consents")
    .set({ used_at: now })
    .where("id", "=", id)
    .where("mode", "=", "one_time")
    .where("used_at", "is", null)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export function publicConsent(row: ConsentRow, now: Date) {
  const { subject_key: _subject, jws_sha256, ...rest } = row;
  return { ...rest, status: consentStatus(row, now), jws_sha256: jws_sha256.toString("hex") };
}
