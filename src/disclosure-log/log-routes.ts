// HTTP routes of the disclosure log: public checkpoints and key; entries and proofs for participants;
// cosignatures posted by the regulator's witness.
import { z } from "zod";
import { requireRoles } from "../http/auth.ts";
import type { AppContext, RouteModule } from "../http/context.ts";
import { ApiError, registerErrorCodes } from "../http/errors.ts";
import { bureauKey } from "../identity/bureau-key.ts";
import { base64Encode } from "./bytes.ts";
import { decodeEntry } from "./entry.ts";
import { log_error_codes } from "./errors.ts";
import { addSignatures, cosignatureVerifier, type NoteSignature, openNote, parseNote } from "./index.ts";
import {
  bureauLogVerifierKey,
  checkpointAt,
  entriesBetween,
  latestCheckpoint,
  proveConsistency,
  proveInclusion,
  treeSize,
  UpperSubtreeCache,
} from "./log-store.ts";

registerErrorCodes(
  Object.fromEntries(Object.entries(log_error_codes).map(([code, title]) => [code, { status: 400, title }])),
);
registerErrorCodes({ LOG_EMPTY: { status: 404, title: "The log has no checkpoint yet" } });

/** The most entries one page of GET /v1/log/entries returns. */
export const entries_page_max = 1_000;

export function logVerifierKey(ctx: AppContext): string {
  return bureauLogVerifierKey(ctx.config.log_origin, bureauKey(ctx.keyring).public_raw);
}

/** A stored checkpoint with every witness cosignature the bureau has received for it. */
export async function witnessedNote(ctx: AppContext, size: number, note: string): Promise<string> {
  const rows = await ctx.db.query<{ note: string }>(
    "SELECT note FROM log_cosignatures WHERE size = $1 ORDER BY witness",
    [size],
  );
  const extra: NoteSignature[] = [];
  const own = parseNote(note).signatures;
  for (const row of rows) {
    for (const signature of parseNote(row.note).signatures) {
      if (!own.some((s) => s.name === signature.name && s.key_id === signature.key_id)) extra.push(signature);
    }
  }
  return extra.length ? addSignatures(note, extra) : note;
}

const sizeParam = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const logRoutes: RouteModule = (app, ctx) => {
  const tags = ["disclosure log"];
  const participants = requireRoles(ctx, "lender", "furnisher", "bureau", "regulator");
  const subtrees = new UpperSubtreeCache();

  app.get(
    "/v1/log/key",
    {
      schema: {
        tags,
        summary: "The bureau's log verifier key (C2SP signed-note vkey) and origin",
        security: [],
      },
    },
    async () => ({ origin: ctx.config.log_origin, verifier_key: logVerifierKey(ctx) }),
  );

  app.get(
    "/v1/log/checkpoint",
    {
      schema: {
        tags,
        summary: "The latest signed checkpoint, with witness cosignatures (text/plain)",
        security: [],
      },
    },
    async (_request, reply) => {
      const latest = await latestCheckpoint(ctx.db);
      if (!latest) throw new ApiError("LOG_EMPTY", "No disclosure has been logged yet.");
      return reply.type("text/plain; charset=utf-8").send(await witnessedNote(ctx, latest.size, latest.note));
    },
  );

  app.get(
    "/v1/log/checkpoints/:size",
    {
      schema: {
        tags,
        summary: "The checkpoint of one tree size",
        security: [],
        params: z.object({ size: sizeParam }),
      },
    },
    async (request, reply) => {
      const stored = await checkpointAt(ctx.db, request.params.size);
      if (!stored)
        throw new ApiError("NOT_FOUND", `No checkpoint was issued at size ${request.params.size}.`);
      return reply.type("text/plain; charset=utf-8").send(await witnessedNote(ctx, stored.size, stored.note));
    },
  );

  app.get(
    "/v1/log/proof/inclusion",
    {
      onRequest: participants,
      schema: {
        tags,
        summary: "Inclusion proof of leaf `index` in the tree of `size`",
        querystring: z.strictObject({ index: sizeParam, size: sizeParam }),
      },
    },
    async (request) => {
      const { index, size } = request.query;
      const current = await treeSize(ctx.db);
      if (size > current || index >= size) {
        throw new ApiError(
          "BAD_QUERY",
          `index must be below size, and size at most the tree size ${current}.`,
        );
      }
      return { index, size, hashes: (await proveInclusion(ctx.db, index, size, subtrees)).map(base64Encode) };
    },
  );

  app.get(
    "/v1/log/proof/consistency",
    {
      onRequest: participants,
      schema: {
        tags,
        summary: "Consistency proof between two tree sizes",
        querystring: z.strictObject({ from: sizeParam, to: sizeParam }),
      },
    },
    async (request) => {
      const { from, to } = request.query;
      const current = await treeSize(ctx.db);
      if (from > to || to > current)
        throw new ApiError("BAD_QUERY", `Need from ≤ to ≤ the tree size ${current}.`);
      return { from, to, hashes: (await proveConsistency(ctx.db, from, to, subtrees)).map(base64Encode) };
    },
  );

  app.get(
    "/v1/log/entries",
    {
      onRequest: participants,
      schema: {
        tags,
        summary: `Entries [start, end), at most ${entries_page_max}, with the exact bytes hashed`,
        querystring: z.strictObject({ start: sizeParam, end: sizeParam }),
      },
    },
    async (request) => {
      const { start, end } = request.query;
      if (end <= start || end - start > entries_page_max) {
        throw new ApiError("BAD_QUERY", `Need start < end and at most ${entries_page_max} entries per page.`);
      }
      const current = await treeSize(ctx.db);
      const stop = Math.min(end, current);
      const entries = start < stop ? await entriesBetween(ctx.db, start, stop) : [];
      return {
        tree_size: current,
        entries: entries.map((entry) => ({
          index: entry.index,
          entry_b64: base64Encode(entry.bytes),
          entry: {
            ...decodeEntry(entry.bytes),
            price_minor: decodeEntry(entry.bytes).price_minor.toString(),
          },
        })),
        next: stop < end && stop < current ? stop : null,
      };
    },
  );

  app.post(
    "/v1/log/cosignatures",
    {
      onRequest: requireRoles(ctx, "regulator"),
      schema: {
        tags,
        summary: "A witness posts its cosignature of a checkpoint (tlog-cosignature/v1)",
        body: z.strictObject({
          note: z.string().min(1).max(131_072),
          witness_key: z.string().min(1).max(512),
        }),
      },
    },
    async (request, reply) => {
      const verifier = cosignatureVerifier(request.body.witness_key);
      const opened = openNote(request.body.note, [verifier]);
      const size = Number(opened.text.split("\n")[1]);
      const stored = await checkpointAt(ctx.db, size);
      if (!stored || parseNote(stored.note).text !== parseNote(request.body.note).text) {
        throw new ApiError("LOG_SPLIT_VIEW", "The cosigned checkpoint is not one this bureau issued.");
      }
      await ctx.db.query(
        `INSERT INTO log_cosignatures (size, witness, note, received_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (size, witness) DO UPDATE SET note = excluded.note, received_at = excluded.received_at`,
        [size, verifier.name, request.body.note, ctx.clock.now()],
      );
      return reply.status(201).send({ size, witness: verifier.name });
    },
  );
};
