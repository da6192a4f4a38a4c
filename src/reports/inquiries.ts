// The inquiry record: every query, answered or refused, with who asked, when, for what, and the outcome.
import { randomBytes } from "node:crypto";
import { type Database, ParamList, prepared } from "../db/database.ts";

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

export function newInquiryId(): string {
  return `iq_${randomBytes(12).toString("hex")}`;
}

export async function recordInquiry(
  db: Pick<Database, "query">,
  row: Omit<InquiryRow, "id"> & { id?: string },
): Promise<string> {
  const id = row.id ?? newInquiryId();
  const params = new ParamList();
  await db.query(inquiryInsert({ ...row, id }, params), params.values);
  return id;
}

/** What a report shows of an earlier inquiry, and what the score and billing count. */
export type InquirySummary = Pick<InquiryRow, "at" | "institution_id" | "product" | "purpose">;

/**
 * Answered inquiries about a subject since a time, newest first, as one JSON array, for a statement that
 * reads more at once; `subject` and `since` are its placeholders for the subject key and the time.
 */
export function inquiriesJson(subject: string, since: string): string {
  return `(SELECT coalesce(json_agg(json_build_object('at', at, 'institution_id', institution_id,
      'product', product, 'purpose', purpose) ORDER BY at DESC), '[]')
    FROM inquiries WHERE subject_key = ${subject} AND at >= ${since} AND outcome = 'answered')`;
}

/** The inquiries of inquiriesJson's value. */
export function inquiriesFromJson(value: unknown): InquirySummary[] {
  return (value as { at: string; institution_id: string; product: string; purpose: string }[]).map((row) => ({
    ...row,
    at: new Date(row.at),
  }));
}

const inquiries_about = prepared("inquiries_about", `SELECT ${inquiriesJson("$1", "$2")} AS inquiries`);

/** Answered inquiries about a subject since a time, newest first. */
export async function inquiriesAbout(
  db: Pick<Database, "query">,
  subject_key: Buffer,
  since: Date,
): Promise<InquirySummary[]> {
  const [row] = await db.query<{ inquiries: unknown }>(inquiries_about, [subject_key, since]);
  return inquiriesFromJson(row?.inquiries);
}

/** The INSERT of an inquiry, its values added to `params`, for a statement that does more at once. */
export function inquiryInsert(row: InquiryRow, params: ParamList): string {
  const values = [
    row.id,
    row.institution_id,
    row.key_id,
    row.at,
    row.product,
    row.purpose,
    row.consent_id,
    row.subject_key,
    row.outcome,
    row.log_entry_id,
  ].map((value) => params.add(value));
  return `INSERT INTO inquiries (id, institution_id, key_id, at, product, purpose, consent_id, subject_key, outcome,
     log_entry_id) VALUES (${values.join(", ")})`;
}
