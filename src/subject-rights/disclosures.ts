// Who saw my data: a subject's disclosures with everything a verifier holding only the bureau's public key
// needs (entry bytes, salt, inclusion proof, signed checkpoint), and a furnisher's disclosures by lender and month.
import assert from "node:assert/strict";
import type { Database } from "../db/database.ts";
import { base64Encode } from "../disclosure-log/bytes.ts";
import { decodeEntry } from "../disclosure-log/entry.ts";
import { witnessedNote } from "../disclosure-log/log-routes.ts";
import { latestCheckpoint, proveInclusion, queuedOfSubject } from "../disclosure-log/log-store.ts";
import type { AppContext } from "../http/context.ts";

/** The most disclosures one page carries; each needs its own proof. */
export const disclosures_page_max = 200;
/** The most lender-month rows a furnisher's listing carries. */
export const furnisher_disclosure_rows_max = 10_000;

export interface DisclosurePage {
  /** The subject's pseudonym, lowercase hex: with an entry's salt it opens the entry's subject commitment. */
  readonly pseudonym: string;
  /** The latest checkpoint every proof leads to: the bureau's signed note with every witness cosignature added. */
  readonly checkpoint: {
    readonly size: number;
    readonly note: string;
    readonly created_at: Date;
    /** Names of the witnesses whose cosignatures the note carries. */
    readonly witnesses: readonly string[];
  } | null;
  readonly disclosures: readonly {
    index: number;
    entry_id: string;
    entry: ReturnType<typeof decodeEntry>;
    /** The exact bytes of the Merkle leaf, base64. */
    entry_bytes: string;
    /** The salt of the subject commitment, lowercase hex. */
    salt: string;
    /** Hashes from the leaf to the checkpoint's root (RFC 9162 §2.1.3), base64. */
    inclusion_proof: string[];
  }[];
  /** Disclosures answered but not yet in a checkpoint; they get proofs once the sequencer integrates them. */
  readonly pending: readonly { entry_id: string; at: Date }[];
  /** Pass as `after` for the next page; null on the last page. */
  readonly next_after: number | null;
}

/** One page of the subject's disclosures, by log index, after `after` (exclusive; -1 for the first page). */
export async function subjectDisclosures(
  ctx: AppContext,
  subject_key: Buffer,
  page: { after: number; limit: number },
): Promise<DisclosurePage> {
  const db = ctx.db;
  const limit = Math.min(page.limit, disclosures_page_max);
  // Read the queue before the entries and the checkpoint after them: an entry integrated in between then shows
  // up in both lists (and is dropped from pending below), never in neither, and every entry read is inside the
  // checkpoint, which the sequencer writes in the same transaction as the entries.
  const queued = await queuedOfSubject(db, subject_key);
  const rows = await db.query<{
    idx: bigint;
    entry_id: string;
    entry_bytes: Uint8Array;
    subject_salt: Uint8Array;
  }>(
    `SELECT idx, entry_id, entry_bytes, subject_salt FROM log_entries
     WHERE subject_key = $1 AND idx > $2 ORDER BY idx LIMIT $3`,
    [subject_key, page.after, limit + 1],
  );
  const checkpoint = await latestCheckpoint(db);
  const shown = rows.slice(0, limit);
  const integrated = new Set(
    queued.length === 0
      ? []
      : (
          await db.query<{ entry_id: string }>(
            "SELECT entry_id FROM log_entries WHERE entry_id = ANY($1::text[])",
            [queued.map((entry) => entry.entry_id)],
          )
        ).map((row) => row.entry_id),
  );
  const witnesses = checkpoint
    ? await db.query<{ witness: string }>(
        "SELECT witness FROM log_cosignatures WHERE size = $1 ORDER BY witness",
        [checkpoint.size],
      )
    : [];
  const disclosures = [];
  for (const row of shown) {
    const index = Number(row.idx);
    assert.ok(
      checkpoint && index < checkpoint.size,
      "every integrated entry is inside the latest checkpoint",
    );
    const bytes = new Uint8Array(row.entry_bytes);
    disclosures.push({
      index,
      entry_id: row.entry_id,
      entry: decodeEntry(bytes),
      entry_bytes: base64Encode(bytes),
      salt: Buffer.from(row.subject_salt).toString("hex"),
      inclusion_proof: (await proveInclusion(db, index, checkpoint.size)).map(base64Encode),
    });
  }
  return {
    pseudonym: Buffer.from(subject_key).toString("hex"),
    checkpoint: checkpoint
      ? {
          ...checkpoint,
          note: await witnessedNote(ctx, checkpoint.size, checkpoint.note),
          witnesses: witnesses.map((row) => row.witness),
        }
      : null,
    disclosures,
    pending: queued.filter((entry) => !integrated.has(entry.entry_id)),
    next_after: rows.length > limit ? (disclosures.at(-1)?.index ?? null) : null,
  };
}

/** The first instant of a YYYY-MM month and of the month after it, UTC. */
function monthRange(month: string): [Date, Date] {
  const [year, month_number] = month.split("-").map(Number) as [number, number];
  return [new Date(Date.UTC(year, month_number - 1, 1)), new Date(Date.UTC(year, month_number, 1))];
}

export interface FurnisherDisclosureRow {
  readonly lender: string;
  /** UTC month of the disclosures, YYYY-MM. */
  readonly month: string;
  readonly disclosures: number;
  /** The furnisher's records those disclosures drew on. */
  readonly records: number;
}

/** Every integrated disclosure that drew on the furnisher's records, by lender and month; one month if given. */
export async function furnisherDisclosures(
  db: Pick<Database, "query">,
  furnisher_id: string,
  month: string | undefined,
): Promise<FurnisherDisclosureRow[]> {
  const range = month === undefined ? [] : monthRange(month);
  const rows = await db.query<{ lender: string; month: string; disclosures: bigint; records: bigint }>(
    `SELECT e.recipient AS lender, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM') AS month,
            count(*)::int8 AS disclosures, sum((f.value ->> 'records')::int8)::int8 AS records
     FROM log_entries e CROSS JOIN LATERAL jsonb_array_elements(e.furnishers) AS f (value)
     WHERE f.value ->> 'institution' = $1
       ${month === undefined ? "" : "AND e.at >= $3 AND e.at < $4"}
     GROUP BY 1, 2 ORDER BY 2, 1 LIMIT $2`,
    [furnisher_id, furnisher_disclosure_rows_max, ...range],
  );
  return rows.map((row) => ({
    lender: row.lender,
    month: row.month,
    disclosures: Number(row.disclosures),
    records: Number(row.records),
  }));
}
