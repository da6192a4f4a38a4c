// HTTP routes for consents: lenders register and revoke them, subjects list and revoke theirs, anyone gets the JWKS.
import { z } from "zod";
import { institutionOf, requireRoles, requireSubject, subjectOf } from "../http/auth.ts";
import type { RouteModule } from "../http/context.ts";
import { ApiError } from "../http/errors.ts";
import { bureauKey } from "../identity/bureau-key.ts";
import { resolveSubjectKey } from "../identity/subject-identity.ts";
import {
  categories,
  consentModes,
  findConsent,
  listConsentsOfLender,
  listConsentsOfSubject,
  publicConsent,
  purposes,
  registerConsent,
  revokeConsent,
} from "./consents.ts";

export const subjectIdentifierSchema = z.strictObject({
  id_type: z.string().min(1).max(32),
  id_number: z.string().min(1).max(64),
});

const consentSchema = z.object({
  id: z.string(),
  lender_id: z.string(),
  purpose: z.enum(purposes),
  categories: z.array(z.enum(categories)),
  mode: z.enum(consentModes),
  starts_at: z.date(),
  expires_at: z.date(),
  evidence_sha256: z.string(),
  evidence_ref: z.string(),
  created_at: z.date(),
  revoked_at: z.date().nullable(),
  revoked_by: z.enum(["subject", "lender"]).nullable(),
  used_at: z.date().nullable(),
  status: z.enum(["active", "revoked", "expired", "used", "not_yet_valid"]),
  jws: z.string(),
  jws_sha256: z.string(),
});

const consentId = z.string().regex(/^cs_[a-f0-9]{24}$/, "cs_ followed by 24 hexadecimal characters");

export const consentRoutes: RouteModule = (app, ctx) => {
  const { kysely } = ctx.db;
  /** One of the lender's own consents, or the error that says why not. */
  const lendersConsent = async (id: string, lender_id: string) => {
    const row = await findConsent(ctx.db, id);
    if (!row) throw new ApiError("CONSENT_UNKNOWN", `There is no consent ${id}.`);
    if (row.lender_id !== lender_id)
      throw new ApiError("CONSENT_NOT_YOURS", "The consent names another lender.");
    return row;
  };
  const tags = ["consents"];

  app.get(
    "/.well-known/jwks.json",
    { schema: { tags, summary: "The bureau's public signing keys", security: [] } },
    async () => ({
      keys: [bureauKey(ctx.keyring).public_jwk],
    }),
  );

  app.post(
    "/v1/consents",
    {
      onRequest: requireRoles(ctx, "lender"),
      schema: {
        tags,
        summary: "Register a consent the subject gave this lender; the bureau returns it signed",
        body: z.strictObject({
          subject: subjectIdentifierSchema,
          purpose: z.enum(purposes),
          categories: z.array(z.enum(categories)).min(1).max(categories.length),
          mode: z.enum(consentModes),
          starts_at: z.iso.datetime({ offset: true }).optional(),
          expires_at: z.iso.datetime({ offset: true }),
          evidence: z.strictObject({
            sha256: z.string().regex(/^[a-f0-9]{64}$/, "64 lowercase hexadecimal characters"),
            ref: z.string().min(1).max(200),
          }),
        }),
        response: { 201: consentSchema },
      },
    },
    async (request, reply) => {
      const lender = institutionOf(request);
      const now = ctx.clock.now();
      const body = request.body;
      const subject_key = resolveSubjectKey(ctx.keyring, ctx.config.regime, body.subject, now);
      const row = await registerConsent(kysely, ctx.keyring, ctx.clock, lender.institution_id, {
        subject_key,
        purpose: body.purpose,
        categories: body.categories,
        mode: body.mode,
        starts_at: body.starts_at ? new Date(body.starts_at) : now,
        expires_at: new Date(body.expires_at),
        evidence_sha256: body.evidence.sha256,
        evidence_ref: body.evidence.ref,
      });
      return reply.status(201).send(publicConsent(row, now));
    },
  );

  app.get(
    "/v1/consents",
    {
      onRequest: requireRoles(ctx, "lender"),
      schema: {
        tags,
        summary: "This lender's latest consents",
        response: { 200: z.object({ items: z.array(consentSchema) }) },
      },
    },
    async (request) => {
      const lender = institutionOf(request);
      const now = ctx.clock.now();
      return {
        items: (await listConsentsOfLender(kysely, lender.institution_id)).map((row) =>
          publicConsent(row, now),
        ),
      };
    },
  );

  app.get(
    "/v1/consents/:id",
    {
      onRequest: requireRoles(ctx, "lender"),
      schema: {
        tags,
        summary: "One of this lender's consents",
        params: z.object({ id: consentId }),
        response: { 200: consentSchema },
      },
    },
    async (request) => {
      const row = await lendersConsent(request.params.id, institutionOf(request).institution_id);
      return publicConsent(row, ctx.clock.now());
    },
  );

  app.post(
    "/v1/consents/:id/revoke",
    {
      onRequest: requireRoles(ctx, "lender"),
      schema: {
        tags,
        summary: "Revoke a consent this lender holds",
        params: z.object({ id: consentId }),
        response: { 200: consentSchema },
      },
    },
    async (request) => {
      const row = await lendersConsent(request.params.id, institutionOf(request).institution_id);
      return publicConsent(await revokeConsent(kysely, row.id, "lender", ctx.clock), ctx.clock.now());
    },
  );

  app.get(
    "/v1/me/consents",
    {
      onRequest: requireSubject(ctx),
      schema: {
        tags,
        summary: "Every consent I gave",
        response: { 200: z.object({ items: z.array(consentSchema) }) },
      },
    },
    async (request) => {
      const subject = subjectOf(request);
      const now = ctx.clock.now();
      return {
        items: (await listConsentsOfSubject(kysely, subject.subject_key)).map((row) =>
          publicConsent(row, now),
        ),
      };
    },
  );

  app.post(
    "/v1/me/consents/:id/revoke",
    {
      onRequest: requireSubject(ctx),
      schema: {
        tags,
        summary: "Revoke a consent I gave",
        params: z.object({ id: consentId }),
        response: { 200: consentSchema },
      },
    },
    async (request) => {
      const subject = subjectOf(request);
      const row = await findConsent(ctx.db, request.params.id);
      if (!row?.subject_key.equals(subject.subject_key)) {
        throw new ApiError("SUBJECT_FORBIDDEN", "A personal token may revoke only its own consents.");
      }
      return publicConsent(await revokeConsent(kysely, row.id, "subject", ctx.clock), ctx.clock.now());
    },
  );
};
