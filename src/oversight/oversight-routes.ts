// HTTP routes for the regulator (and the bureau): mandates, the compliance board and its history, the
// neutrality report and anomalies. Every figure is computed as of the server's clock.
import { z } from "zod";
import { institutionOf, requireRoles } from "../http/auth.ts";
import type { RouteModule } from "../http/context.ts";
import { anomalies_days_default, anomalies_days_max, anomalyKinds, detectAnomalies } from "./anomalies.ts";
import { complianceBoard } from "./compliance-board.ts";
import { complianceHistory, history_days_default, history_days_max } from "./compliance-history.ts";
import { complianceStatuses } from "./compliance-rules.ts";
import { requestedRange } from "./day-range.ts";
import { violationKinds } from "./log-proof.ts";
import { active_users_declared_max, listMandates, putMandate } from "./mandates.ts";
import {
  consentChecks,
  neutrality_days_default,
  neutrality_days_max,
  neutralityReport,
} from "./neutrality-report.ts";

const institutionId = z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "lowercase letters, digits and hyphens");
const dayRangeQuery = z.strictObject({ from: z.iso.date().optional(), to: z.iso.date().optional() });
const dayRange = z.object({ from: z.string(), to: z.string() });
const status = z.enum(complianceStatuses);

const mandateSchema = z.object({
  institution_id: z.string(),
  deadline: z.string(),
  active_users_declared: z.number().int(),
  onboarded_at: z.date().nullable(),
  updated_at: z.date(),
  updated_by: z.string(),
});

const boardSchema = z.object({
  as_of: z.date(),
  thresholds: z.record(z.string(), z.number()),
  counts: z.record(status, z.number().int()),
  items: z.array(
    z.object({
      institution_id: z.string(),
      name: z.string(),
      deadline: z.string(),
      days_to_deadline: z.number().int(),
      late: z.boolean(),
      active_users_declared: z.number().int(),
      onboarded_at: z.date().nullable(),
      first_submission_at: z.date().nullable(),
      last_submission_at: z.date().nullable(),
      last_accepted_at: z.date().nullable(),
      submissions: z.object({
        total: z.number().int(),
        accepted: z.number().int(),
        rejected: z.number().int(),
        interrupted: z.number().int(),
      }),
      records_furnished: z.number().int(),
      subjects_furnished: z.number().int(),
      coverage: z.number(),
      rejected_share: z.number().nullable(),
      timeliness_days_mean: z.number().nullable(),
      status,
      rule: z.string(),
    }),
  ),
});

const historySchema = z.object({
  range: dayRange,
  items: z.array(
    z.object({
      institution_id: z.string(),
      name: z.string(),
      points: z.array(
        z.object({
          day: z.string(),
          status,
          coverage: z.number(),
          subjects_furnished: z.number().int(),
          records_furnished: z.number().int(),
          rejected_share: z.number().nullable(),
          deadline: z.string(),
          active_users_declared: z.number().int(),
        }),
      ),
    }),
  ),
});

const neutralitySchema = z.object({
  window: dayRange,
  consent_required: z.boolean(),
  shareholders: z.array(
    z.object({
      institution_id: z.string(),
      name: z.string(),
      share_bp: z.number().int(),
      queries: z.object({
        total: z.number().int(),
        answered: z.number().int(),
        refused: z.number().int(),
        violations: z.number().int(),
      }),
      by_check: z.partialRecord(z.enum(consentChecks), z.number().int()),
      items: z.array(
        z.object({
          inquiry_id: z.string(),
          at: z.date(),
          product: z.string(),
          purpose: z.string(),
          outcome: z.string(),
          consent_id: z.string().nullable(),
          consent_check: z.enum(consentChecks),
          violation: z.boolean(),
          log_entry_id: z.string().nullable(),
        }),
      ),
      items_truncated: z.boolean(),
    }),
  ),
  volumes: z.array(
    z.object({
      lender_id: z.string(),
      lender_is_shareholder: z.boolean(),
      furnisher_id: z.string(),
      disclosures: z.number().int(),
      records: z.number().int(),
    }),
  ),
  log_proof: z.object({
    holds: z.boolean(),
    complete: z.boolean(),
    answered_inquiries: z.number().int(),
    pending_in_queue: z.number().int(),
    entries_checked: z.number().int(),
    consented_entries: z.number().int(),
    violations_total: z.number().int(),
    violations: z.array(
      z.object({
        kind: z.enum(violationKinds),
        entry_id: z.string().optional(),
        idx: z.number().int().optional(),
        inquiry_id: z.string().optional(),
        institution_id: z.string().optional(),
        at: z.date().optional(),
      }),
    ),
  }),
});

