import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { describeEachBackend } from "../db/testing.ts";
import { call, startTestServer, type TestServer } from "./testing.ts";

describeEachBackend("HTTP skeleton", (backend) => {
  let server: TestServer;
  let lenderKey: string;
  before(async () => {
    server = await startTestServer(backend());
    const created = await call(`${server.url}/v1/institutions`, {
      key: server.bureau_key,
      body: { id: "some-bank", name: "Some Bank", legal_id: "LEGAL-1", roles: ["lender"], kind: "bank" },
    });
    assert.equal(created.status, 201);
    const key = await call<{ token: string }>(`${server.url}/v1/institutions/some-bank/keys`, {
      key: server.bureau_key,
      body: { label: "test" },
    });
    assert.equal(key.status, 201);
    lenderKey = key.body.token;
  });
  after(() => server.close());

  it("serves health, readiness, OpenAPI and the docs page", async () => {
    assert.deepEqual((await call(`${server.url}/healthz`)).body, { status: "ok" });
    assert.equal((await call(`${server.url}/readyz`)).body.database, backend().kind);
    const openapi = await call<{ openapi: string; paths: Record<string, unknown> }>(
      `${server.url}/openapi.json`,
    );
    assert.match(openapi.body.openapi, /^3\./);
    assert.ok(openapi.body.paths["/v1/institutions"]);
    const docs = await fetch(`${server.url}/docs/`);
    assert.equal(docs.status, 200);
    assert.match(await docs.text(), /swagger/i);
  });

  it("answers every request with a request id", async () => {
    const response = await call(`${server.url}/healthz`);
    assert.match(response.headers.get("x-request-id") ?? "", /^[0-9a-f-]{36}$/);
  });

  const problems: [
    string,
    () => Promise<{ status: number; body: Record<string, unknown>; headers: Headers }>,
    number,
    string,
  ][] = [
    ["no credential", () => call(`${server.url}/v1/institutions`), 401, "AUTH_MISSING"],
    [
      "an unknown key",
      () => call(`${server.url}/v1/institutions`, { key: `ck_${"0".repeat(16)}_${"A".repeat(43)}` }),
      401,
      "AUTH_INVALID",
    ],
    [
      "a malformed credential",
      () => call(`${server.url}/v1/institutions`, { key: "hello" }),
      401,
      "AUTH_INVALID",
    ],
    [
      "a key used outside its role",
      () => call(`${server.url}/v1/institutions`, { key: lenderKey }),
      403,
      "ROLE_FORBIDDEN",
    ],
    [
      "malformed JSON",
      () =>
        call(`${server.url}/v1/institutions`, {
          key: server.bureau_key,
          raw: "{not json",
          headers: { "content-type": "application/json" },
        }),
      400,
      "MALFORMED_JSON",
    ],
    [
      "an unknown field",
      () =>
        call(`${server.url}/v1/institutions`, {
          key: server.bureau_key,
          body: { id: "x-bank", name: "X", legal_id: "L-X", roles: ["lender"], kind: "bank", colour: "red" },
        }),
      422,
      "VALIDATION_FAILED",
    ],
    [
      "a wrong type",
      () =>
        call(`${server.url}/v1/institutions`, {
          key: server.bureau_key,
          body: { id: "x-bank", name: 7, legal_id: "L-X", roles: ["lender"], kind: "bank" },
        }),
      422,
      "VALIDATION_FAILED",
    ],
    [
      "an oversized body",
      () =>
        call(`${server.url}/v1/institutions`, {
          key: server.bureau_key,
          body: {
            id: "x-bank",
            name: "x".repeat(2_000_000),
            legal_id: "L-X",
            roles: ["lender"],
            kind: "bank",
          },
        }),
      413,
      "PAYLOAD_TOO_LARGE",
    ],
    ["an unknown route", () => call(`${server.url}/v1/nothing-here`), 404, "NOT_FOUND"],
    [
      "a duplicate institution",
      () =>
        call(`${server.url}/v1/institutions`, {
          key: server.bureau_key,
          body: { id: "some-bank", name: "Again", legal_id: "LEGAL-2", roles: ["lender"], kind: "bank" },
        }),
      409,
      "INSTITUTION_EXISTS",
    ],
    [
      "a key with a role its institution lacks",
      () =>
        call(`${server.url}/v1/institutions/some-bank/keys`, {
          key: server.bureau_key,
          body: { roles: ["furnisher"] },
        }),
      422,
      "ROLE_NOT_HELD",
    ],
  ];
  for (const [what, send, status, code] of problems) {
    it(`answers ${what} with ${status} ${code} as problem+json`, async () => {
      const response = await send();
      assert.equal(response.status, status);
      assert.equal(response.headers.get("content-type")?.split(";")[0], "application/problem+json");
      assert.equal(response.body.code, code);
      assert.equal(response.body.status, status);
      assert.equal(typeof response.body.detail, "string");
    });
  }

  it("names the offending field of a validation failure", async () => {
    const response = await call<{ errors: { field: string }[] }>(`${server.url}/v1/institutions`, {
      key: server.bureau_key,
      body: { id: "x-bank", name: 7, legal_id: "L-X", roles: ["lender"], kind: "bank" },
    });
    assert.ok(response.body.errors.some((error) => error.field === "body.name"));
  });

  it("stops a revoked key at once and shows the key's last use", async () => {
    const me = await call<{ institution: { id: string } }>(`${server.url}/v1/me`, { key: lenderKey });
    assert.equal(me.body.institution.id, "some-bank");
    const keys = await call<{ items: { id: string; last_used_at: string | null }[] }>(
      `${server.url}/v1/institutions/some-bank/keys`,
      { key: lenderKey },
    );
    const id = keys.body.items[0]?.id as string;
    assert.ok(keys.body.items[0]?.last_used_at);
    const revoked = await call(`${server.url}/v1/keys/${id}`, { method: "DELETE", key: lenderKey });
    assert.equal(revoked.status, 200);
    const after = await call(`${server.url}/v1/me`, { key: lenderKey });
    assert.equal(after.status, 401);
    assert.equal(after.body.code, "AUTH_REVOKED");
  });

  it("records a shareholder's stake without giving it any extra role", async () => {
    const created = await call<{ stake_bp: number; roles: string[] }>(`${server.url}/v1/institutions`, {
      key: server.bureau_key,
      body: {
        id: "shop-platform",
        name: "Shop",
        legal_id: "LEGAL-3",
        roles: ["furnisher", "lender"],
        kind: "platform",
        stake_bp: 2500,
      },
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.stake_bp, 2500);
    const tooMuch = await call(`${server.url}/v1/institutions/some-bank/stake`, {
      method: "PUT",
      key: server.bureau_key,
      body: { share_bp: 8000 },
    });
    assert.equal(tooMuch.body.code, "STAKE_INVALID");
  });
});
