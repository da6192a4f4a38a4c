import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { describeEachBackend } from "../db/testing.ts";
import { uniqueResidentId } from "../demo/synthetic-ids.ts";
import { call, ensureInstitution, startTestServer, type TestServer } from "../http/testing.ts";

const person = (n: number) => ({ id_type: "cn_resident_id", id_number: uniqueResidentId(n) });
const ndjson = (records: unknown[]) => `${records.map((record) => JSON.stringify(record)).join("\n")}\n`;
const evidence = { sha256: "a".repeat(64), ref: "signed-form-001" };

function loanWithHistory(n: number, ref: string) {
  const months = ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10"];
  return [
    { type: "subject", ...person(n), name: `Synthetic Person ${n}` },
    {
      type: "account",
      account_ref: ref,
      ...person(n),
      kind: "micro_loan",
      opened_on: "2025-03-01",
      currency: "CNY",
      principal_minor: 300_000,
    },
    ...months.map((period, i) => ({
      type: "statement",
      account_ref: ref,
      period,
      ...person(n),
      balance_minor: 200_000,
      past_due_minor: i === 3 ? 30_000 : 0,
      days_past_due: i === 3 ? 45 : 0,
      scheduled_payment_minor: 30_000,
      actual_payment_minor: i === 3 ? 0 : 30_000,
      status: i === 3 ? "late_31_60" : "current",
      ...(i === 3 ? { notified_on: "2026-09-20" } : {}),
    })),
    {
      type: "activity",
      ...person(n),
      category: "food_delivery",
      period: "2026-10",
      event_count: 14,
      amount_minor: 62_000,
      currency: "CNY",
    },
  ];
}

type Answer = {
  inquiry_id: string;
  report?: {
    accounts?: {
      furnisher: { id?: string; name?: string; masked?: boolean; kind?: string };
      payment_grid: { code: string }[];
    }[];
    alternative_data?: unknown[];
    inquiries: unknown[];
    subject: { name: string; id_number: string } | null;
  };
  disclosure: { entry_id: string; price_minor: string };
  code?: string;
};

