// The public facts the portals need before anyone signs in: the regime, its default language, the log's origin
// and the server's time.
import { z } from "zod";
import type { RouteModule } from "../http/context.ts";

const metaSchema = z.object({
  regime: z.string(),
  regime_name: z.string(),
  default_locale: z.enum(["zh-CN", "en"]),
  currency: z.string(),
  identifier_types: z.array(z.string()),
  consent_required: z.boolean(),
  free_own_reports_per_year: z.number().int(),
  dispute_deadline_days: z.number().int(),
  log_origin: z.string(),
  server_time: z.date(),
});

export const metaRoutes: RouteModule = (app, ctx) => {
  const regime = ctx.config.regime;
  app.get(
    "/v1/meta",
    {
      schema: {
        tags: ["portals"],
        summary: "The regime, its default language and the disclosure log's origin (public)",
        security: [],
        response: { 200: metaSchema },
      },
    },
    async () => ({
      regime: regime.code,
      regime_name: regime.name,
      default_locale: regime.default_locale,
      currency: regime.currency,
      identifier_types: [...regime.identifier_types],
      consent_required: regime.consent_required,
      free_own_reports_per_year: regime.free_own_reports_per_year,
      dispute_deadline_days: regime.dispute_deadline_days,
      log_origin: ctx.config.log_origin,
      // The portals date their defaults (this month's bill, a consent's expiry) by the server's clock.
      server_time: ctx.clock.now(),
    }),
  );
};
