// What the subject's rights add to every report about them: open disputes, their statement, suppressed items.
import { type Database, prepared } from "../db/database.ts";
import type { ReportAnnotations } from "../reports/credit-report.ts";
import { disputeStatus } from "./disputes.ts";

/**
 * The subject's open disputes and personal statement as one JSON value, for a statement that reads more at
 * once (a lender's query); `subject` is its placeholder for the subject key. A dispute's reason is left
 * out: it is the subject's own words to the furnisher, not something a lender needs to see beside the
 * disputed flag.
 */
export function reportAnnotationsJson(subject: string): string {
  return `json_build_object(
    'disputes', (SELECT coalesce(json_agg(json_build_object('item', item, 'opened_at', opened_at, 'due_at', due_at)
        ORDER BY opened_at, id), '[]')
      FROM subject_disputes WHERE subject_key = ${subject} AND answered_at IS NULL),
    'statement', (SELECT json_build_object('text', text, 'added_at', added_at)
      FROM personal_statements WHERE subject_key = ${subject}))`;
}

/** The annotations at `now` of reportAnnotationsJson's value. */
export function reportAnnotationsFromJson(value: unknown, now: Date): ReportAnnotations {
  const { disputes, statement } = value as {
    disputes: { item: string; opened_at: string; due_at: string }[];
    statement: { text: string; added_at: string } | null;
  };
  const open = disputes.map((dispute) => ({
    item: dispute.item,
    status: disputeStatus({ answered_at: null, due_at: new Date(dispute.due_at) }, now),
    opened_at: new Date(dispute.opened_at).toISOString(),
  }));
  return {
    disputes: open,
    personal_statements: statement
      ? [{ text: statement.text, added_at: new Date(statement.added_at).toISOString() }]
      : [],
    suppressed_items: new Set(
      open.filter((dispute) => dispute.status === "overdue").map((dispute) => dispute.item),
    ),
  };
}

/** How a lender's query reads the annotations in the statement that reads the rest of the file. */
export const reportAnnotationSource = { json: reportAnnotationsJson, fromJson: reportAnnotationsFromJson };

const report_annotations = prepared("report_annotations", `SELECT ${reportAnnotationsJson("$1")} AS a`);

/** The annotations of a subject's reports at `now`. */
export async function reportAnnotations(
  db: Pick<Database, "query">,
  subject_key: Buffer,
  now: Date,
): Promise<ReportAnnotations> {
  const [row] = await db.query<{ a: unknown }>(report_annotations, [subject_key]);
  return reportAnnotationsFromJson(row?.a, now);
}
