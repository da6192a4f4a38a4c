// The model registry: versioned scorecards per regime and kind, one champion each, challengers beside it.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { Database } from "../db/database.ts";
import { ApiError, registerErrorCodes } from "../http/errors.ts";
import { parseModel, type ScorecardModel } from "./model-schema.ts";

registerErrorCodes({
  MODEL_UNKNOWN: { status: 404, title: "No registered model has this version" },
});

export const model_kinds = ["full", "thin_file"] as const;
export type ModelKind = (typeof model_kinds)[number];
export const model_roles = ["champion", "challenger", "retired"] as const;
export type ModelRole = (typeof model_roles)[number];

export const model_version_pattern = /^[a-z0-9][a-z0-9-]{2,79}$/;

export interface ModelSummary {
  readonly version: string;
  readonly regime: string;
  readonly kind: ModelKind;
  readonly role: ModelRole;
  readonly name: string;
  readonly features: readonly string[];
  readonly auc_out_of_fold: number;
  readonly created_at: Date;
  readonly promoted_at: Date | null;
}

export interface ModelRecord extends ModelSummary {
  readonly model: ScorecardModel;
  readonly model_card: string;
  readonly metrics: Record<string, unknown>;
  readonly training: Record<string, unknown>;
}

export interface NewModel {
  readonly model: ScorecardModel;
  readonly regime: string;
  readonly kind: ModelKind;
  // A new champion retires the one it replaces; a challenger is scored in shadow only.
  readonly role: "champion" | "challenger";
  readonly created_at: Date;
  // Figures beyond the model's own metrics, such as a hold-out check on another population.
  readonly metrics?: Record<string, unknown>;
  readonly training?: Record<string, unknown>;
}

type Db = Pick<Database, "query" | "transaction">;

// The version names the regime, kind and time, and ends in a digest of the model so that two models
// registered in the same second still differ, while registering the same model again is a no-op.
function versionOf(input: NewModel, json: string): string {
  const stamp = input.created_at.toISOString().replace(/[-:]/g, "").slice(0, 15).toLowerCase();
  const digest = createHash("sha256").update(json).digest("hex").slice(0, 8);
  const version = `${input.regime}-${input.kind.replace("_", "-")}-${stamp}-${digest}`;
  assert.match(version, model_version_pattern, "regimes are lowercase codes");
  return version;
}

