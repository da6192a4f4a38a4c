// Test kit: a real server on a loopback port over a test backend, and a small JSON client for it.
import { ManualClock } from "../config/clock.ts";
import { loadConfig } from "../config/config.ts";
import { ephemeralKeyring } from "../config/keyring.ts";
import type { Backend } from "../db/testing.ts";
import { logSequencer } from "../disclosure-log/log-sequencer-factory.ts";
import { createApiKey, createInstitution, type NewInstitution } from "../institutions/institutions.ts";
import type { App, AppContext } from "./context.ts";
import { allRoutes } from "./routes.ts";
import { buildServer } from "./server.ts";

export interface TestServer {
  readonly url: string;
  readonly app: App;
  readonly ctx: AppContext;
  readonly clock: ManualClock;
  /** An API key of the bureau itself (operator). */
  readonly bureau_key: string;
  /** Integrates every queued disclosure into the log, as the running server does every 200 ms. */
  drainLog(): Promise<number>;
  close(): Promise<void>;
}

export async function startTestServer(
  backend: Backend,
  env: Record<string, string> = {},
  clock = new ManualClock("2026-11-01T08:00:00Z"),
): Promise<TestServer> {
  const config = loadConfig({ CREDENCE_LOG_LEVEL: "silent", ...env });
  const ctx: AppContext = { config, db: backend.db, keyring: ephemeralKeyring(), clock };
  const app = await buildServer(ctx, { logging: false, routes: allRoutes });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  if (!address || typeof address === "string") throw new Error("server has no port");
  const bureau = await ensureInstitution(ctx, {
    id: "test-bureau",
    name: "Test Bureau",
    legal_id: "TEST-BUREAU",
    roles: ["bureau"],
    kind: "bureau",
  });
  return {
    url: `http://127.0.0.1:${address.port}`,
    app,
    ctx,
    clock,
    bureau_key: bureau.token,
    drainLog: () => logSequencer(ctx).drain(),
    close: () => app.close(),
  };
}

/** Creates the institution if absent and returns a fresh key for it. */
export async function ensureInstitution(ctx: AppContext, input: NewInstitution): Promise<{ token: string }> {
  const existing = await ctx.db.query("SELECT 1 FROM institutions WHERE id = $1", [input.id]);
  if (existing.length === 0) await createInstitution(ctx.db.kysely, input, ctx.clock);
  return createApiKey(ctx.db.kysely, { institution_id: input.id }, ctx.clock);
}

export interface JsonResponse<T = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: T;
}

/** fetch() with a bearer key and a JSON body; parses JSON (or problem+json) answers. */
export async function call<T = Record<string, unknown>>(
  url: string,
  init: {
    method?: string;
    key?: string;
    body?: unknown;
    raw?: string | Uint8Array<ArrayBuffer>;
    headers?: Record<string, string>;
  } = {},
): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.key) headers.authorization = `Bearer ${init.key}`;
  let body: string | Uint8Array<ArrayBuffer> | undefined;
  if (init.raw !== undefined) body = init.raw;
  else if (init.body !== undefined) {
    headers["content-type"] ??= "application/json";
    body = JSON.stringify(init.body);
  }
  const response = await fetch(url, {
    method: init.method ?? (body === undefined ? "GET" : "POST"),
    headers,
    body,
  });
  const text = await response.text();
  const type = response.headers.get("content-type") ?? "";
  const parsed = type.includes("json") && text !== "" ? JSON.parse(text) : text;
  return { status: response.status, headers: response.headers, body: parsed as T };
}
