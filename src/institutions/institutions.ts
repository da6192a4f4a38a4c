// Institutions, their roles and ownership stakes, and the keys they authenticate with.
import type { Kysely } from "kysely";
import type { Clock } from "../config/clock.ts";
import { referenceDataChanged } from "../db/reference-cache.ts";
import { ApiError } from "../http/errors.ts";
import { mintCredential, parseCredential, secretMatches } from "./credentials.ts";

export const roles = ["furnisher", "lender", "bureau", "regulator"] as const;
export type Role = (typeof roles)[number];
export const institutionKinds = ["platform", "bank", "small_lender", "bureau", "regulator"] as const;
export type InstitutionKind = (typeof institutionKinds)[number];

export interface Institution {
  readonly id: string;
  readonly name: string;
  readonly legal_id: string;
  readonly roles: Role[];
  readonly kind: InstitutionKind;
  readonly created_at: Date;
  readonly removed_at: Date | null;
  /** Declared stake in the bureau, in basis points (2500 = 25%); 0 when none. */
  readonly stake_bp: number;
}

export type InstitutionTables = {
  institutions: {
    id: string;
    name: string;
    legal_id: string;
    roles: Role[];
    kind: InstitutionKind;
    created_at: Date;
    removed_at: Date | null;
  };
  ownership_stakes: { holder_id: string; share_bp: number; declared_at: Date };
  api_keys: {
    id: string;
    institution_id: string;
    secret_sha256: Buffer;
    roles: Role[];
    label: string;
    created_at: Date;
    revoked_at: Date | null;
    last_used_at: Date | null;
  };
  subject_tokens: {
    id: string;
    subject_key: Buffer;
    secret_sha256: Buffer;
    created_at: Date;
    expires_at: Date;
    revoked_at: Date | null;
    last_used_at: Date | null;
  };
};

// biome-ignore lint/complexity/noBannedTypes: any Kysely instance; this module names its own tables.
type AnyKysely = Kysely<{}>;
const tables = (kysely: AnyKysely) => kysely.withTables<InstitutionTables>();

export interface NewInstitution {
  readonly id: string;
  readonly name: string;
  readonly legal_id: string;
  readonly roles: readonly Role[];
  readonly kind: InstitutionKind;
  readonly stake_bp?: number | undefined;
}

export async function createInstitution(
  kysely: AnyKysely,
  input: NewInstitution,
  clock: Clock,
): Promise<Institution> {
  const db = tables(kysely);
  const clash = await db
    .selectFrom("institutions")
    .select("id")
    .where((eb) => eb.or([eb("id", "=", input.id), eb("legal_id", "=", input.legal_id)]))
    .executeTakeFirst();
  if (clash)
    throw new ApiError(
      "INSTITUTION_EXISTS",
      `An institution with id or legal identifier of ${input.id} exists.`,
    );
  await db
    .insertInto("institutions")
    .values({
      id: input.id,
      name: input.name,
      legal_id: input.legal_id,
      roles: [...new Set(input.roles)],
      kind: input.kind,
      created_at: clock.now(),
      removed_at: null,
    })
    .execute();
  referenceDataChanged();
  if (input.stake_bp) await declareStake(kysely, input.id, input.stake_bp, clock);
  return getInstitution(kysely, input.id);
}

export async function declareStake(
  kysely: AnyKysely,
  holder_id: string,
  share_bp: number,
  clock: Clock,
): Promise<void> {
  const db = tables(kysely);
  const others = await db
    .selectFrom("ownership_stakes")
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>("share_bp"), eb.lit(0)).as("total"))
    .where("holder_id", "!=", holder_id)
    .executeTakeFirstOrThrow();
  if (
    !Number.isInteger(share_bp) ||
    share_bp < 1 ||
    share_bp > 10_000 ||
    Number(others.total) + share_bp > 10_000
  ) {
    throw new ApiError("STAKE_INVALID", `A stake of ${share_bp} basis points does not fit.`);
  }
  await db
    .insertInto("ownership_stakes")
    .values({ holder_id, share_bp, declared_at: clock.now() })
    .onConflict((oc) => oc.column("holder_id").doUpdateSet({ share_bp, declared_at: clock.now() }))
    .execute();
  referenceDataChanged();
}

