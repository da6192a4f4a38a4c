// Report item keys (`account:<furnisher>:<ref>`, `statement:<furnisher>:<ref>:<YYYY-MM>`), parsed and checked
// against the subject's own credit file.
import type { Database } from "../db/database.ts";
import { loadCreditFile } from "../furnishing/credit-file.ts";
import { accountItemKey, statementItemKey } from "../reports/credit-report.ts";

export interface ReportItem {
  readonly item: string;
  readonly kind: "account" | "statement";
  readonly furnisher_id: string;
  readonly account_ref: string;
  /** YYYY-MM for a statement item; null for an account item. */
  readonly period: string | null;
}

/** The shape of an item key; institution ids have no colon, account references may. */
export const item_pattern =
  /^(?:account:[a-z0-9][a-z0-9-]{1,62}:[\x21-\x7e]{1,64}|statement:[a-z0-9][a-z0-9-]{1,62}:[\x21-\x7e]{1,64}:\d{4}-(?:0[1-9]|1[0-2]))$/;

/** The earliest month a file can hold; the subject's own view and disputes cover the whole file. */
export const whole_file_since = "1900-01";

export function parseItem(item: string): ReportItem | undefined {
  if (!item_pattern.test(item)) return undefined;
  const [kind, furnisher_id] = item.split(":", 2) as ["account" | "statement", string];
  const rest = item.slice(kind.length + furnisher_id.length + 2);
  if (kind === "account") return { item, kind, furnisher_id, account_ref: rest, period: null };
  return { item, kind, furnisher_id, account_ref: rest.slice(0, -8), period: rest.slice(-7) };
}

/** The item if it is in the subject's current file (an account or a statement of theirs), else undefined. */
export async function ownItem(
  db: Pick<Database, "query">,
  subject_key: Buffer,
  item: string,
): Promise<ReportItem | undefined> {
  const parsed = parseItem(item);
  if (!parsed) return undefined;
  const file = await loadCreditFile(db, subject_key, whole_file_since);
  const held =
    parsed.kind === "account"
      ? file.accounts.some((account) => accountItemKey(account) === item)
      : file.statements.some((statement) => statementItemKey(statement) === item);
  return held ? parsed : undefined;
}