describeEachBackend("lender queries over HTTP", (backend) => {
  let server: TestServer;
  const keys: Record<string, string> = {};
  before(async () => {
    server = await startTestServer(backend(), {
      CREDENCE_QUERY_RATE_PER_S: "1000",
      CREDENCE_QUERY_DAILY_QUOTA: "1000",
    });
    const make = async (
      id: string,
      roles: ("furnisher" | "lender")[],
      kind: "platform" | "bank" | "small_lender",
      stake_bp?: number,
    ) => {
      keys[id] = (
        await ensureInstitution(server.ctx, {
          id,
          name: `${id} name`,
          legal_id: `L-${id}`,
          roles,
          kind,
          stake_bp,
        })
      ).token;
    };
    await make("pay-app", ["furnisher", "lender"], "platform");
    await make("shop-app", ["furnisher", "lender"], "platform", 2500);
    await make("big-bank", ["lender"], "bank");
    await make("small-bank", ["lender"], "small_lender");
    for (const [furnisher, records] of [
      ["pay-app", loanWithHistory(1, "PAY-1")],
      [
        "shop-app",
        [
          {
            type: "account",
            account_ref: "SHOP-1",
            ...person(1),
            kind: "bnpl",
            opened_on: "2026-01-10",
            currency: "CNY",
            credit_limit_minor: 500_000,
          },
        ],
      ],
    ] as const) {
      const response = await call<{ status: string }>(`${server.url}/v1/submissions?wait=true`, {
        key: keys[furnisher],
        raw: ndjson([...records]),
        headers: { "content-type": "application/x-ndjson" },
      });
      assert.equal(response.body.status, "accepted");
    }
  });
  after(() => server.close());

  async function consent(lender: string, body: Record<string, unknown> = {}) {
    const response = await call<{ id: string; jws: string; status: string }>(`${server.url}/v1/consents`, {
      key: keys[lender],
      body: {
        subject: person(1),
        purpose: "loan_origination",
        categories: ["credit_accounts", "alternative_data", "score"],
        mode: "one_time",
        expires_at: "2026-12-31T00:00:00Z",
        evidence,
        ...body,
      },
    });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return response.body;
  }
  const query = (lender: string, body: Record<string, unknown>) =>
    call<Answer>(`${server.url}/v1/reports`, {
      key: keys[lender],
      body: { product: "report", purpose: "loan_origination", ...body },
    });

  it("returns a consent signed by the bureau, verifiable with its JWKS", async () => {
    const { jwtVerify, compactVerify, createLocalJWKSet } = await import("jose");
    const signed = await consent("big-bank");
    const jwks = await call<{ keys: unknown[] }>(`${server.url}/.well-known/jwks.json`);
    const keySet = createLocalJWKSet(jwks.body as Parameters<typeof createLocalJWKSet>[0]);
    const { payload } = await compactVerify(signed.jws, keySet);
    const claims = JSON.parse(new TextDecoder().decode(payload));
    assert.equal(claims.jti, signed.id);
    assert.equal(claims.aud, "big-bank");
    assert.equal(claims.purpose, "loan_origination");
    assert.ok(jwtVerify);
  });

  it("answers a consented query with a report of the covered categories and discloses it", async () => {
    const signed = await consent("big-bank");
    const answer = await query("big-bank", { consent_id: signed.id, product: "report+score" });
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    const report = answer.body.report;
    assert.ok(report?.accounts && report.accounts.length === 2);
    assert.ok(report.alternative_data && report.alternative_data.length === 1);
    assert.equal(report.subject?.name, "S******");
    assert.match(report.subject?.id_number ?? "", /^\d{3}\*+\d{3}[\dX]$/);
    const grid = report.accounts.find((account) => account.furnisher.id === "pay-app")?.payment_grid ?? [];
    assert.equal(grid.length, 24);
    assert.deepEqual(
      grid.slice(-5).map((cell) => cell.code),
      ["N", "N", "N", "2", "N"],
    );
    assert.match(answer.body.disclosure.entry_id, /^le_/);
    assert.equal(answer.body.disclosure.price_minor, "130");
  });

  it("refuses the second use of a one-time consent and records both inquiries", async () => {
    const signed = await consent("big-bank");
    assert.equal((await query("big-bank", { consent_id: signed.id })).status, 200);
    const again = await query("big-bank", { consent_id: signed.id });
    assert.equal(again.status, 403);
    assert.equal(again.body.code, "CONSENT_USED");
    const rows = await backend().db.query<{ outcome: string }>(
      "SELECT outcome FROM inquiries WHERE consent_id = $1 ORDER BY at",
      [signed.id],
    );
    assert.deepEqual(rows.map((row) => row.outcome).sort(), ["CONSENT_USED", "answered"]);
  });

  it("answers each of many concurrent queries under its own consent, refusals included", async () => {
    // Lenders of this test alone, so that the other tests' billing of the day is untouched.
    for (const id of ["batch-bank-a", "batch-bank-b", "watch-bank"]) {
      keys[id] = (
        await ensureInstitution(server.ctx, {
          id,
          name: id,
          legal_id: `L-${id}`,
          roles: ["lender"],
          kind: "bank",
        })
      ).token;
    }
    const people = [20, 21, 22, 23, 24, 25];
    const furnished = await call<{ status: string }>(`${server.url}/v1/submissions?wait=true`, {
      key: keys["pay-app"],
      raw: ndjson(people.flatMap((n) => loanWithHistory(n, `PAY-${n}`))),
      headers: { "content-type": "application/x-ndjson" },
    });
    assert.equal(furnished.body.status, "accepted");
    const continuous = { mode: "continuous", purpose: "post_loan_management" };
    const a = await consent("batch-bank-a", continuous);
    const b = await consent("batch-bank-b", continuous);
    const others = await Promise.all(
      people.map((n) => consent("batch-bank-a", { ...continuous, subject: person(n) })),
    );
    // Another lender watches person 1, so every answer about them raises an alert in the same statement.
    const watched = await consent("watch-bank", { ...continuous, categories: ["credit_accounts"] });
    const subscription = await call<{ id: string }>(`${server.url}/v1/subscriptions`, {
      key: keys["watch-bank"],
      body: { consent_id: watched.id },
    });
    assert.equal(subscription.status, 201, JSON.stringify(subscription.body));
    const asks = [
      ["batch-bank-a", a.id, 200, undefined],
      ["batch-bank-b", b.id, 200, undefined],
      ["batch-bank-a", b.id, 403, "CONSENT_NOT_YOURS"],
      ["batch-bank-b", `cs_${"2".repeat(24)}`, 404, "CONSENT_UNKNOWN"],
      ...others.map((other) => ["batch-bank-a", other.id, 200, undefined] as const),
    ] as const;
    // Twelve rounds at once: more than the database runs at a time, so queries are read together.
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => asks).flatMap((round) =>
        round.map(([lender, consent_id]) => query(lender, { consent_id, purpose: "post_loan_management" })),
      ),
    );
    answers.forEach((answer, i) => {
      const [lender, , status, code] = asks[i % asks.length] as (typeof asks)[number];
      assert.equal(answer.status, status, `${lender}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.code, code);
      if (status === 200) assert.equal(answer.body.report?.accounts?.length, i % asks.length < 2 ? 2 : 1);
    });
    // Every answer has its own log entry and its inquiry names it; person 1's watcher got one alert per
    // answer about them, numbered without gap or repeat.
    const entries = answers
      .filter((answer) => answer.status === 200)
      .map((answer) => answer.body.disclosure.entry_id);
    assert.equal(new Set(entries).size, 12 * (2 + people.length));
    const [linked] = await backend().db.query<{ n: bigint }>(
      "SELECT count(*)::int8 AS n FROM inquiries WHERE outcome = 'answered' AND log_entry_id = ANY($1::text[])",
      [entries],
    );
    assert.equal(linked?.n, BigInt(entries.length));
    const alerts = await backend().db.query<{ sequence: bigint }>(
      "SELECT sequence FROM feed_outbox WHERE subscription_id = $1 AND type = 'inquiry.new' ORDER BY sequence",
      [subscription.body.id],
    );
    assert.deepEqual(
      alerts.map((alert) => Number(alert.sequence)),
      Array.from({ length: 24 }, (_, i) => i + 1),
    );
  });

  it("bills one subject queried twice by the same lender on the same day once", async () => {
    const first = await query("small-bank", { consent_id: (await consent("small-bank")).id });
    const second = await query("small-bank", { consent_id: (await consent("small-bank")).id });
    assert.equal(first.body.disclosure.price_minor, "50");
    assert.equal(second.body.disclosure.price_minor, "0");
  });

  it("shows only the categories the consent covers", async () => {
    const signed = await consent("big-bank", { categories: ["alternative_data"] });
    const answer = await query("big-bank", { consent_id: signed.id });
    assert.equal(answer.status, 200);
    assert.equal(answer.body.report?.accounts, undefined);
    assert.equal(answer.body.report?.alternative_data?.length, 1);
  });

  it("masks rival platforms' names for a lender that is itself a furnisher, shareholder or not", async () => {
    for (const [lender, rival] of [
      ["shop-app", "pay-app"],
      ["pay-app", "shop-app"],
    ] as const) {
      const answer = await query(lender, { consent_id: (await consent(lender)).id });
      assert.equal(answer.status, 200);
      const accounts = answer.body.report?.accounts ?? [];
      const own = accounts.find((account) => account.furnisher.id === lender);
      const other = accounts.find((account) => account.furnisher.masked);
      assert.ok(own, "its own account shows its name");
      assert.deepEqual(other?.furnisher, { masked: true, kind: "platform" });
      assert.ok(
        !JSON.stringify(answer.body).includes(`"${rival}"`) ||
          JSON.stringify(answer.body.report?.inquiries).includes(rival),
      );
    }
  });

  it("gives the shareholder no way around consent", async () => {
    const noConsent = await query("shop-app", { subject: person(1) });
    assert.equal(noConsent.body.code, "CONSENT_REQUIRED");
    const othersConsent = await query("shop-app", { consent_id: (await consent("big-bank")).id });
    assert.equal(othersConsent.body.code, "CONSENT_NOT_YOURS");
    const foreignSubmission = await call(`${server.url}/v1/submissions`, { key: keys["shop-app"] });
    assert.equal(foreignSubmission.status, 200);
    const listed = foreignSubmission.body as { items: { furnisher_id: string }[] };
    assert.ok(listed.items.every((item) => item.furnisher_id === "shop-app"));
  });

  for (const [name, prepare, code, status] of [
    ["an unknown consent", async () => ({ consent_id: `cs_${"0".repeat(24)}` }), "CONSENT_UNKNOWN", 404],
    ["a malformed consent id", async () => ({ consent_id: "cs_nothex" }), "VALIDATION_FAILED", 422],
    [
      "a revoked consent",
      async () => {
        const signed = await consent("big-bank");
        await call(`${server.url}/v1/consents/${signed.id}/revoke`, {
          key: keys["big-bank"],
          method: "POST",
        });
        return { consent_id: signed.id };
      },
      "CONSENT_REVOKED",
      403,
    ],
    [
      "an expired consent",
      async () => {
        const signed = await consent("big-bank", { expires_at: "2026-11-01T09:00:00Z" });
        server.clock.advance(2 * 3600_000);
        return { consent_id: signed.id };
      },
      "CONSENT_EXPIRED",
      403,
    ],
    [
      "a purpose the consent does not cover",
      async () => ({ consent_id: (await consent("big-bank")).id, purpose: "guarantee_review" }),
      "CONSENT_PURPOSE_NOT_COVERED",
      403,
    ],
    [
      "a category the consent does not cover",
      async () => ({
        consent_id: (await consent("big-bank", { categories: ["credit_accounts"] })).id,
        product: "score",
      }),
      "CONSENT_CATEGORY_NOT_COVERED",
      403,
    ],
  ] as const) {
    it(`refuses ${name} with ${code}`, async () => {
      const response = await query("big-bank", await prepare());
      assert.equal(response.status, status, JSON.stringify(response.body));
      assert.equal(response.body.code, code);
    });
  }

  it("answers a subject without a file with NO_RECORD, not an error", async () => {
    const signed = await call<{ id: string }>(`${server.url}/v1/consents`, {
      key: keys["big-bank"],
      body: {
        subject: person(777),
        purpose: "loan_origination",
        categories: ["credit_accounts"],
        mode: "one_time",
        expires_at: "2027-06-30T00:00:00Z",
        evidence,
      },
    });
    const response = await query("big-bank", { consent_id: signed.body.id });
    assert.equal(response.status, 404);
    assert.equal(response.body.code, "NO_RECORD");
  });

  it("rejects an invalid identifier in a consent without echoing it", async () => {
    const bad = `${uniqueResidentId(5).slice(0, 17)}${uniqueResidentId(5).endsWith("0") ? "1" : "0"}`;
    const response = await call(`${server.url}/v1/consents`, {
      key: keys["big-bank"],
      body: {
        subject: { id_type: "cn_resident_id", id_number: bad },
        purpose: "loan_origination",
        categories: ["credit_accounts"],
        mode: "one_time",
        expires_at: "2027-06-30T00:00:00Z",
        evidence,
      },
    });
    assert.equal(response.status, 422);
    assert.equal(response.body.code, "IDENTIFIER_INVALID");
    assert.ok(!JSON.stringify(response.body).includes(bad));
  });

  it("keeps lender keys off furnisher routes and furnisher-only keys off queries", async () => {
    const lenderUpload = await call(`${server.url}/v1/submissions`, {
      key: keys["big-bank"],
      raw: "{}\n",
      headers: { "content-type": "application/x-ndjson" },
    });
    assert.equal(lenderUpload.body.code, "ROLE_FORBIDDEN");
  });

  it("renders a printable HTML report", async () => {
    const response = await fetch(`${server.url}/v1/reports?format=html`, {
      method: "POST",
      headers: { authorization: `Bearer ${keys["big-bank"]}`, "content-type": "application/json" },
      body: JSON.stringify({
        product: "report",
        purpose: "loan_origination",
        consent_id: (await consent("big-bank")).id,
      }),
    });
    assert.equal(response.headers.get("content-type"), "text/html; charset=utf-8");
    const html = await response.text();
    assert.match(html, /Payment|Accounts/);
    assert.ok(!html.includes("<script"));
  });
});

describeEachBackend("query limits", (backend) => {
  let server: TestServer;
  let key = "";
  before(async () => {
    server = await startTestServer(backend(), {
      CREDENCE_QUERY_RATE_PER_S: "2",
      CREDENCE_QUERY_DAILY_QUOTA: "3",
    });
    key = (
      await ensureInstitution(server.ctx, {
        id: "busy-bank",
        name: "Busy",
        legal_id: "L-BUSY",
        roles: ["lender"],
        kind: "bank",
      })
    ).token;
  });
  after(() => server.close());

  it("answers 429 with Retry-After past the rate and past the daily quota", async () => {
    const ask = () =>
      call(`${server.url}/v1/reports`, {
        key,
        body: { product: "report", purpose: "loan_origination", consent_id: `cs_${"1".repeat(24)}` },
      });
    assert.equal((await ask()).body.code, "CONSENT_UNKNOWN");
    assert.equal((await ask()).body.code, "CONSENT_UNKNOWN");
    const limited = await ask();
    assert.equal(limited.status, 429);
    assert.equal(limited.body.code, "RATE_LIMITED");
    assert.equal(limited.headers.get("retry-after"), "1");
    server.clock.advance(1000);
    assert.equal((await ask()).body.code, "CONSENT_UNKNOWN");
    server.clock.advance(1000);
    const quota = await ask();
    assert.equal(quota.status, 429);
    assert.equal(quota.body.code, "QUOTA_EXCEEDED");
    assert.ok(Number(quota.headers.get("retry-after")) > 3600);
  });
});

describeEachBackend("lender queries under a permissible purpose (us regime)", (backend) => {
  let server: TestServer;
  const keys: Record<string, string> = {};
  const ssn = (n: number) => ({
    id_type: "us_ssn",
    id_number: `123-45-${String(6789 + n).padStart(4, "0")}`,
  });
  before(async () => {
    server = await startTestServer(backend(), { CREDENCE_REGIME: "us" });
    for (const [id, roles, kind] of [
      ["card-app", ["furnisher"], "platform"],
      ["main-bank", ["lender"], "bank"],
    ] as const) {
      keys[id] = (
        await ensureInstitution(server.ctx, { id, name: id, legal_id: `L-${id}`, roles: [...roles], kind })
      ).token;
    }
    const records = [
      { type: "subject", ...ssn(1), name: "Synthetic Person" },
      {
        type: "account",
        account_ref: "CARD-1",
        ...ssn(1),
        kind: "credit_card",
        opened_on: "2025-05-01",
        currency: "USD",
        credit_limit_minor: 500_000,
      },
      {
        type: "statement",
        account_ref: "CARD-1",
        ...ssn(1),
        period: "2026-10",
        balance_minor: 120_000,
        past_due_minor: 0,
        days_past_due: 0,
        scheduled_payment_minor: 3_500,
        actual_payment_minor: 3_500,
        status: "current",
      },
    ];
    const response = await call<{ status: string }>(`${server.url}/v1/submissions?wait=true`, {
      key: keys["card-app"],
      raw: ndjson(records),
      headers: { "content-type": "application/x-ndjson" },
    });
    assert.equal(response.body.status, "accepted", JSON.stringify(response.body));
  });
  after(() => server.close());

  it("answers a query that names the subject without a consent, and says when there is no file", async () => {
    const ask = (n: number) =>
      call<Answer>(`${server.url}/v1/reports`, {
        key: keys["main-bank"],
        body: { product: "report", purpose: "loan_origination", subject: ssn(n) },
      });
    const answered = await ask(1);
    assert.equal(answered.status, 200, JSON.stringify(answered.body));
    assert.equal(answered.body.report?.accounts?.length, 1);
    assert.equal(answered.body.report?.subject?.name.includes("Synthetic"), false, "the name is masked");
    const none = await ask(2);
    assert.equal(none.status, 404);
    assert.equal(none.body.code, "NO_RECORD");
  });
});
