// HTTP routes of the model registry: list and read models with their cards, promote, check stability.
import { z } from "zod";
import { requireRoles } from "../http/auth.ts";
import type { RouteModule } from "../http/context.ts";
import {
  getModel,
  listModels,
  model_kinds,
  model_roles,
  model_version_pattern,
  promoteChampion,
} from "./model-registry.ts";
import { populationStability } from "./score-shadow.ts";

// Without a window, stability looks at the last thirty days.
const stability_default_days = 30;
const day_ms = 86_400_000;

const versionParams = z.strictObject({
  version: z
    .string()
    .regex(model_version_pattern, "a model version such as cn-full-20261101t080000-1a2b3c4d"),
});

export const modelRoutes: RouteModule = (app, ctx) => {
  const tags = ["models"];

  app.get(
    "/v1/models",
    {
      onRequest: requireRoles(ctx, "bureau", "regulator"),
      schema: {
        tags,
        summary: "Registered scorecards: champions, challengers and retired ones",
        querystring: z.strictObject({
          regime: z
            .string()
            .regex(/^[a-z]{2,8}$/)
            .optional(),
          kind: z.enum(model_kinds).optional(),
          role: z.enum(model_roles).optional(),
        }),
      },
    },
    async (request) => ({ items: await listModels(ctx.db, request.query) }),
  );

  app.get(
    "/v1/models/:version",
    {
      onRequest: requireRoles(ctx, "bureau", "regulator"),
      schema: {
        tags,
        summary: "One scorecard: its bins and points, metrics, training summary and model card",
        params: versionParams,
      },
    },
    async (request) => getModel(ctx.db, request.params.version),
  );

  app.post(
    "/v1/models/:version/promote",
    {
      onRequest: requireRoles(ctx, "bureau"),
      schema: {
        tags,
        summary: "Make the model the champion of its regime and kind; the previous champion is retired",
        description:
          "Reports score with the new champion from the next query on. Promoting the champion again changes nothing.",
        params: versionParams,
      },
    },
    async (request) => promoteChampion(ctx.db, request.params.version, ctx.clock.now()),
  );

  app.get(
    "/v1/models/:version/stability",
    {
      onRequest: requireRoles(ctx, "bureau", "regulator"),
      schema: {
        tags,
        summary: "Population stability of the model's scores and of each feature against its training sample",
        description:
          "PSI of the scores the model computed in [from, to), served or in shadow, against its training score " +
          "bands, and each feature's bin shares against training. Below 0.1 is stable, above 0.25 has shifted.",
        params: versionParams,
        querystring: z.strictObject({
          from: z.iso.datetime({ offset: true }).optional(),
          to: z.iso.datetime({ offset: true }).optional(),
        }),
      },
    },
    async (request) => {
      const to = request.query.to === undefined ? ctx.clock.now() : new Date(request.query.to);
      const from =
        request.query.from === undefined
          ? new Date(to.getTime() - stability_default_days * day_ms)
          : new Date(request.query.from);
      return populationStability(ctx.db, request.params.version, from, to);
    },
  );
};
