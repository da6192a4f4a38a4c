// Test fixtures for the feed: institutions, continuous consents, subscriptions, and furnished record
// versions written with SQL in the same transaction that records their events, as ingestion does.
import { createHash } from "node:crypto";
import type { ManualClock } from "../config/clock.ts";
import type { Keyring } from "../config/keyring.ts";
import { type ConsentRow, type NewConsent, registerConsent } from "../consent/consents.ts";
import type { CopyRow, Database } from "../db/database.ts";
import { createInstitution, type InstitutionKind, type Role } from "../institutions/institutions.ts";
import { recordFurnishingEvents } from "./furnishing-events.ts";
import { subscribe } from "./subscriptions.ts";

export async function addInstitution(
  db: Database,
  clock: ManualClock,
  id: string,
  roles: Role[],
  kind: InstitutionKind,
): Promise<string> {
  await createInstitution(
    db.kysely,
    { id, name: `Synthetic ${id}`, legal_id: `LEGAL-${id}`, roles, kind },
    clock,
  );
  return id;
}

/** A synthetic subject key; real ones are HMACs of national IDs, which these tests never need. */
export function syntheticSubjectKey(label: string): Buffer {
  return createHash("sha256").update(`synthetic subject ${label}`).digest();
}

/** A continuous post-loan consent, valid for a year from now, unless `overrides` say otherwise. */
export async function continuousConsent(
  db: Database,
  keyring: Keyring,
  clock: ManualClock,
  lender_id: string,
  subject_key: Buffer,
  overrides: Partial<NewConsent> = {},
): Promise<ConsentRow> {
  const now = clock.now();
  return registerConsent(db.kysely, keyring, clock, lender_id, {
    subject_key,
    purpose: "post_loan_management",
    categories: ["credit_accounts"],
    mode: "continuous",
    starts_at: now,
    expires_at: new Date(now.getTime() + 365 * 86_400_000),
    evidence_sha256: "a".repeat(64),
    evidence_ref: "signed-form-1",
    ...overrides,
  });
}

export async function subscribed(
  db: Database,
  keyring: Keyring,
  clock: ManualClock,
  lender_id: string,
  subject_key: Buffer,
): Promise<{ consent: ConsentRow; subscription_id: string }> {
  const consent = await continuousConsent(db, keyring, clock, lender_id, subject_key);
  const { subscription } = await subscribe(db, lender_id, consent.id, clock.now());
  return { consent, subscription_id: subscription.id };
}

export interface AccountVersion {
  readonly ref: string;
  readonly subject_key?: Buffer;
  readonly kind?: string;
  readonly deleted?: boolean;
}

export interface StatementVersion {
  readonly ref: string;
  readonly period: string;
  readonly status?: string;
  readonly balance_minor?: bigint;
  readonly days_past_due?: number;
  readonly deleted?: boolean;
}

/**
 * Writes one submission's versions and records its events in one transaction, as ingestion does; `fail`
 * throws after recording, so the transaction rolls back. Returns the submission's seq and the event count.
 */
export async function furnish(
  db: Database,
  furnisher_id: string,
  now: Date,
  versions: { accounts?: AccountVersion[]; statements?: StatementVersion[] },
  options: { fail?: boolean } = {},
): Promise<{ seq: bigint; events: number }> {
  return db.transaction(async (tx) => {
    const [row] = await tx.query<{ seq: bigint }>("SELECT nextval('submission_seq')::int8 AS seq");
    const seq = row?.seq as bigint;
    const accounts: CopyRow[] = (versions.accounts ?? []).map((account) =>
      account.deleted
        ? [furnisher_id, account.ref, seq, true, null, null, null, null]
        : [
            furnisher_id,
            account.ref,
            seq,
            false,
            account.subject_key ?? null,
            account.kind ?? "micro_loan",
            "2025-01-15",
            "CNY",
          ],
    );
    const statements: CopyRow[] = (versions.statements ?? []).map((statement) =>
      statement.deleted
        ? [furnisher_id, statement.ref, `${statement.period}-01`, seq, true, null, null, null]
        : [
            furnisher_id,
            statement.ref,
            `${statement.period}-01`,
            seq,
            false,
            statement.balance_minor ?? 400_000n,
            statement.days_past_due ?? 0,
            statement.status ?? "current",
          ],
    );
    await tx.copyIn(
      "accounts",
      ["furnisher_id", "account_ref", "seq", "deleted", "subject_key", "kind", "opened_on", "currency"],
      [accounts],
    );
    await tx.copyIn(
      "statements",
      ["furnisher_id", "account_ref", "period", "seq", "deleted", "balance_minor", "days_past_due", "status"],
      [statements],
    );
    const events = await recordFurnishingEvents(tx, { furnisher_id, seq, now });
    if (options.fail) throw new Error("the submission failed after recording its events");
    return { seq, events };
  });
}

export interface StoredEvent {
  readonly id: string;
  readonly subscription_id: string;
  readonly lender_id: string;
  readonly consent_id: string;
  readonly type: string;
  readonly sequence: number;
  readonly data: Record<string, unknown>;
  readonly state: string;
  readonly attempts: number;
  readonly source_furnisher_id: string | null;
}

export async function outboxEvents(
  db: Database,
  where = "true",
  params: unknown[] = [],
): Promise<StoredEvent[]> {
  const rows = await db.query<StoredEvent & { sequence: bigint }>(
    `SELECT id, subscription_id, lender_id, consent_id, type, sequence, data, state, attempts, source_furnisher_id
     FROM feed_outbox WHERE ${where} ORDER BY subscription_id, sequence`,
    params,
  );
  return rows.map((row) => ({ ...row, sequence: Number(row.sequence) }));
}