export async function registerModel(db: Db, input: NewModel): Promise<ModelSummary> {
  const model = parseModel(input.model);
  const json = JSON.stringify(model);
  const version = versionOf(input, json);
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO scoring_models (version, regime, kind, role, model, model_card, metrics, training, created_at)
       VALUES ($1, $2, $3, 'challenger', $4::jsonb, $5, $6::jsonb, $7::jsonb, $8)
       ON CONFLICT (version) DO NOTHING`,
      [
        version,
        input.regime,
        input.kind,
        json,
        model.model_card,
        JSON.stringify({ ...model.metrics, ...input.metrics }),
        JSON.stringify(input.training ?? {}),
        input.created_at,
      ],
    );
    if (input.role === "champion") await promoteIn(tx, version, input.created_at);
  });
  return modelSummary(db, version);
}

// Retires the current champion of the model's regime and kind and crowns the model, in one
// transaction. Locking every row of that regime and kind first makes concurrent promotions take
// turns; the partial unique index is the backstop that makes two champions impossible.
async function promoteIn(tx: Pick<Database, "query">, version: string, now: Date): Promise<void> {
  const [target] = await tx.query<{ regime: string; kind: string; role: string }>(
    "SELECT regime, kind, role FROM scoring_models WHERE version = $1",
    [version],
  );
  if (target === undefined) throw new ApiError("MODEL_UNKNOWN", `No model has version ${version}.`);
  await tx.query("SELECT version FROM scoring_models WHERE regime = $1 AND kind = $2 FOR UPDATE", [
    target.regime,
    target.kind,
  ]);
  await tx.query(
    `UPDATE scoring_models SET role = 'retired'
     WHERE regime = $1 AND kind = $2 AND role = 'champion' AND version <> $3`,
    [target.regime, target.kind, version],
  );
  await tx.query(
    `UPDATE scoring_models SET role = 'champion', promoted_at = $2
     WHERE version = $1 AND role <> 'champion'`,
    [version, now],
  );
}

/** Makes the model the champion of its regime and kind; promoting the champion again changes nothing. */
export async function promoteChampion(db: Db, version: string, now: Date): Promise<ModelSummary> {
  await db.transaction((tx) => promoteIn(tx, version, now));
  return modelSummary(db, version);
}

const summary_columns = `version, regime, kind, role, model->>'name' AS name,
  model->'features' AS features, (metrics->'out_of_fold'->>'auc')::float8 AS auc, created_at, promoted_at`;

function toSummary(row: Record<string, unknown>): ModelSummary {
  return {
    version: row.version as string,
    regime: row.regime as string,
    kind: row.kind as ModelKind,
    role: row.role as ModelRole,
    name: row.name as string,
    features: (row.features as { name: string }[]).map((feature) => feature.name),
    auc_out_of_fold: row.auc as number,
    created_at: new Date(row.created_at as Date),
    promoted_at: row.promoted_at === null ? null : new Date(row.promoted_at as Date),
  };
}

export async function listModels(
  db: Pick<Database, "query">,
  filter: { readonly regime?: string; readonly kind?: ModelKind; readonly role?: ModelRole } = {},
): Promise<ModelSummary[]> {
  const rows = await db.query(
    `SELECT ${summary_columns} FROM scoring_models
     WHERE ($1::text IS NULL OR regime = $1) AND ($2::text IS NULL OR kind = $2) AND ($3::text IS NULL OR role = $3)
     ORDER BY regime, kind, created_at DESC, version`,
    [filter.regime ?? null, filter.kind ?? null, filter.role ?? null],
  );
  return rows.map(toSummary);
}

export async function modelSummary(db: Pick<Database, "query">, version: string): Promise<ModelSummary> {
  const [row] = await db.query(`SELECT ${summary_columns} FROM scoring_models WHERE version = $1`, [version]);
  if (row === undefined) throw new ApiError("MODEL_UNKNOWN", `No model has version ${version}.`);
  return toSummary(row);
}

export async function getModel(db: Pick<Database, "query">, version: string): Promise<ModelRecord> {
  const [row] = await db.query(
    `SELECT ${summary_columns}, model, model_card, metrics, training FROM scoring_models WHERE version = $1`,
    [version],
  );
  if (row === undefined) throw new ApiError("MODEL_UNKNOWN", `No model has version ${version}.`);
  return {
    ...toSummary(row),
    model: parseModel(row.model),
    model_card: row.model_card as string,
    metrics: row.metrics as Record<string, unknown>,
    training: row.training as Record<string, unknown>,
  };
}

/** The champion of a regime and kind, or undefined when none has been registered. */
export async function championFor(
  db: Pick<Database, "query">,
  regime: string,
  kind: ModelKind,
): Promise<ModelRecord | undefined> {
  const [row] = await db.query<{ version: string }>(
    "SELECT version FROM scoring_models WHERE regime = $1 AND kind = $2 AND role = 'champion'",
    [regime, kind],
  );
  return row === undefined ? undefined : getModel(db, row.version);
}

/** Versions, kinds and roles of a regime's champions and challengers: cheap, for cache checks. */
export async function activeVersions(
  db: Pick<Database, "query">,
  regime: string,
): Promise<{ version: string; kind: ModelKind; role: "champion" | "challenger" }[]> {
  return db.query(
    `SELECT version, kind, role FROM scoring_models WHERE regime = $1 AND role <> 'retired'
     ORDER BY kind, role, version`,
    [regime],
  );
}

/** Parsed models by version, for the versions given. */
export async function modelsByVersion(
  db: Pick<Database, "query">,
  versions: readonly string[],
): Promise<Map<string, ScorecardModel>> {
  const rows = await db.query<{ version: string; model: unknown }>(
    "SELECT version, model FROM scoring_models WHERE version = ANY($1::text[])",
    [versions],
  );
  return new Map(rows.map((row) => [row.version, parseModel(row.model)]));
}
