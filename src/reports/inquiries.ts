// The inquiry record: every query, answered or refused, with who asked, when, for what, and the outcome.
import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";

export type InquiryTables = {
  inquiries: {
    id: string;
    institution_id: string;
    key_id: string;
    at: Date;
    product: string;
    purpose: string;
    consent_id: string | null;
    subject_key: Buffer | null;
    outcome: string;
    log_entry_id: string | null;
  };
};
export type InquiryRow = InquiryTables["inquiries"];

// biome-ignore lint/complexity/noBannedTypes: any Kysely instance; this module names its own tables.
type AnyKysely = Kysely<{}>;

export function newInquiryId(): string {
  return `iq_${randomBytes(12).toString("hex")}`;
}

export async function recordInquiry(
  kysely: AnyKysely,
  row: Omit<InquiryRow, "id"> & { id?: string },
): Promise<string> {
  const id = row.id ?? newInquiryId();
  await kysely
    .withTables<InquiryTables>()
    .insertInto("inquiries")
    .values({ ...row, id })
    .execute();
  return id;
}

/** Answered inquiries about a subject since a time, newest first. */
export async function inquiriesAbout(
  kysely: AnyKysely,
  subject_key: Buffer,
  since: Date,
): Promise<InquiryRow[]> {
  return kysely
    .withTables<InquiryTables>()
    .selectFrom("inquiries")
    .selectAll()
    .where("subject_key", "=", subject_key)
    .where("at", ">=", since)
    .where("outcome", "=", "answered")
    .orderBy("at", "desc")
    .execute();
}
