// The personal statement: a short text a subject attaches to their file, shown in every report about them.
import { type Database, prepared } from "../db/database.ts";
import { ApiError, registerErrorCodes } from "../http/errors.ts";

/** The longest statement, in characters (code points, so a Chinese character counts once). */
export const statement_chars_max = 500;

registerErrorCodes({
  STATEMENT_TOO_LONG: {
    status: 422,
    title: `A personal statement holds at most ${statement_chars_max} characters`,
  },
  STATEMENT_UNKNOWN: { status: 404, title: "There is no personal statement to remove" },
});

export interface PersonalStatement {
  readonly text: string;
  readonly added_at: Date;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: the pattern exists to reject control characters.
const control_characters = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

/** Checks a statement's text; the error never repeats the text, which may hold personal data. */
export function checkStatementText(text: string): string {
  const trimmed = text.trim();
  const chars = [...trimmed].length;
  if (chars === 0) throw new ApiError("VALIDATION_FAILED", "The statement is empty.", { field: "body.text" });
  if (chars > statement_chars_max) {
    throw new ApiError(
      "STATEMENT_TOO_LONG",
      `The statement has ${chars} characters; the most is ${statement_chars_max}.`,
      {
        chars,
        chars_max: statement_chars_max,
      },
    );
  }
  if (control_characters.test(trimmed)) {
    throw new ApiError(
      "VALIDATION_FAILED",
      "The statement holds control characters other than line breaks.",
      {
        field: "body.text",
      },
    );
  }
  return trimmed;
}

/** Sets (or replaces) the subject's statement. */
export async function putStatement(
  db: Pick<Database, "query">,
  subject_key: Buffer,
  text: string,
  now: Date,
): Promise<PersonalStatement> {
  const checked = checkStatementText(text);
  await db.query(
    `INSERT INTO personal_statements (subject_key, text, added_at) VALUES ($1, $2, $3)
     ON CONFLICT (subject_key) DO UPDATE SET text = EXCLUDED.text, added_at = EXCLUDED.added_at`,
    [subject_key, checked, now],
  );
  return { text: checked, added_at: now };
}

const statement_of_subject = prepared(
  "statement_of_subject",
  "SELECT text, added_at FROM personal_statements WHERE subject_key = $1",
);

export async function getStatement(
  db: Pick<Database, "query">,
  subject_key: Buffer,
): Promise<PersonalStatement | undefined> {
  const [row] = await db.query<PersonalStatement>(statement_of_subject, [subject_key]);
  return row;
}

/** Removes the statement; STATEMENT_UNKNOWN when there was none. */
export async function deleteStatement(db: Pick<Database, "query">, subject_key: Buffer): Promise<void> {
  const deleted = await db.query("DELETE FROM personal_statements WHERE subject_key = $1 RETURNING 1", [
    subject_key,
  ]);
  if (deleted.length === 0)
    throw new ApiError("STATEMENT_UNKNOWN", "There is no personal statement to remove.");
}
