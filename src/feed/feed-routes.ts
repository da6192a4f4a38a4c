// HTTP routes for lenders' alert feed: subscriptions, the webhook endpoint and its dead letters.
import { z } from "zod";
import { institutionOf, requireRoles } from "../http/auth.ts";
import type { RouteModule } from "../http/context.ts";
import { dead_letters_page_rows_max, listDeadLetters, redeliverDeadLetter } from "./dead-letters.ts";
import { eventTypes } from "./event-types.ts";
import { latest_alerts_max, latestAlerts } from "./latest-alerts.ts";
import {
  cancelSubscription,
  listSubscriptions,
  subscribe,
  subscriptions_page_rows_max,
} from "./subscriptions.ts";
import { replay_window_s } from "./webhook-signature.ts";
import { findWebhook, registerWebhook, webhook_url_length_max } from "./webhooks.ts";

const subscriptionSchema = z.object({
  id: z.string(),
  consent_id: z.string(),
  status: z.enum(["active", "ended"]),
  end_reason: z.enum(["cancelled", "consent_revoked", "consent_expired"]).nullable(),
  created_at: z.date(),
  ended_at: z.date().nullable(),
  last_sequence: z.number().int(),
});

const alertSchema = z.object({
  id: z.string(),
  type: z.enum(eventTypes),
  time: z.string(),
  consent_id: z.string(),
  sequence: z.number().int(),
  data: z.record(z.string(), z.unknown()),
});

const pageQuery = (rows_max: number) =>
  z.strictObject({
    after: z.string().max(64).optional(),
    limit: z.coerce.number().int().min(1).max(rows_max).default(100),
  });

export const feedRoutes: RouteModule = (app, ctx) => {
  const tags = ["feed"];

  app.post(
    "/v1/subscriptions",
    {
      onRequest: requireRoles(ctx, "lender"),
      schema: {
        tags,
        summary: "Subscribe to alerts on the subject of a continuous post-loan-management consent",
        description:
          "Answers 201 with a new subscription, or 200 with the existing one. The subscription ends when the " +
          "consent is revoked or expires; alerts name the subject by the consent id only.",
        body: z.strictObject({ consent_id: z.string().max(64) }),
        response: { 200: subscriptionSchema, 201: subscriptionSchema },
      },
    },
    async (request, reply) => {
      const lender = institutionOf(request);
      const { subscription, created } = await subscribe(
        ctx.db,
        lender.institution_id,
        request.body.consent_id,
        ctx.clock.now(),
      );
      return reply.status(created ? 201 : 200).send(subscription);
    },
  );

  app.get(
    "/v1/subscriptions",
    {
      onRequest: requireRoles(ctx, "lender"),
      schema: {
        tags,
        summary: "This lender's subscriptions, by id; pass the last id as `after` for the next page",
        querystring: pageQuery(subscriptions_page_rows_max),
        response: { 200: z.object({ items: z.array(subscriptionSchema) }) },
      },
    },
    async (request) => {
      const lender = institutionOf(request);
      return {
        items: await listSubscriptions(ctx.db, lender.institution_id, request.query, ctx.clock.now()),
      };
    },
  );

  app.delete(
    "/v1/subscriptions/:id",
    {
      onRequest: requireRoles(ctx, "lender"),
      schema: {
        tags,
        summary: "Cancel a subscription; pending alerts for it are not delivered",
        params: z.object({ id: z.string().max(64) }),
        response: { 200: subscriptionSchema },
      },
    },
    async (request) => {
      const lender = institutionOf(request);
      return cancelSubscription(ctx.db, lender.institution_id, request.params.id, ctx.clock.now());
    },
  );

  app.put(
    "/v1/webhooks",
    {
      onRequest: requireRoles(ctx, "lender"),
      schema: {
        tags,
        summary: "Register this lender's webhook URL; returns a new signing secret, shown only this once",
        description:
          'Each alert is POSTed as JSON with `Credence-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`. ' +
          `Reject signatures more than ${replay_window_s} s from your clock, and drop event ids already processed: ` +
          "a retry repeats the id. Answer 2xx to acknowledge. Registering again rotates the secret.",
        body: z.strictObject({ url: z.string().min(1).max(webhook_url_length_max) }),
        response: { 200: z.object({ url: z.string(), secret: z.string(), updated_at: z.date() }) },
      },
    },
    async (request) => {
      const lender = institutionOf(request);
      return registerWebhook(ctx.db, ctx.keyring, lender.institution_id, request.body.url, ctx.clock.now());
    },
  );

  app.get(
    "/v1/webhooks",
    {
      onRequest: requireRoles(ctx, "lender"),
      schema: {
        tags,
        summary: "This lender's webhook URL (the secret is never shown again)",
        response: { 200: z.object({ url: z.string(), updated_at: z.date() }) },
      },
    },
    async (request) => findWebhook(ctx.db, institutionOf(request).institution_id),
  );

  app.get(
    "/v1/alerts",
    {
      onRequest: requireRoles(ctx, "lender"),
      schema: {
        tags,
        summary:
          "This lender's latest alerts in every state (pending, delivered, dead, dropped), newest first",
        querystring: z.strictObject({
          limit: z.coerce.number().int().min(1).max(latest_alerts_max).default(50),
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                event: alertSchema,
                state: z.enum(["pending", "delivered", "dead", "dropped"]),
                attempts: z.number().int(),
                finished_at: z.date().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({
      items: (await latestAlerts(ctx.db, institutionOf(request).institution_id, request.query.limit)).map(
        (alert) => ({
          ...alert,
          event: { ...alert.event, type: alert.event.type as (typeof eventTypes)[number] },
        }),
      ),
    }),
  );

  app.get(
    "/v1/webhooks/dead-letters",
    {
      onRequest: requireRoles(ctx, "lender"),
      schema: {
        tags,
        summary: "Alerts that failed every delivery attempt, oldest first",
        querystring: pageQuery(dead_letters_page_rows_max),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                event: alertSchema,
                attempts: z.number().int(),
                last_error: z.string().nullable(),
                dead_at: z.date(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({
      items: await listDeadLetters(ctx.db, institutionOf(request).institution_id, request.query),
    }),
  );

  app.post(
    "/v1/webhooks/dead-letters/:id/redeliver",
    {
      onRequest: requireRoles(ctx, "lender"),
      schema: {
        tags,
        summary: "Queue a dead letter for delivery again, with the same event id",
        params: z.object({ id: z.string().max(64) }),
        response: { 202: z.object({ id: z.string(), state: z.literal("pending") }) },
      },
    },
    async (request, reply) => {
      const lender = institutionOf(request);
      await redeliverDeadLetter(ctx.db, lender.institution_id, request.params.id, ctx.clock.now());
      return reply.status(202).send({ id: request.params.id, state: "pending" as const });
    },
  );
};
