// The operator's issuance of a personal-portal token, after checking the person's identity out of band.
import { z } from "zod";
import { subjectIdentifierSchema } from "../consent/consent-routes.ts";
import { requireRoles } from "../http/auth.ts";
import type { RouteModule } from "../http/context.ts";
import { ApiError } from "../http/errors.ts";
import { resolveSubjectKey } from "../identity/subject-identity.ts";
import { getPersonalData } from "../identity/vault.ts";
import { issueSubjectToken } from "../institutions/institutions.ts";

/** The longest a personal token may stay valid; a person asks the operator again after that. */
export const subject_token_days_max = 365;
export const subject_token_days_default = 90;

export const subjectTokenRoutes: RouteModule = (app, ctx) => {
  app.post(
    "/v1/subjects/tokens",
    {
      onRequest: requireRoles(ctx, "bureau"),
      schema: {
        tags: ["portals"],
        summary: "Issue a personal token for a person whose identity the operator has checked",
        description:
          "The token (shown once) signs the person in to the personal portal. The identity check itself happens " +
          "outside Credence. Errors: IDENTIFIER_INVALID, IDENTIFIER_TYPE_NOT_IN_REGIME, SUBJECT_UNKNOWN.",
        body: z.strictObject({
          subject: subjectIdentifierSchema,
          valid_days: z.number().int().min(1).max(subject_token_days_max).default(subject_token_days_default),
        }),
        response: {
          201: z.object({ token_id: z.string(), token: z.string(), expires_at: z.date() }),
        },
      },
    },
    async (request, reply) => {
      const now = ctx.clock.now();
      const subject_key = resolveSubjectKey(ctx.keyring, ctx.config.regime, request.body.subject, now);
      // A token belongs to a person the bureau holds: their identity came with a furnished subject record.
      if (!(await getPersonalData(ctx.db, ctx.keyring, subject_key))) {
        throw new ApiError("SUBJECT_UNKNOWN", "The bureau holds no record of this person.");
      }
      const issued = await issueSubjectToken(ctx.db.kysely, subject_key, ctx.clock, request.body.valid_days);
      return reply
        .status(201)
        .send({ token_id: issued.id, token: issued.token, expires_at: issued.expires_at });
    },
  );
};