const anomaliesSchema = z.object({
  range: dayRange,
  thresholds: z.record(z.string(), z.number()),
  total: z.number().int(),
  by_kind: z.record(z.enum(anomalyKinds), z.number().int()),
  items: z.array(
    z.object({
      kind: z.enum(anomalyKinds),
      institution_id: z.string().nullable(),
      day: z.string(),
      rule: z.string(),
      evidence: z.record(z.string(), z.unknown()),
    }),
  ),
  truncated: z.boolean(),
});

export const oversightRoutes: RouteModule = (app, ctx) => {
  const tags = ["oversight"];
  const overseer = requireRoles(ctx, "regulator", "bureau");

  app.put(
    "/v1/oversight/mandates/:institution_id",
    {
      onRequest: overseer,
      schema: {
        tags,
        summary: "Place a platform under the furnishing mandate, or replace its mandate",
        description:
          "Sets the deadline, the active users the platform declared (the denominator of its coverage) and when it " +
          "was onboarded (null while it is not). Errors: INSTITUTION_UNKNOWN, INSTITUTION_REMOVED, MANDATE_NOT_FURNISHER.",
        params: z.object({ institution_id: institutionId }),
        body: z.strictObject({
          deadline: z.iso.date(),
          active_users_declared: z.number().int().min(1).max(active_users_declared_max),
          onboarded_at: z.iso.datetime({ offset: true }).nullable().optional(),
        }),
        response: { 200: mandateSchema },
      },
    },
    async (request) => {
      const body = request.body;
      return putMandate(
        ctx.db,
        ctx.clock,
        {
          institution_id: request.params.institution_id,
          deadline: body.deadline,
          active_users_declared: body.active_users_declared,
          onboarded_at: body.onboarded_at ? new Date(body.onboarded_at) : null,
        },
        institutionOf(request).institution_id,
      );
    },
  );

  app.get(
    "/v1/oversight/mandates",
    {
      onRequest: overseer,
      schema: {
        tags,
        summary: "Every platform under the mandate",
        response: { 200: z.object({ items: z.array(mandateSchema) }) },
      },
    },
    async () => ({ items: await listMandates(ctx.db) }),
  );

  app.get(
    "/v1/oversight/compliance",
    {
      onRequest: overseer,
      schema: {
        tags,
        summary:
          "The compliance board: each mandated platform's progress and status, with the rule that decided it",
        response: { 200: boardSchema },
      },
    },
    async () => complianceBoard(ctx.db, ctx.clock),
  );

  app.get(
    "/v1/oversight/compliance/history",
    {
      onRequest: overseer,
      schema: {
        tags,
        summary: "The board's daily snapshots over a range of days, one series per platform",
        description: `from and to are UTC days, inclusive; to defaults to today and the range to ${history_days_default} days, at most ${history_days_max}. Errors: BAD_QUERY.`,
        querystring: dayRangeQuery,
        response: { 200: historySchema },
      },
    },
    async (request) => {
      const range = requestedRange(request.query, ctx.clock.now(), {
        default_days: history_days_default,
        days_max: history_days_max,
      });
      return { range, items: await complianceHistory(ctx.db, range) };
    },
  );

  app.get(
    "/v1/oversight/neutrality",
    {
      onRequest: overseer,
      schema: {
        tags,
        summary:
          "Shareholders' queries checked against consents, volumes by lender and furnisher, and the log proof",
        description: `from and to are UTC days, inclusive; to defaults to today and the window to ${neutrality_days_default} days, at most ${neutrality_days_max}. Errors: BAD_QUERY.`,
        querystring: dayRangeQuery,
        response: { 200: neutralitySchema },
      },
    },
    async (request) => {
      const range = requestedRange(request.query, ctx.clock.now(), {
        default_days: neutrality_days_default,
        days_max: neutrality_days_max,
      });
      return neutralityReport(ctx.db, range, { consent_required: ctx.config.regime.consent_required });
    },
  );

  app.get(
    "/v1/oversight/anomalies",
    {
      onRequest: overseer,
      schema: {
        tags,
        summary: "Query volume spikes, harvesting, bursts on one subject and co-lending around the bureau",
        description: `from and to are UTC days, inclusive; to defaults to today and the range to ${anomalies_days_default} days, at most ${anomalies_days_max}. Errors: BAD_QUERY.`,
        querystring: dayRangeQuery,
        response: { 200: anomaliesSchema },
      },
    },
    async (request) => {
      const range = requestedRange(request.query, ctx.clock.now(), {
        default_days: anomalies_days_default,
        days_max: anomalies_days_max,
      });
      return detectAnomalies(ctx.db, range);
    },
  );
};