export async function listInstitutions(kysely: AnyKysely): Promise<Institution[]> {
  const rows = await tables(kysely)
    .selectFrom("institutions")
    .leftJoin("ownership_stakes", "ownership_stakes.holder_id", "institutions.id")
    .selectAll("institutions")
    .select("ownership_stakes.share_bp")
    .orderBy("institutions.id")
    .execute();
  return rows.map(({ share_bp, ...row }) => ({ ...row, stake_bp: share_bp ?? 0 }));
}

export async function findInstitution(kysely: AnyKysely, id: string): Promise<Institution | undefined> {
  const row = await tables(kysely)
    .selectFrom("institutions")
    .leftJoin("ownership_stakes", "ownership_stakes.holder_id", "institutions.id")
    .selectAll("institutions")
    .select("ownership_stakes.share_bp")
    .where("institutions.id", "=", id)
    .executeTakeFirst();
  if (!row) return undefined;
  const { share_bp, ...rest } = row;
  return { ...rest, stake_bp: share_bp ?? 0 };
}

export async function getInstitution(kysely: AnyKysely, id: string): Promise<Institution> {
  const found = await findInstitution(kysely, id);
  if (!found) throw new ApiError("INSTITUTION_UNKNOWN", `There is no institution ${id}.`);
  return found;
}

/** Removes an institution from the exchange: its keys stop working; its history stays. */
export async function removeInstitution(kysely: AnyKysely, id: string, clock: Clock): Promise<void> {
  await getInstitution(kysely, id);
  const now = clock.now();
  await tables(kysely).updateTable("institutions").set({ removed_at: now }).where("id", "=", id).execute();
  await tables(kysely)
    .updateTable("api_keys")
    .set({ revoked_at: now })
    .where("institution_id", "=", id)
    .where("revoked_at", "is", null)
    .execute();
  referenceDataChanged();
}

export interface ApiKeyInfo {
  readonly id: string;
  readonly institution_id: string;
  readonly roles: Role[];
  readonly label: string;
  readonly created_at: Date;
  readonly revoked_at: Date | null;
  readonly last_used_at: Date | null;
}

/** Creates an API key scoped to the institution and some or all of its roles; the token is shown once. */
export async function createApiKey(
  kysely: AnyKysely,
  input: { institution_id: string; roles?: readonly Role[] | undefined; label?: string | undefined },
  clock: Clock,
): Promise<ApiKeyInfo & { token: string }> {
  const institution = await getInstitution(kysely, input.institution_id);
  if (institution.removed_at)
    throw new ApiError("INSTITUTION_REMOVED", `Institution ${institution.id} was removed.`);
  const key_roles = [...new Set(input.roles ?? institution.roles)];
  const foreign = key_roles.filter((role) => !institution.roles.includes(role));
  if (foreign.length > 0) {
    throw new ApiError(
      "ROLE_NOT_HELD",
      `Institution ${institution.id} does not hold the role ${foreign.join(", ")}.`,
    );
  }
  const minted = mintCredential("api_key");
  const row = {
    id: minted.id,
    institution_id: institution.id,
    secret_sha256: minted.secret_sha256,
    roles: key_roles,
    label: input.label ?? "",
    created_at: clock.now(),
    revoked_at: null,
    last_used_at: null,
  };
  await tables(kysely).insertInto("api_keys").values(row).execute();
  const { secret_sha256: _hash, ...info } = row;
  return { ...info, token: minted.token };
}

export async function listApiKeys(kysely: AnyKysely, institution_id?: string): Promise<ApiKeyInfo[]> {
  let query = tables(kysely)
    .selectFrom("api_keys")
    .select(["id", "institution_id", "roles", "label", "created_at", "revoked_at", "last_used_at"])
    .orderBy("created_at");
  if (institution_id) query = query.where("institution_id", "=", institution_id);
  return query.execute();
}

