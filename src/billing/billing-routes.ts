// HTTP routes for billing: statements for their owners, totals and verification for the regulator, and
// the bureau's levers (prices, tiers, revenue share, refunds, folding the log).
import type { FastifyReply } from "fastify";
import { z } from "zod";
import { institutionOf, requireRoles } from "../http/auth.ts";
import type { RouteModule } from "../http/context.ts";
import { ApiError } from "../http/errors.ts";
import { foldLog } from "./metering.ts";
import { billedProducts } from "./price-book.ts";
import { addPrice, loadPriceBook, setTierOverride } from "./price-store.ts";
import { refund_reason_chars_max, refundDisclosure } from "./refunds.ts";
import { setRevenueShare, share_bp_max } from "./revenue-share.ts";
import {
  billingJson,
  furnisherStatementCsv,
  furnisherStatementHtml,
  lenderStatementCsv,
  lenderStatementHtml,
  totalsCsv,
  totalsHtml,
} from "./statement-render.ts";
import { billingTotals, furnisherStatement, lenderStatement } from "./statements.ts";
import { verifyMonth } from "./verify.ts";

const institutionId = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "lowercase letters, digits and hyphens");
const tiers = ["standard", "small_lender"] as const;
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a UTC day written YYYY-MM-DD");
// The month stays a plain string here so that a malformed one is a BAD_QUERY from parseMonth, like everywhere.
const statementQuery = z.strictObject({
  month: z.string().optional(),
  format: z.enum(["json", "csv", "html"]).default("json"),
});

type Format = z.infer<typeof statementQuery>["format"];

function sendAs<T>(
  reply: FastifyReply,
  format: Format,
  value: T,
  filename: string,
  csv: (value: T) => string,
  html: (value: T) => string,
) {
  if (format === "csv") {
    return reply
      .type("text/csv; charset=utf-8")
      .header("content-disposition", `attachment; filename="${filename}.csv"`)
      .send(csv(value));
  }
  if (format === "html") return reply.type("text/html; charset=utf-8").send(html(value));
  return reply.type("application/json; charset=utf-8").send(billingJson(value));
}

