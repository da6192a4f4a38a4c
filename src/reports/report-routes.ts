// HTTP routes for lenders' queries: POST /v1/reports answers with a report, a score or both.
import { z } from "zod";
import { subjectIdentifierSchema } from "../consent/consent-routes.ts";
import { purposes } from "../consent/consents.ts";
import { institutionOf, requireRoles } from "../http/auth.ts";
import type { AppContext, RouteModule } from "../http/context.ts";
import { QueryLimits } from "./query-limits.ts";
import {
  type AnnotationSource,
  answerQuery,
  QueryReferenceData,
  queryProducts,
  type ScoreProvider,
} from "./query-service.ts";
import { renderReportHtml } from "./report-html.ts";

export interface ReportRouteOptions {
  readonly score?: (ctx: AppContext) => ScoreProvider;
  readonly annotations?: AnnotationSource;
}

export function reportRoutes(options: ReportRouteOptions = {}): RouteModule {
  return (app, ctx) => {
    const deps = {
      limits: new QueryLimits(ctx.db, ctx.clock, {
        rate_per_s: ctx.config.query_rate_per_s,
        daily_quota: ctx.config.query_daily_quota,
      }),
      reference: new QueryReferenceData(),
      score: options.score?.(ctx),
      annotations: options.annotations,
    };
    app.post(
      "/v1/reports",
      {
        onRequest: requireRoles(ctx, "lender"),
        schema: {
          tags: ["reports"],
          summary: "Query a subject's credit report and/or score under a consent",
          description:
            "Checks the consent (active, names this lender, covers the purpose and the product's data), records the " +
            "inquiry either way, and discloses the answer in the log. Add ?format=html for a printable page.",
          querystring: z.strictObject({ format: z.enum(["json", "html"]).default("json") }),
          body: z.strictObject({
            product: z.enum(queryProducts),
            purpose: z.enum(purposes),
            consent_id: z
              .string()
              .regex(/^cs_[a-f0-9]{24}$/, "cs_ followed by 24 hexadecimal characters")
              .optional(),
            subject: subjectIdentifierSchema.optional(),
          }),
        },
      },
      async (request, reply) => {
        const answer = await answerQuery(ctx, deps, institutionOf(request), request.body);
        if (request.query.format === "html" && answer.report) {
          return reply.type("text/html; charset=utf-8").send(renderReportHtml(answer.report));
        }
        return answer;
      },
    );
  };
}
