// What the subject's rights add to every report about them: open disputes, their statement, suppressed items.
import type { Database } from "../db/database.ts";
import type { ReportAnnotations } from "../reports/credit-report.ts";
import { openDisputesOfSubject } from "./disputes.ts";
import { getStatement } from "./personal-statement.ts";

/**
 * The annotations of a subject's reports at `now`. A dispute's reason is left out: it is the subject's own
 * words to the furnisher, not something a lender needs to see beside the disputed flag.
 */
export async function reportAnnotations(
  db: Pick<Database, "query">,
  subject_key: Buffer,
  now: Date,
): Promise<ReportAnnotations> {
  const [disputes, statement] = await Promise.all([
    openDisputesOfSubject(db, subject_key, now),
    getStatement(db, subject_key),
  ]);
  return {
    disputes: disputes.map((dispute) => ({
      item: dispute.item,
      status: dispute.status,
      opened_at: dispute.opened_at.toISOString(),
    })),
    personal_statements: statement
      ? [{ text: statement.text, added_at: statement.added_at.toISOString() }]
      : [],
    suppressed_items: new Set(
      disputes.filter((dispute) => dispute.status === "overdue").map((dispute) => dispute.item),
    ),
  };
}
