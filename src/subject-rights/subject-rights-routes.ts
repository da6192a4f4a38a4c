// HTTP routes for data subjects (own report, disclosures with proof, disputes, personal statement) and for
// furnishers (disclosures of their records, disputes about their items, answers).
import type { FastifyRequest } from "fastify";
import { z } from "zod";
import { institutionOf, requireRoles, requireSubject, subjectOf } from "../http/auth.ts";
import type { RouteModule } from "../http/context.ts";
import { renderReportHtml } from "../reports/report-html.ts";
import { disclosures_page_max, furnisherDisclosures, subjectDisclosures } from "./disclosures.ts";
import {
  answerDispute,
  dispute_id_pattern,
  dispute_note_chars_max,
  dispute_outcomes,
  dispute_reason_chars_max,
  disputeOfSubject,
  disputes_page_max,
  disputesOfFurnisher,
  disputesOfSubject,
  openDispute,
} from "./disputes.ts";
import { ownReport, ownReportAllowance } from "./own-report.ts";
import { deleteStatement, getStatement, putStatement } from "./personal-statement.ts";
import { item_pattern } from "./report-items.ts";

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "YYYY-MM");
const disputeId = z.object({
  id: z.string().regex(dispute_id_pattern, "dp_ followed by 24 hexadecimal characters"),
});

// The principal's key is a Uint8Array on PGlite and a Buffer on PostgreSQL; the domain works on Buffers.
const subjectKey = (request: FastifyRequest): Buffer => Buffer.from(subjectOf(request).subject_key);

