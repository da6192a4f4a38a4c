// HTTP routes for institutions, their stakes and their API keys.
import { z } from "zod";
import { institutionOf, requireAny, requireRoles } from "../http/auth.ts";
import type { RouteModule } from "../http/context.ts";
import { ApiError } from "../http/errors.ts";
import {
  createApiKey,
  createInstitution,
  declareStake,
  getInstitution,
  institutionKinds,
  listApiKeys,
  listInstitutions,
  removeInstitution,
  revokeApiKey,
  roles,
} from "./institutions.ts";

const institutionId = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "lowercase letters, digits and hyphens");
const keyId = z.string().regex(/^[a-f0-9]{16}$/, "16 hexadecimal characters");

const institutionSchema = z.object({
  id: z.string(),
  name: z.string(),
  legal_id: z.string(),
  roles: z.array(z.enum(roles)),
  kind: z.enum(institutionKinds),
  stake_bp: z.number().int(),
  created_at: z.date(),
  removed_at: z.date().nullable(),
});

const keySchema = z.object({
  id: z.string(),
  institution_id: z.string(),
  roles: z.array(z.enum(roles)),
  label: z.string(),
  created_at: z.date(),
  revoked_at: z.date().nullable(),
  last_used_at: z.date().nullable(),
});

export const institutionRoutes: RouteModule = (app, ctx) => {
  const { kysely } = ctx.db;
  const tags = ["institutions"];

  app.get(
    "/v1/me",
    {
      onRequest: requireAny(ctx),
      schema: {
        tags,
        summary: "Who the credential acts as",
        response: {
          200: z.object({
            kind: z.enum(["institution", "subject"]),
            institution: institutionSchema.optional(),
            key_roles: z.array(z.enum(roles)).optional(),
          }),
        },
      },
    },
    async (request) => {
      if (request.principal?.kind === "subject") return { kind: "subject" as const };
      const principal = institutionOf(request);
      return {
        kind: "institution" as const,
        institution: await getInstitution(kysely, principal.institution_id),
        key_roles: [...principal.roles],
      };
    },
  );

  app.get(
    "/v1/institutions",
    {
      onRequest: requireRoles(ctx, "bureau", "regulator"),
      schema: {
        tags,
        summary: "All participants",
        response: { 200: z.object({ items: z.array(institutionSchema) }) },
      },
    },
    async () => ({ items: await listInstitutions(kysely) }),
  );

  app.post(
    "/v1/institutions",
    {
      onRequest: requireRoles(ctx, "bureau"),
      schema: {
        tags,
        summary: "Admit an institution",
        body: z.strictObject({
          id: institutionId,
          name: z.string().min(1).max(200),
          legal_id: z.string().min(1).max(64),
          roles: z.array(z.enum(roles)).min(1).max(4),
          kind: z.enum(institutionKinds),
          stake_bp: z.number().int().min(1).max(10_000).optional(),
        }),
        response: { 201: institutionSchema },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createInstitution(kysely, request.body, ctx.clock)),
  );

  app.put(
    "/v1/institutions/:id/stake",
    {
      onRequest: requireRoles(ctx, "bureau"),
      schema: {
        tags,
        summary: "Declare an ownership stake in the bureau",
        params: z.object({ id: institutionId }),
        body: z.strictObject({ share_bp: z.number().int().min(1).max(10_000) }),
        response: { 200: institutionSchema },
      },
    },
    async (request) => {
      await getInstitution(kysely, request.params.id);
      await declareStake(kysely, request.params.id, request.body.share_bp, ctx.clock);
      return getInstitution(kysely, request.params.id);
    },
  );

  app.delete(
    "/v1/institutions/:id",
    {
      onRequest: requireRoles(ctx, "bureau"),
      schema: {
        tags,
        summary: "Remove an institution from the exchange",
        params: z.object({ id: institutionId }),
      },
    },
    async (request, reply) => {
      await removeInstitution(kysely, request.params.id, ctx.clock);
      return reply.status(204).send();
    },
  );

  app.post(
    "/v1/institutions/:id/keys",
    {
      onRequest: requireRoles(ctx, "bureau"),
      schema: {
        tags,
        summary: "Create an API key (the token is shown once)",
        params: z.object({ id: institutionId }),
        body: z.strictObject({
          roles: z.array(z.enum(roles)).min(1).max(4).optional(),
          label: z.string().max(100).optional(),
        }),
        response: { 201: keySchema.extend({ token: z.string() }) },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await createApiKey(kysely, { institution_id: request.params.id, ...request.body }, ctx.clock)),
  );

  app.get(
    "/v1/institutions/:id/keys",
    {
      onRequest: requireRoles(ctx, "bureau", "furnisher", "lender", "regulator"),
      schema: {
        tags,
        summary: "An institution's API keys (never their secrets)",
        params: z.object({ id: institutionId }),
        response: { 200: z.object({ items: z.array(keySchema) }) },
      },
    },
    async (request) => {
      const principal = institutionOf(request);
      if (!principal.roles.includes("bureau") && principal.institution_id !== request.params.id) {
        throw new ApiError("INSTITUTION_FORBIDDEN", "An institution may list only its own keys.");
      }
      return { items: await listApiKeys(kysely, request.params.id) };
    },
  );

  app.delete(
    "/v1/keys/:id",
    {
      onRequest: requireRoles(ctx, "bureau", "furnisher", "lender", "regulator"),
      schema: {
        tags,
        summary: "Revoke an API key",
        params: z.object({ id: keyId }),
        response: { 200: keySchema },
      },
    },
    async (request) => {
      const principal = institutionOf(request);
      const own = (await listApiKeys(kysely, principal.institution_id)).some(
        (key) => key.id === request.params.id,
      );
      if (!principal.roles.includes("bureau") && !own) {
        throw new ApiError("KEY_UNKNOWN", `There is no API key ${request.params.id} of yours.`);
      }
      return revokeApiKey(kysely, request.params.id, ctx.clock);
    },
  );
};
