// HTTP routes for furnishers: the record schema, streaming bulk submissions, synchronous batches, quality.
import type { Readable } from "node:stream";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { institutionOf, requireRoles } from "../http/auth.ts";
import type { RouteModule } from "../http/context.ts";
import { ApiError } from "../http/errors.ts";
import type { SubmissionFormat } from "./ingest.ts";
import { furnisherQuality } from "./quality.ts";
import { furnishingJsonSchema } from "./record-schema.ts";
import {
  ownSubmission,
  receiveSubmission,
  records_per_batch_max,
  type SubmissionRow,
  sourceFromRecords,
  submissionErrors,
} from "./submissions.ts";

/** Rejected lines read per database round trip while streaming an error file. */
const error_page_rows = 5_000;

export function publicSubmission(row: SubmissionRow) {
  const { file_sha256, ...rest } = row;
  return {
    ...rest,
    file_sha256: Buffer.from(file_sha256).toString("hex"),
    errors_url: `/v1/submissions/${row.id}/errors`,
  };
}

function formatOf(
  contentType: string | undefined,
  requested: string | undefined,
): { format: SubmissionFormat; gzip: boolean } {
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const gzip = type === "application/gzip" || type === "application/x-gzip";
  if (requested === "csv" || requested === "ndjson") return { format: requested, gzip };
  if (type === "text/csv") return { format: "csv", gzip };
  if (
    type === "application/x-ndjson" ||
    type === "application/ndjson" ||
    type === "application/jsonl" ||
    gzip ||
    type === "application/octet-stream"
  ) {
    return { format: "ndjson", gzip };
  }
  throw new ApiError(
    "UNSUPPORTED_MEDIA_TYPE",
    "Send application/x-ndjson, text/csv or application/gzip (with ?format=csv for gzipped CSV).",
  );
}

export const furnishingRoutes: RouteModule = async (app, ctx) => {
  const tags = ["furnishing"];
  app.get(
    "/v1/schemas/furnishing.json",
    { schema: { tags, summary: "JSON Schema of one furnishing record", security: [] } },
    async () => furnishingJsonSchema(),
  );

  await app.register(async (plain) => {
    const scope = plain.withTypeProvider<ZodTypeProvider>();
    // Uploads are streamed to disk as they arrive; no parser may buffer them.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", (_request, payload, done) => done(null, payload));
    scope.post(
      "/v1/submissions",
      {
        onRequest: requireRoles(ctx, "furnisher"),
        schema: {
          tags,
          summary: "Upload a furnishing file (NDJSON or CSV, optionally gzip) as a stream",
          description:
            "Answers 202 with the submission at once, or 201 with the result when ?wait=true. The same file sent " +
            "again returns the first submission. Content-Encoding: gzip or Content-Type application/gzip for gzip.",
          querystring: z.strictObject({
            format: z.enum(["ndjson", "csv"]).optional(),
            wait: z.enum(["true", "false"]).default("false"),
          }),
        },
      },
      async (request, reply) => {
        const furnisher = institutionOf(request);
        const detected = formatOf(request.headers["content-type"], request.query.format);
        const gzip = detected.gzip || request.headers["content-encoding"] === "gzip";
        const received = await receiveSubmission(
          ctx,
          { furnisher_id: furnisher.institution_id, format: detected.format, gzip, channel: "bulk" },
          request.body as Readable,
        );
        if (request.query.wait === "true") {
          const done = await received.done;
          return reply
            .status(received.replay ? 200 : 201)
            .send({ ...publicSubmission(done), replay: received.replay });
        }
        return reply
          .status(received.replay ? 200 : 202)
          .send({ ...publicSubmission(received.submission), replay: received.replay });
      },
    );
  });

  app.post(
    "/v1/records",
    {
      onRequest: requireRoles(ctx, "furnisher"),
      schema: {
        tags,
        summary: `Furnish up to ${records_per_batch_max} records synchronously`,
        body: z.strictObject({ records: z.array(z.unknown()).min(1) }),
      },
    },
    async (request, reply) => {
      const furnisher = institutionOf(request);
      if (request.body.records.length > records_per_batch_max) {
        throw new ApiError(
          "BATCH_TOO_LARGE",
          `At most ${records_per_batch_max} records per call; use /v1/submissions for files.`,
        );
      }
      const received = await receiveSubmission(
        ctx,
        { furnisher_id: furnisher.institution_id, format: "json", gzip: false, channel: "api" },
        sourceFromRecords(request.body.records),
      );
      const done = await received.done;
      const errors = await submissionErrors(ctx, done.id, 0, records_per_batch_max);
      return reply
        .status(received.replay ? 200 : 201)
        .send({ ...publicSubmission(done), replay: received.replay, errors });
    },
  );

  const submissionId = z.object({
    id: z.string().regex(/^sb_[a-f0-9]{24}$/, "sb_ followed by 24 hexadecimal characters"),
  });

  app.get(
    "/v1/submissions",
    {
      onRequest: requireRoles(ctx, "furnisher"),
      schema: { tags, summary: "This furnisher's latest submissions" },
    },
    async (request) => {
      const furnisher = institutionOf(request);
      const rows = await ctx.db.query<SubmissionRow>(
        "SELECT * FROM submissions WHERE furnisher_id = $1 ORDER BY received_at DESC LIMIT 100",
        [furnisher.institution_id],
      );
      return { items: rows.map(publicSubmission) };
    },
  );

  app.get(
    "/v1/submissions/:id",
    {
      onRequest: requireRoles(ctx, "furnisher", "bureau"),
      schema: { tags, summary: "A submission's status and counts", params: submissionId },
    },
    async (request) => {
      const principal = institutionOf(request);
      return publicSubmission(
        await ownSubmission(
          ctx,
          request.params.id,
          principal.institution_id,
          principal.roles.includes("bureau"),
        ),
      );
    },
  );

  app.get(
    "/v1/submissions/:id/errors",
    {
      onRequest: requireRoles(ctx, "furnisher", "bureau"),
      schema: {
        tags,
        summary: "Every rejected line (line, field, code, message) as NDJSON",
        params: submissionId,
      },
    },
    async (request, reply) => {
      const principal = institutionOf(request);
      const submission = await ownSubmission(
        ctx,
        request.params.id,
        principal.institution_id,
        principal.roles.includes("bureau"),
      );
      async function* lines() {
        let after = 0;
        for (;;) {
          const page = await submissionErrors(ctx, submission.id, after, error_page_rows);
          for (const error of page) yield `${JSON.stringify(error)}\n`;
          if (page.length < error_page_rows) return;
          after = page.at(-1)?.line as number;
        }
      }
      const { Readable } = await import("node:stream");
      return reply.type("application/x-ndjson").send(Readable.from(lines()));
    },
  );

  app.get(
    "/v1/furnishers/:id/quality",
    {
      onRequest: requireRoles(ctx, "furnisher", "bureau", "regulator"),
      schema: {
        tags,
        summary: "Data quality of a furnisher's submissions",
        params: z.object({ id: z.string().max(63) }),
      },
    },
    async (request) => {
      const principal = institutionOf(request);
      const overseer = principal.roles.includes("bureau") || principal.roles.includes("regulator");
      if (!overseer && principal.institution_id !== request.params.id) {
        throw new ApiError("INSTITUTION_FORBIDDEN", "A furnisher may read only its own quality figures.");
      }
      return furnisherQuality(ctx.db, request.params.id);
    },
  );
};