export const subjectRightsRoutes: RouteModule = (app, ctx) => {
  const tags = ["subject rights"];

  app.get(
    "/v1/me/report",
    {
      onRequest: requireSubject(ctx),
      schema: {
        tags,
        summary: "My own credit report: everything the bureau holds about me",
        description:
          "Free for the regime's number of copies per calendar year (2 cn, 1 us), then priced: a paid copy is made " +
          "only when accept_price_minor is at least the price, which GET /v1/me/allowance and the " +
          "PRICE_NOT_ACCEPTED problem name. Add format=html for a printable page.",
        querystring: z.strictObject({
          format: z.enum(["json", "html"]).default("json"),
          accept_price_minor: z
            .string()
            .regex(/^\d{1,18}$/, "an integer in minor units")
            .optional(),
        }),
      },
    },
    async (request, reply) => {
      const accept = request.query.accept_price_minor;
      const answer = await ownReport(
        ctx,
        subjectKey(request),
        accept === undefined ? undefined : BigInt(accept),
      );
      if (request.query.format === "html") {
        return reply.type("text/html; charset=utf-8").send(renderReportHtml(answer.report));
      }
      return answer;
    },
  );

  app.get(
    "/v1/me/allowance",
    {
      onRequest: requireSubject(ctx),
      schema: { tags, summary: "Free own-report copies left this year, and the price after them" },
    },
    async (request) => ownReportAllowance(ctx.db, ctx.config.regime, subjectKey(request), ctx.clock.now()),
  );

  app.get(
    "/v1/me/disclosures",
    {
      onRequest: requireSubject(ctx),
      schema: {
        tags,
        summary: "Every disclosure of my data, each with its entry, salt and inclusion proof",
        description:
          "Proofs lead to the latest signed checkpoint, its note carrying every witness cosignature received for it, " +
          "so the bureau's public key (and the witnesses' keys) are all a verifier needs. The salt and the pseudonym " +
          "open each entry's subject commitment. Disclosures not yet in a checkpoint are listed as pending.",
        querystring: z.strictObject({
          after: z.coerce.number().int().min(-1).default(-1),
          limit: z.coerce.number().int().min(1).max(disclosures_page_max).default(100),
        }),
      },
    },
    async (request) => ({
      log_origin: ctx.config.log_origin,
      ...(await subjectDisclosures(ctx, subjectKey(request), request.query)),
    }),
  );

  app.post(
    "/v1/me/disputes",
    {
      onRequest: requireSubject(ctx),
      schema: {
        tags,
        summary: "Dispute an item of my report",
        description:
          "The item is an account or statement key from my report. It shows as disputed in every report at once; " +
          "its furnisher must answer within the regime's deadline (20 days cn, 30 us), after which the item is " +
          "suppressed from lenders' reports until answered. Errors: DISPUTE_ITEM_NOT_YOURS, DISPUTE_EXISTS.",
        body: z.strictObject({
          item: z
            .string()
            .regex(item_pattern, "account:<furnisher>:<ref> or statement:<furnisher>:<ref>:<YYYY-MM>"),
          reason: z.string().trim().min(1).max(dispute_reason_chars_max),
        }),
      },
    },
    async (request, reply) => {
      const dispute = await openDispute(
        ctx.db,
        ctx.config.regime,
        subjectKey(request),
        request.body,
        ctx.clock.now(),
      );
      return reply.status(201).send(dispute);
    },
  );

  app.get(
    "/v1/me/disputes",
    { onRequest: requireSubject(ctx), schema: { tags, summary: "Every dispute I filed, with outcomes" } },
    async (request) => ({
      items: await disputesOfSubject(ctx.db, subjectKey(request), ctx.clock.now()),
    }),
  );

  app.get(
    "/v1/me/disputes/:id",
    {
      onRequest: requireSubject(ctx),
      schema: { tags, summary: "One of my disputes", params: disputeId },
    },
    async (request) => disputeOfSubject(ctx.db, subjectKey(request), request.params.id, ctx.clock.now()),
  );

  app.get(
    "/v1/me/statement",
    { onRequest: requireSubject(ctx), schema: { tags, summary: "My personal statement, if any" } },
    async (request) => ({ statement: (await getStatement(ctx.db, subjectKey(request))) ?? null }),
  );

  app.put(
    "/v1/me/statement",
    {
      onRequest: requireSubject(ctx),
      schema: {
        tags,
        summary: "Set my personal statement (at most 500 characters), shown in every report about me",
        body: z.strictObject({ text: z.string() }),
      },
    },
    async (request) => ({
      statement: await putStatement(ctx.db, subjectKey(request), request.body.text, ctx.clock.now()),
    }),
  );

  app.delete(
    "/v1/me/statement",
    { onRequest: requireSubject(ctx), schema: { tags, summary: "Remove my personal statement" } },
    async (request, reply) => {
      await deleteStatement(ctx.db, subjectKey(request));
      return reply.status(204).send();
    },
  );

  app.get(
    "/v1/furnishers/me/disclosures",
    {
      onRequest: requireRoles(ctx, "furnisher"),
      schema: {
        tags,
        summary: "Every disclosure that drew on my records, by lender and month",
        querystring: z.strictObject({ month: month.optional() }),
      },
    },
    async (request) => ({
      items: await furnisherDisclosures(ctx.db, institutionOf(request).institution_id, request.query.month),
    }),
  );

  app.get(
    "/v1/furnishers/me/disputes",
    {
      onRequest: requireRoles(ctx, "furnisher"),
      schema: {
        tags,
        summary: "Disputes about my items: open ones by deadline, or answered ones",
        querystring: z.strictObject({
          status: z.enum(["open", "answered", "all"]).default("open"),
          limit: z.coerce.number().int().min(1).max(disputes_page_max).default(100),
        }),
      },
    },
    async (request) => ({
      items: await disputesOfFurnisher(
        ctx.db,
        institutionOf(request).institution_id,
        request.query,
        ctx.clock.now(),
      ),
    }),
  );

  app.post(
    "/v1/disputes/:id/answer",
    {
      onRequest: requireRoles(ctx, "furnisher"),
      schema: {
        tags,
        summary:
          "Answer a dispute about my item: confirmed, or corrected (the correction comes as a submission)",
        description:
          "An answer after the deadline is accepted and flagged answered_late for good. " +
          "Errors: DISPUTE_UNKNOWN, DISPUTE_NOT_YOURS, DISPUTE_ANSWERED.",
        params: disputeId,
        body: z.strictObject({
          outcome: z.enum(dispute_outcomes),
          note: z.string().trim().min(1).max(dispute_note_chars_max),
        }),
      },
    },
    async (request) =>
      answerDispute(
        ctx.db,
        institutionOf(request).institution_id,
        request.params.id,
        request.body,
        ctx.clock.now(),
      ),
  );
};
