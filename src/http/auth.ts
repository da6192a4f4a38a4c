// Bearer authentication and role checks, run before the body is read so strangers cannot upload.
import { createHash } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { ReferenceCache } from "../db/reference-cache.ts";
import { parseCredential } from "../institutions/credentials.ts";
import type { Principal, Role } from "../institutions/institutions.ts";
import { authenticate } from "../institutions/institutions.ts";
import type { AppContext } from "./context.ts";
import { ApiError } from "./errors.ts";

declare module "fastify" {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export type InstitutionPrincipal = Extract<Principal, { kind: "institution" }>;
export type SubjectPrincipal = Extract<Principal, { kind: "subject" }>;

function bearer(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (!header) throw new ApiError("AUTH_MISSING", "Send Authorization: Bearer <api key or personal token>.");
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw new ApiError("AUTH_MISSING", "The Authorization header must be 'Bearer <credential>'.");
  return match[1] as string;
}

// A lender's key is checked on every query; the answer is kept for a moment per server (ReferenceCache),
// under a hash of the credential, never the credential itself. Revoking a key or removing an institution
// in this process drops every kept answer at once; another process's revocation holds within a second.
// Personal tokens are always checked afresh: they are few and expire.
const api_keys = new WeakMap<AppContext, ReferenceCache<Principal>>();

async function resolve(ctx: AppContext, request: FastifyRequest): Promise<Principal> {
  if (request.principal) return request.principal;
  const token = bearer(request);
  if (parseCredential(token)?.kind === "api_key") {
    let cache = api_keys.get(ctx);
    if (!cache) {
      cache = new ReferenceCache<Principal>();
      api_keys.set(ctx, cache);
    }
    const hash = createHash("sha256").update(token).digest("base64");
    request.principal = await cache.get(hash, () => authenticate(ctx.db.kysely, token, ctx.clock));
  } else {
    request.principal = await authenticate(ctx.db.kysely, token, ctx.clock);
  }
  return request.principal;
}

/** onRequest hook: an institution key holding at least one of `allowed`. */
export function requireRoles(ctx: AppContext, ...allowed: Role[]) {
  return async (request: FastifyRequest): Promise<void> => {
    const principal = await resolve(ctx, request);
    if (principal.kind !== "institution" || !principal.roles.some((role) => allowed.includes(role))) {
      throw new ApiError("ROLE_FORBIDDEN", `This needs a key with one of the roles: ${allowed.join(", ")}.`);
    }
  };
}

/** onRequest hook: a personal token. */
export function requireSubject(ctx: AppContext) {
  return async (request: FastifyRequest): Promise<void> => {
    const principal = await resolve(ctx, request);
    if (principal.kind !== "subject") throw new ApiError("ROLE_FORBIDDEN", "This needs a personal token.");
  };
}

/** onRequest hook: any valid credential. */
export function requireAny(ctx: AppContext) {
  return async (request: FastifyRequest): Promise<void> => {
    await resolve(ctx, request);
  };
}

export function institutionOf(request: FastifyRequest): InstitutionPrincipal {
  const principal = request.principal;
  if (principal?.kind !== "institution")
    throw new ApiError("ROLE_FORBIDDEN", "This needs an institution key.");
  return principal;
}

export function subjectOf(request: FastifyRequest): SubjectPrincipal {
  const principal = request.principal;
  if (principal?.kind !== "subject") throw new ApiError("ROLE_FORBIDDEN", "This needs a personal token.");
  return principal;
}
