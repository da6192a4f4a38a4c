import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { ManualClock } from "../config/clock.ts";
import { loadConfig } from "../config/config.ts";
import { ephemeralKeyring } from "../config/keyring.ts";
import { describeEachBackend } from "../db/testing.ts";
import { uniqueResidentId } from "../demo/synthetic-ids.ts";
import type { App, AppContext } from "../http/context.ts";
import { allRoutes } from "../http/routes.ts";
import { buildServer } from "../http/server.ts";
import { call, ensureInstitution } from "../http/testing.ts";
import { FeedDispatcher } from "./dispatcher.ts";
import { ManualScheduler } from "./scheduler.ts";
import { recordInquiryEvent } from "./subject-events.ts";
import { TestReceiver } from "./test-receiver.ts";
import { webhook_url_length_max } from "./webhooks.ts";

type Subscription = {
  id: string;
  consent_id: string;
  status: string;
  end_reason: string | null;
  last_sequence: number;
};
type Problem = { code: string };

describeEachBackend("feed over HTTP", (backend) => {
  const clock = new ManualClock("2026-11-01T08:00:00Z");
  let app: App;
  let ctx: AppContext;
  let url: string;
  let bank: string;
  let rival: string;
  /** A lender without a webhook, whose alerts no dispatcher in this suite picks up. */
  let quiet: string;
  let platform: string;
  let people = 0;

  async function consent(key: string, overrides: Record<string, unknown> = {}) {
    const response = await call<{ id: string }>(`${url}/v1/consents`, {
      key,
      body: {
        subject: { id_type: "cn_resident_id", id_number: uniqueResidentId(9_000 + people++) },
        purpose: "post_loan_management",
        categories: ["credit_accounts"],
        mode: "continuous",
        expires_at: "2027-11-01T00:00:00Z",
        evidence: { sha256: "b".repeat(64), ref: "synthetic-form" },
        ...overrides,
      },
    });
    assert.equal(response.status, 201);
    return response.body.id;
  }

  const subscribe = (key: string, consent_id: string) =>
    call<Subscription & Problem>(`${url}/v1/subscriptions`, { key, body: { consent_id } });

  before(async () => {
    const config = loadConfig({ CREDENCE_LOG_LEVEL: "silent" });
    ctx = { config, db: backend().db, keyring: ephemeralKeyring(), clock };
    const routes = allRoutes;
    app = await buildServer(ctx, { logging: false, routes });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const address = app.server.address();
    assert.ok(address && typeof address !== "string");
    url = `http://127.0.0.1:${address.port}`;
    const lender = (id: string) =>
      ensureInstitution(ctx, {
        id,
        name: `Synthetic ${id}`,
        legal_id: `L-${id}`,
        roles: ["lender"],
        kind: "bank",
      });
    bank = (await lender("bank-a")).token;
    rival = (await lender("bank-b")).token;
    quiet = (await lender("bank-c")).token;
    platform = (
      await ensureInstitution(ctx, {
        id: "pay-app",
        name: "Pay App",
        legal_id: "L-PAY",
        roles: ["furnisher"],
        kind: "platform",
      })
    ).token;
  });
  after(async () => {
    await app.close();
  });

  it("subscribes the subject of a continuous post-loan consent, once", async () => {
    const consent_id = await consent(bank);
    const first = await subscribe(bank, consent_id);
    assert.equal(first.status, 201);
    assert.match(first.body.id, /^fs_[a-f0-9]{24}$/);
    assert.deepEqual(
      [first.body.consent_id, first.body.status, first.body.end_reason, first.body.last_sequence],
      [consent_id, "active", null, 0],
    );
    const again = await subscribe(bank, consent_id);
    assert.equal(again.status, 200);
    assert.equal(again.body.id, first.body.id);
    const listed = await call<{ items: Subscription[] }>(`${url}/v1/subscriptions`, { key: bank });
    assert.ok(listed.body.items.some((item) => item.id === first.body.id));
  });

  it("refuses a consent that cannot carry alerts, saying why", async () => {
    const cases: [string, Record<string, unknown>, number, string][] = [
      ["one-time", { mode: "one_time" }, 422, "SUBSCRIPTION_NEEDS_CONTINUOUS_CONSENT"],
      ["another purpose", { purpose: "loan_origination" }, 403, "CONSENT_PURPOSE_NOT_COVERED"],
      ["no credit accounts", { categories: ["score"] }, 403, "CONSENT_CATEGORY_NOT_COVERED"],
    ];
    for (const [label, overrides, status, code] of cases) {
      const response = await subscribe(bank, await consent(bank, overrides));
      assert.deepEqual([response.status, response.body.code], [status, code], label);
    }
    const revoked = await consent(bank);
    await call(`${url}/v1/consents/${revoked}/revoke`, { key: bank, method: "POST" });
    assert.equal((await subscribe(bank, revoked)).body.code, "CONSENT_REVOKED");
    assert.equal((await subscribe(rival, await consent(bank))).body.code, "CONSENT_NOT_YOURS");
    assert.equal((await subscribe(bank, "cs_000000000000000000000000")).body.code, "CONSENT_UNKNOWN");
    assert.equal((await subscribe(platform, await consent(bank))).body.code, "ROLE_FORBIDDEN");
  });

  it("cancels a subscription, and subscribing again resumes it with its sequence", async () => {
    const consent_id = await consent(quiet);
    const { id } = (await subscribe(quiet, consent_id)).body;
    const [row] = await ctx.db.query<{ subject_key: Buffer }>(
      "SELECT subject_key FROM feed_subscriptions WHERE id = $1",
      [id],
    );
    await ctx.db.transaction((tx) =>
      recordInquiryEvent(tx, {
        subject_key: row?.subject_key as Buffer,
        institution_id: "bank-b",
        at: clock.now(),
      }),
    );
    const cancelled = await call<Subscription>(`${url}/v1/subscriptions/${id}`, {
      key: quiet,
      method: "DELETE",
    });
    assert.deepEqual(
      [cancelled.status, cancelled.body.status, cancelled.body.end_reason],
      [200, "ended", "cancelled"],
    );
    const resumed = await subscribe(quiet, consent_id);
    assert.deepEqual(
      [resumed.status, resumed.body.id, resumed.body.status, resumed.body.last_sequence],
      [201, id, "active", 1],
    );
    for (const [key, target] of [
      [bank, id],
      [quiet, "fs_000000000000000000000000"],
      [quiet, "nonsense"],
    ] as const) {
      const response = await call<Problem>(`${url}/v1/subscriptions/${target}`, { key, method: "DELETE" });
      assert.deepEqual([response.status, response.body.code], [404, "SUBSCRIPTION_UNKNOWN"]);
    }
  });

  it("shows a subscription as ended once its consent is revoked", async () => {
    const consent_id = await consent(bank);
    const { id } = (await subscribe(bank, consent_id)).body;
    await call(`${url}/v1/consents/${consent_id}/revoke`, { key: bank, method: "POST" });
    const listed = await call<{ items: Subscription[] }>(`${url}/v1/subscriptions?limit=500`, { key: bank });
    const item = listed.body.items.find((subscription) => subscription.id === id);
    assert.deepEqual([item?.status, item?.end_reason], ["ended", "consent_revoked"]);
  });

  it("pages subscriptions, at most 500 a page", async () => {
    const consents = [await consent(rival), await consent(rival)];
    for (const consent_id of consents) await subscribe(rival, consent_id);
    const first = await call<{ items: Subscription[] }>(`${url}/v1/subscriptions?limit=1`, { key: rival });
    assert.equal(first.body.items.length, 1);
    const rest = await call<{ items: Subscription[] }>(
      `${url}/v1/subscriptions?limit=500&after=${first.body.items[0]?.id}`,
      { key: rival },
    );
    assert.equal(rest.body.items.length, 1);
    assert.notEqual(rest.body.items[0]?.id, first.body.items[0]?.id);
    const over = await call<Problem>(`${url}/v1/subscriptions?limit=501`, { key: rival });
    assert.deepEqual([over.status, over.body.code], [422, "VALIDATION_FAILED"]);
  });

  it("registers a webhook and shows its secret only in the answer to the registration", async () => {
    const missing = await call<Problem>(`${url}/v1/webhooks`, { key: rival });
    assert.deepEqual([missing.status, missing.body.code], [404, "WEBHOOK_NOT_REGISTERED"]);
    const target = "https://lender.example/credence/alerts";
    const first = await call<{ url: string; secret: string }>(`${url}/v1/webhooks`, {
      key: rival,
      method: "PUT",
      body: { url: target },
    });
    assert.equal(first.status, 200);
    assert.match(first.body.secret, /^whsec_[A-Za-z0-9_-]{43}$/);
    const shown = await call<Record<string, unknown>>(`${url}/v1/webhooks`, { key: rival });
    assert.equal(shown.body.url, target);
    assert.equal(shown.body.secret, undefined);
    assert.ok(!JSON.stringify(shown.body).includes(first.body.secret));
    const again = await call<{ secret: string }>(`${url}/v1/webhooks`, {
      key: rival,
      method: "PUT",
      body: { url: target },
    });
    assert.notEqual(again.body.secret, first.body.secret, "registering again rotates the secret");
  });

  it("accepts only plain http(s) webhook URLs up to the length limit", async () => {
    const put = (target: string) =>
      call<Problem>(`${url}/v1/webhooks`, { key: rival, method: "PUT", body: { url: target } });
    const longest = `https://lender.example/${"a".repeat(webhook_url_length_max - "https://lender.example/".length)}`;
    assert.equal((await put(longest)).status, 200);
    assert.deepEqual((await put(`${longest}a`)).body.code, "VALIDATION_FAILED");
    for (const bad of ["ftp://lender.example/x", "not a url", "https://user:pass@lender.example/x"]) {
      const response = await put(bad);
      assert.deepEqual([response.status, response.body.code], [422, "WEBHOOK_URL_INVALID"], bad);
    }
  });

  it("lists dead letters and redelivers one on request", async () => {
    const receiver = await TestReceiver.start();
    try {
      receiver.answer = 500;
      await call(`${url}/v1/webhooks`, { key: bank, method: "PUT", body: { url: receiver.url } });
      const consent_id = await consent(bank);
      await subscribe(bank, consent_id);
      const [row] = await ctx.db.query<{ subject_key: Buffer }>(
        "SELECT subject_key FROM feed_subscriptions WHERE consent_id = $1",
        [consent_id],
      );
      await ctx.db.transaction((tx) =>
        recordInquiryEvent(tx, {
          subject_key: row?.subject_key as Buffer,
          institution_id: "bank-b",
          at: clock.now(),
        }),
      );
      const dispatcher = new FeedDispatcher({
        db: ctx.db,
        keyring: ctx.keyring,
        clock,
        regime: ctx.config.regime,
        scheduler: new ManualScheduler(),
        limits: { attempts_max: 1 },
      });
      assert.equal((await dispatcher.runOnce()).dead, 1);

      type Letters = {
        items: { event: { id: string; consent_id: string; type: string }; last_error: string }[];
      };
      const letters = await call<Letters>(`${url}/v1/webhooks/dead-letters`, { key: bank });
      const letter = letters.body.items.find((item) => item.event.consent_id === consent_id);
      assert.deepEqual([letter?.event.type, letter?.last_error], ["inquiry.new", "HTTP 500"]);
      const id = letter?.event.id as string;
      const foreign = await call<Problem>(`${url}/v1/webhooks/dead-letters/${id}/redeliver`, {
        key: rival,
        method: "POST",
      });
      assert.deepEqual([foreign.status, foreign.body.code], [404, "DEAD_LETTER_UNKNOWN"]);
      const queued = await call(`${url}/v1/webhooks/dead-letters/${id}/redeliver`, {
        key: bank,
        method: "POST",
      });
      assert.deepEqual([queued.status, queued.body], [202, { id, state: "pending" }]);
      const twice = await call<Problem>(`${url}/v1/webhooks/dead-letters/${id}/redeliver`, {
        key: bank,
        method: "POST",
      });
      assert.equal(twice.body.code, "DEAD_LETTER_UNKNOWN");
      receiver.answer = 200;
      assert.equal((await dispatcher.runOnce()).delivered, 1);
      assert.deepEqual(receiver.ids(), [id, id]);
      type Latest = { items: { event: { id: string; type: string }; state: string }[] };
      const latest = await call<Latest>(`${url}/v1/alerts?limit=5`, { key: bank });
      assert.deepEqual(
        latest.body.items.filter((item) => item.event.id === id).map((item) => [item.event.type, item.state]),
        [["inquiry.new", "delivered"]],
      );
      const others = await call<Latest>(`${url}/v1/alerts`, { key: rival });
      assert.ok(
        others.body.items.every((item) => item.event.id !== id),
        "a lender sees only its own alerts",
      );
    } finally {
      await receiver.down();
    }
  });
});
