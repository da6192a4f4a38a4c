// The furnishing mandate: which platforms must furnish, by when, and how many active users each declared.
import assert from "node:assert/strict";
import type { Clock } from "../config/clock.ts";
import type { Database } from "../db/database.ts";
import { ApiError } from "../http/errors.ts";
import { getInstitution } from "../institutions/index.ts";
import "./errors.ts";

/** The most active users a platform can declare: above the population of any country. */
export const active_users_declared_max = 2_000_000_000;

export interface MandateInput {
  readonly institution_id: string;
  /** The day by which the platform must furnish, YYYY-MM-DD. */
  readonly deadline: string;
  readonly active_users_declared: number;
  /** When the platform was connected to the exchange; null while it is not. */
  readonly onboarded_at?: Date | null | undefined;
}

export interface Mandate {
  readonly institution_id: string;
  readonly deadline: string;
  readonly active_users_declared: number;
  readonly onboarded_at: Date | null;
  readonly updated_at: Date;
  /** The institution (bureau or regulator) that set the mandate, or "demo" for the demo world. */
  readonly updated_by: string;
}

type MandateRow = Omit<Mandate, "active_users_declared"> & { active_users_declared: bigint };

const columns =
  "institution_id, deadline::text AS deadline, active_users_declared, onboarded_at, updated_at, updated_by";
const fromRow = (row: MandateRow): Mandate => ({
  ...row,
  active_users_declared: Number(row.active_users_declared),
});

/**
 * Places a platform under the mandate or replaces its mandate.
 * Errors: INSTITUTION_UNKNOWN, INSTITUTION_REMOVED, MANDATE_NOT_FURNISHER.
 */
export async function putMandate(
  db: Database,
  clock: Clock,
  input: MandateInput,
  updated_by: string,
): Promise<Mandate> {
  assert.ok(Number.isSafeInteger(input.active_users_declared));
  assert.ok(input.active_users_declared >= 1 && input.active_users_declared <= active_users_declared_max);
  assert.match(input.deadline, /^\d{4}-\d{2}-\d{2}$/);
  const institution = await getInstitution(db.kysely, input.institution_id);
  if (institution.removed_at) {
    throw new ApiError("INSTITUTION_REMOVED", `Institution ${institution.id} was removed.`);
  }
  if (!institution.roles.includes("furnisher")) {
    throw new ApiError("MANDATE_NOT_FURNISHER", `Institution ${institution.id} does not furnish data.`);
  }
  const [row] = await db.query<MandateRow>(
    `INSERT INTO mandates (institution_id, deadline, active_users_declared, onboarded_at, updated_at, updated_by)
     VALUES ($1, $2::date, $3, $4, $5, $6)
     ON CONFLICT (institution_id) DO UPDATE SET deadline = EXCLUDED.deadline,
       active_users_declared = EXCLUDED.active_users_declared, onboarded_at = EXCLUDED.onboarded_at,
       updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by
     RETURNING ${columns}`,
    [
      input.institution_id,
      input.deadline,
      input.active_users_declared,
      input.onboarded_at ?? null,
      clock.now(),
      updated_by,
    ],
  );
  assert.ok(row);
  return fromRow(row);
}

export async function listMandates(db: Pick<Database, "query">): Promise<Mandate[]> {
  const rows = await db.query<MandateRow>(`SELECT ${columns} FROM mandates ORDER BY institution_id`);
  return rows.map(fromRow);
}

/** Places the demo world's platforms under the mandate; running it again replaces their mandates. */
export async function seedDemoMandates(
  db: Database,
  clock: Clock,
  platforms: readonly MandateInput[],
): Promise<Mandate[]> {
  const mandates: Mandate[] = [];
  for (const platform of platforms) mandates.push(await putMandate(db, clock, platform, "demo"));
  return mandates;
}
