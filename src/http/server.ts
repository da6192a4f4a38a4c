// Assembles the HTTP server: schemas, OpenAPI, authentication, problem+json errors and every domain's routes.
import { randomUUID } from "node:crypto";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyError } from "fastify";
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from "fastify-type-provider-zod";
import type { App, AppContext, RouteModule } from "./context.ts";
import { ApiError, lookupErrorCode, type Problem, problemOf } from "./errors.ts";
import { jsonReplacer } from "./json.ts";
import { redactPaths } from "./redact.ts";

export interface ServerOptions {
  /** Log to stdout (the server) or not at all (tests). */
  readonly logging: boolean;
  readonly routes: readonly RouteModule[];
}

const fastifyErrorCodes: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: "MALFORMED_JSON",
  FST_ERR_CTP_EMPTY_JSON_BODY: "MALFORMED_JSON",
  FST_ERR_CTP_BODY_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "PAYLOAD_TOO_LARGE",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  FST_ERR_CTP_INVALID_TYPE: "UNSUPPORTED_MEDIA_TYPE",
};

/** Turns any thrown error into the problem the client sees; unknown errors reveal nothing. */
export function toProblem(error: unknown): Problem {
  if (error instanceof ApiError) return problemOf(error.code, error.message, error.extensions);
  const fastifyError = error as FastifyError & { code?: string; details?: Record<string, unknown> };
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext ?? "body";
    const errors = error.validation.map((issue) => ({
      field: `${where}${issue.instancePath.replace(/\//g, ".")}`,
      code: issue.keyword,
      message: issue.message,
    }));
    return problemOf(
      "VALIDATION_FAILED",
      `${errors.length} field(s) in the ${where} do not match the schema.`,
      {
        errors,
      },
    );
  }
  if (fastifyError.code && fastifyErrorCodes[fastifyError.code]) {
    return problemOf(fastifyErrorCodes[fastifyError.code] as string, fastifyError.message);
  }
  if (typeof fastifyError.code === "string" && lookupErrorCode(fastifyError.code)) {
    return problemOf(fastifyError.code, fastifyError.message, fastifyError.details ?? {});
  }
  if (fastifyError.statusCode === 413) return problemOf("PAYLOAD_TOO_LARGE", fastifyError.message);
  if (fastifyError.statusCode === 415) return problemOf("UNSUPPORTED_MEDIA_TYPE", fastifyError.message);
  return problemOf("INTERNAL", "The request failed inside the server.");
}

export async function buildServer(ctx: AppContext, options: ServerOptions): Promise<App> {
  const app = Fastify({
    bodyLimit: ctx.config.body_bytes_max,
    genReqId: () => randomUUID(),
    requestIdHeader: "x-request-id",
    logger: options.logging
      ? { level: ctx.config.log_level, redact: { paths: redactPaths, censor: "[redacted]" } }
      : false,
    ajv: { customOptions: { allErrors: true } },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest("principal", null);
  // Routes without a response schema may return bigint minor units; JSON has no bigint, so they become numbers
  // when exact and decimal strings otherwise.
  app.setReplySerializer((payload) => JSON.stringify(payload, jsonReplacer));

  app.addHook("onSend", async (request, reply) => {
    reply.header("x-request-id", request.id);
  });

  app.setErrorHandler((error, request, reply) => {
    const problem = toProblem(error);
    if (problem.status >= 500) request.log.error({ err: error }, "request failed");
    if (problem.code === "RATE_LIMITED" || problem.code === "QUOTA_EXCEEDED") {
      reply.header("retry-after", String(problem.retry_after_s ?? 1));
    }
    return reply
      .status(problem.status)
      .type("application/problem+json")
      .send({ ...problem, instance: request.url, request_id: request.id });
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .status(404)
      .type("application/problem+json")
      .send({
        ...problemOf("NOT_FOUND", `No route ${request.method} ${request.url}.`),
        request_id: request.id,
      }),
  );

  await app.register(swagger, {
    openapi: {
      info: {
        title: "Credence",
        version: "1",
        description:
          "An open credit information exchange: furnishing, consented queries and a verifiable disclosure log.",
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());

  app.get("/healthz", { schema: { tags: ["health"], security: [] } }, async () => ({ status: "ok" }));
  app.get("/readyz", { schema: { tags: ["health"], security: [] } }, async (_request, reply) => {
    try {
      await ctx.db.query("SELECT 1");
      return { status: "ready", database: ctx.db.kind };
    } catch {
      return reply
        .status(503)
        .type("application/problem+json")
        .send(problemOf("SERVICE_UNAVAILABLE", "The database does not answer."));
    }
  });

  for (const routes of options.routes) await routes(app, ctx);
  await app.ready();
  return app;
}