export const billingRoutes: RouteModule = (app, ctx) => {
  const tags = ["billing"];
  const regime = ctx.config.regime.code;

  app.get(
    "/v1/billing/statements/lenders/:id",
    {
      onRequest: requireRoles(ctx, "lender", "bureau"),
      schema: {
        tags,
        summary: "A lender's monthly statement: charges by product, refunds, net",
        description:
          "For the lender itself or the bureau. ?format=csv or html for a file or a printable page.",
        params: z.object({ id: institutionId }),
        querystring: statementQuery,
      },
    },
    async (request, reply) => {
      const principal = institutionOf(request);
      if (!principal.roles.includes("bureau") && principal.institution_id !== request.params.id) {
        throw new ApiError("INSTITUTION_FORBIDDEN", "A lender may read only its own statements.");
      }
      const statement = await lenderStatement(ctx.db, request.params.id, request.query.month as string);
      return sendAs(
        reply,
        request.query.format,
        statement,
        `statement-${statement.institution_id}-${statement.month}`,
        lenderStatementCsv,
        lenderStatementHtml,
      );
    },
  );

  app.get(
    "/v1/billing/statements/furnishers/:id",
    {
      onRequest: requireRoles(ctx, "furnisher", "bureau"),
      schema: {
        tags,
        summary: "A furnisher's monthly earnings by lender and product",
        description:
          "For the furnisher itself or the bureau. ?format=csv or html for a file or a printable page.",
        params: z.object({ id: institutionId }),
        querystring: statementQuery,
      },
    },
    async (request, reply) => {
      const principal = institutionOf(request);
      if (!principal.roles.includes("bureau") && principal.institution_id !== request.params.id) {
        throw new ApiError("INSTITUTION_FORBIDDEN", "A furnisher may read only its own statements.");
      }
      const statement = await furnisherStatement(ctx.db, request.params.id, request.query.month as string);
      return sendAs(
        reply,
        request.query.format,
        statement,
        `earnings-${statement.institution_id}-${statement.month}`,
        furnisherStatementCsv,
        furnisherStatementHtml,
      );
    },
  );

  app.get(
    "/v1/billing/totals",
    {
      onRequest: requireRoles(ctx, "regulator", "bureau"),
      schema: {
        tags,
        summary: "The month's totals per lender and furnisher, the bureau's revenue, and every account",
        querystring: statementQuery,
      },
    },
    async (request, reply) => {
      const totals = await billingTotals(ctx.db, request.query.month as string);
      return sendAs(
        reply,
        request.query.format,
        totals,
        `billing-totals-${totals.month}`,
        totalsCsv,
        totalsHtml,
      );
    },
  );

  app.get(
    "/v1/billing/verify",
    {
      onRequest: requireRoles(ctx, "regulator", "bureau"),
      schema: {
        tags,
        summary: "Recompute the month from the log and the price book and compare with the ledger",
        querystring: z.strictObject({ month: z.string().optional() }),
      },
    },
    async (request, reply) =>
      reply
        .type("application/json; charset=utf-8")
        .send(billingJson(await verifyMonth(ctx.db, regime, request.query.month as string))),
  );

  app.get(
    "/v1/billing/prices",
    {
      onRequest: requireRoles(ctx, "lender", "furnisher", "bureau", "regulator"),
      schema: { tags, summary: "The price book of this exchange's regime, including announced changes" },
    },
    async (_request, reply) =>
      reply
        .type("application/json; charset=utf-8")
        .send(billingJson({ regime, items: await loadPriceBook(ctx.db, regime) })),
  );

  app.post(
    "/v1/billing/prices",
    {
      onRequest: requireRoles(ctx, "bureau"),
      schema: {
        tags,
        summary: "Announce a price from a future day on (or replace an announced one)",
        body: z.strictObject({
          product: z.enum(billedProducts),
          tier: z.enum(tiers),
          effective_from: day,
          price_minor: z.string().regex(/^(0|[1-9][0-9]{0,18})$/, "whole minor units as a decimal string"),
          currency: z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 code"),
        }),
      },
    },
    async (request, reply) => {
      const entry = await addPrice(
        ctx.db,
        { ...request.body, regime, price_minor: BigInt(request.body.price_minor) },
        ctx.clock,
      );
      return reply.status(201).type("application/json; charset=utf-8").send(billingJson(entry));
    },
  );

  app.put(
    "/v1/billing/tiers/:id",
    {
      onRequest: requireRoles(ctx, "bureau"),
      schema: {
        tags,
        summary: "Put a lender in a price tier from a future day on",
        params: z.object({ id: institutionId }),
        body: z.strictObject({ tier: z.enum(tiers), effective_from: day }),
      },
    },
    async (request) => setTierOverride(ctx.db, { lender_id: request.params.id, ...request.body }, ctx.clock),
  );

  app.put(
    "/v1/billing/revenue-share",
    {
      onRequest: requireRoles(ctx, "bureau"),
      schema: {
        tags,
        summary: "Set the furnishers' share of each price, in basis points, from a future day on",
        body: z.strictObject({ share_bp: z.number().int().min(0).max(share_bp_max), effective_from: day }),
      },
    },
    async (request) => setRevenueShare(ctx.db, request.body, ctx.clock),
  );

  app.post(
    "/v1/billing/refunds",
    {
      onRequest: requireRoles(ctx, "bureau"),
      schema: {
        tags,
        summary: "Refund the charge for one disclosure (a disputed charge); repeating it is harmless",
        body: z.strictObject({
          log_idx: z.number().int().min(0),
          reason: z.string().min(1).max(refund_reason_chars_max),
        }),
      },
    },
    async (request, reply) => {
      const refund = await refundDisclosure(ctx.db, request.body.log_idx, request.body.reason, ctx.clock);
      return reply
        .status(refund.replay ? 200 : 201)
        .type("application/json; charset=utf-8")
        .send(billingJson(refund));
    },
  );

  app.post(
    "/v1/billing/fold",
    {
      onRequest: requireRoles(ctx, "bureau"),
      schema: { tags, summary: "Meter every disclosure not yet in the ledger" },
    },
    async () => foldLog(ctx.db, ctx.clock),
  );
};
