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

const inquiries_about = prepared(
  "inquiries_about",
  `SELECT * FROM inquiries WHERE subject_key = $1 AND at >= $2 AND outcome = 'answered' ORDER BY at DESC`,
);

/** Answered inquiries about a subject since a time, newest first. */
export async function inquiriesAbout(
  db: Pick<Database, "query">,
  subject_key: Buffer,
  since: Date,
): Promise<InquiryRow[]> {
  return db.query<InquiryRow>(inquiries_about, [subject_key, since]);
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