export async function revokeApiKey(kysely: AnyKysely, key_id: string, clock: Clock): Promise<ApiKeyInfo> {
  const updated = await tables(kysely)
    .updateTable("api_keys")
    .set((eb) => ({ revoked_at: eb.fn.coalesce("revoked_at", eb.val(clock.now())) }))
    .where("id", "=", key_id)
    .returning(["id", "institution_id", "roles", "label", "created_at", "revoked_at", "last_used_at"])
    .executeTakeFirst();
  if (!updated) throw new ApiError("KEY_UNKNOWN", `There is no API key ${key_id}.`);
  referenceDataChanged();
  return updated;
}

export type Principal =
  | {
      readonly kind: "institution";
      readonly institution_id: string;
      readonly roles: readonly Role[];
      readonly key_id: string;
    }
  | { readonly kind: "subject"; readonly subject_key: Buffer; readonly token_id: string };

// Writing last_used_at on every request would turn every read into a write; once a minute is enough.
const last_used_resolution_ms = 60_000;

/** Resolves a bearer credential to a principal, or throws the matching AUTH_* error. */
export async function authenticate(kysely: AnyKysely, token: string, clock: Clock): Promise<Principal> {
  const parsed = parseCredential(token);
  if (!parsed)
    throw new ApiError("AUTH_INVALID", "The credential is not a Credence API key or personal token.");
  const now = clock.now();
  if (parsed.kind === "api_key") {
    const row = await tables(kysely)
      .selectFrom("api_keys")
      .selectAll()
      .where("id", "=", parsed.id)
      .executeTakeFirst();
    if (!row || !secretMatches(parsed.secret, row.secret_sha256)) {
      throw new ApiError("AUTH_INVALID", "The API key is unknown.");
    }
    if (row.revoked_at) throw new ApiError("AUTH_REVOKED", "The API key has been revoked.");
    if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > last_used_resolution_ms) {
      await tables(kysely)
        .updateTable("api_keys")
        .set({ last_used_at: now })
        .where("id", "=", row.id)
        .execute();
    }
    return { kind: "institution", institution_id: row.institution_id, roles: row.roles, key_id: row.id };
  }
  const row = await tables(kysely)
    .selectFrom("subject_tokens")
    .selectAll()
    .where("id", "=", parsed.id)
    .executeTakeFirst();
  if (!row || !secretMatches(parsed.secret, row.secret_sha256)) {
    throw new ApiError("AUTH_INVALID", "The personal token is unknown.");
  }
  if (row.revoked_at) throw new ApiError("AUTH_REVOKED", "The personal token has been revoked.");
  if (row.expires_at <= now) throw new ApiError("AUTH_EXPIRED", "The personal token has expired.");
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > last_used_resolution_ms) {
    await tables(kysely)
      .updateTable("subject_tokens")
      .set({ last_used_at: now })
      .where("id", "=", row.id)
      .execute();
  }
  return { kind: "subject", subject_key: row.subject_key, token_id: row.id };
}

/** Issues a personal-portal token for a subject, after the operator has checked their identity. */
export async function issueSubjectToken(
  kysely: AnyKysely,
  subject_key: Buffer,
  clock: Clock,
  valid_days = 90,
): Promise<{ id: string; token: string; expires_at: Date }> {
  const minted = mintCredential("subject_token");
  const now = clock.now();
  const expires_at = new Date(now.getTime() + valid_days * 86_400_000);
  await tables(kysely)
    .insertInto("subject_tokens")
    .values({
      id: minted.id,
      subject_key,
      secret_sha256: minted.secret_sha256,
      created_at: now,
      expires_at,
      revoked_at: null,
      last_used_at: null,
    })
    .execute();
  return { id: minted.id, token: minted.token, expires_at };
}
