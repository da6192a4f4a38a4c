// Test kit for the oversight tests: institutions with keys, and helpers that furnish, consent and query
// through the real API of startTestServer.
import assert from "node:assert/strict";
import { uniqueResidentId } from "../demo/synthetic-ids.ts";
import { call, ensureInstitution, type TestServer } from "../http/testing.ts";
import type { NewInstitution } from "../institutions/index.ts";

/** Admits an institution with the given roles and returns a key for it. */
export async function admit(
  server: TestServer,
  id: string,
  roles: NewInstitution["roles"],
  kind: NewInstitution["kind"],
  stake_bp?: number,
): Promise<string> {
  const institution = {
    id,
    name: `Synthetic ${id}`,
    legal_id: `LEGAL-${id.toUpperCase()}`,
    roles,
    kind,
    stake_bp,
  };
  return (await ensureInstitution(server.ctx, institution)).token;
}

export const person = (n: number) => ({ id_type: "cn_resident_id", id_number: uniqueResidentId(n) });

/** A subject and one account for each person number; `co_lender` names a bank's legal id. */
export function accountsFor(people: readonly number[], prefix: string, co_lender?: string): unknown[] {
  return people.flatMap((n) => [
    { type: "subject", ...person(n), name: `Synthetic Person ${n}` },
    {
      type: "account",
      account_ref: `${prefix}-${n}`,
      ...person(n),
      kind: "micro_loan",
      opened_on: "2026-09-15",
      currency: "CNY",
      principal_minor: 500_000,
      term_months: 12,
      ...(co_lender ? { co_lender } : {}),
    },
  ]);
}

/** Uploads records as NDJSON, waits for the result and returns the submission's status. */
export async function furnish(server: TestServer, key: string, lines: readonly unknown[]): Promise<string> {
  const text = `${lines.map((line) => (typeof line === "string" ? line : JSON.stringify(line))).join("\n")}\n`;
  const response = await call<{ status: string }>(`${server.url}/v1/submissions?wait=true`, {
    key,
    raw: text,
    headers: { "content-type": "application/x-ndjson" },
  });
  assert.equal(response.status, 201, JSON.stringify(response.body));
  return response.body.status;
}
