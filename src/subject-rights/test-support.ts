// Test kit for subject rights: the real server with two platforms and a bank, and helpers to furnish, consent, query, issue personal tokens and integrate the log.
import { ManualClock } from "../config/clock.ts";
import type { Backend } from "../db/testing.ts";
import { uniqueResidentId } from "../demo/synthetic-ids.ts";
import { LogSequencer } from "../disclosure-log/log-store.ts";
import type { App, AppContext } from "../http/context.ts";
import { call, ensureInstitution, startTestServer } from "../http/testing.ts";
import { bureauKey } from "../identity/bureau-key.ts";
import { resolveSubjectKey } from "../identity/subject-identity.ts";
import { issueSubjectToken } from "../institutions/institutions.ts";

export interface RightsServer {
  readonly url: string;
  readonly app: App;
  readonly ctx: AppContext;
  readonly clock: ManualClock;
  /** API keys by institution id. */
  readonly keys: Record<string, string>;
  close(): Promise<void>;
}

export const person = (n: number) => ({ id_type: "cn_resident_id", id_number: uniqueResidentId(n) });
export const evidence = { sha256: "a".repeat(64), ref: "signed-form-001" };

/** The whole exchange with two platforms that furnish and one bank that queries. */
export async function startRightsServer(
  backend: Backend,
  clock = new ManualClock("2026-11-01T08:00:00Z"),
): Promise<RightsServer> {
  const server = await startTestServer(
    backend,
    { CREDENCE_QUERY_RATE_PER_S: "1000", CREDENCE_QUERY_DAILY_QUOTA: "1000" },
    clock,
  );
  const { ctx } = server;
  const keys: Record<string, string> = {};
  for (const [id, roles, kind] of [
    ["pay-app", ["furnisher"], "platform"],
    ["shop-app", ["furnisher"], "platform"],
    ["big-bank", ["lender"], "bank"],
  ] as const) {
    keys[id] = (
      await ensureInstitution(ctx, { id, name: `${id} name`, legal_id: `L-${id}`, roles: [...roles], kind })
    ).token;
  }
  return { ...server, keys };
}

/** Furnishes NDJSON records as `furnisher` and checks that every line was accepted. */
export async function furnish(server: RightsServer, furnisher: string, records: readonly unknown[]) {
  const response = await call<{ status: string; lines_rejected: number; id: string }>(
    `${server.url}/v1/submissions?wait=true`,
    {
      key: server.keys[furnisher] as string,
      raw: `${records.map((record) => JSON.stringify(record)).join("\n")}\n`,
      headers: { "content-type": "application/x-ndjson" },
    },
  );
  if (response.status !== 201 || response.body.lines_rejected !== 0) {
    throw new Error(`furnishing failed: ${JSON.stringify(response.body)}`);
  }
}

export function subjectKeyOf(server: RightsServer, n: number): Buffer {
  return resolveSubjectKey(server.ctx.keyring, server.ctx.config.regime, person(n), server.clock.now());
}

/** A personal token for synthetic person `n`, as the bureau issues after checking identity. */
export async function tokenFor(server: RightsServer, n: number): Promise<string> {
  return (await issueSubjectToken(server.ctx.db.kysely, subjectKeyOf(server, n), server.clock)).token;
}

export async function lenderConsent(server: RightsServer, n: number, expires_at = "2027-06-30T00:00:00Z") {
  const response = await call<{ id: string }>(`${server.url}/v1/consents`, {
    key: server.keys["big-bank"] as string,
    body: {
      subject: person(n),
      purpose: "loan_origination",
      categories: ["credit_accounts", "alternative_data"],
      mode: "one_time",
      expires_at,
      evidence,
    },
  });
  if (response.status !== 201) throw new Error(`consent failed: ${JSON.stringify(response.body)}`);
  return response.body.id;
}

export type LenderReport = {
  accounts?: { item: string; disputed: boolean }[];
  negative_events?: { item: string; disputed: boolean }[];
  disputes: { item: string; status: string }[];
  personal_statements: { text: string }[];
};

/** The report big-bank gets about person `n` under a fresh consent. */
export async function lenderReport(server: RightsServer, n: number): Promise<LenderReport> {
  const response = await call<{ report: LenderReport }>(`${server.url}/v1/reports`, {
    key: server.keys["big-bank"] as string,
    body: { product: "report", purpose: "loan_origination", consent_id: await lenderConsent(server, n) },
  });
  if (response.status !== 200) throw new Error(`query failed: ${JSON.stringify(response.body)}`);
  return response.body.report;
}

/** Integrates every queued disclosure, signing checkpoints with the server's bureau key. */
export async function drainLog(server: RightsServer): Promise<number> {
  const sequencer = new LogSequencer(server.ctx.db, {
    origin: server.ctx.config.log_origin,
    seed: bureauKey(server.ctx.keyring).seed,
    clock: server.clock,
  });
  return sequencer.drain();
}
