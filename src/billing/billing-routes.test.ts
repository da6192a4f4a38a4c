import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, it } from "node:test";
import { ManualClock } from "../config/clock.ts";
import { loadConfig } from "../config/config.ts";
import { ephemeralKeyring } from "../config/keyring.ts";
import { describeEachBackend } from "../db/testing.ts";
import { enqueueDisclosure, LogSequencer } from "../disclosure-log/log-store.ts";
import type { App, AppContext } from "../http/context.ts";
import { buildServer } from "../http/server.ts";
import { call, ensureInstitution } from "../http/testing.ts";
import { institutionRoutes } from "../institutions/index.ts";
import { billingRoutes } from "./billing-routes.ts";
import { priceFor } from "./price-store.ts";
import { syntheticSubjectKey } from "./test-support.ts";

describeEachBackend("billing over HTTP", (backend) => {
  const clock = new ManualClock("2027-01-04T08:00:00Z");
  let app: App;
  let ctx: AppContext;
  let url: string;
  const keys: Record<string, string> = {};

  /** Queues a query's disclosure the way the query service does, then sequences the log. */
  async function disclose(
    recipient: string,
    subject: number,
    furnishers: { institution: string; records: number }[],
  ) {
    const at = clock.now();
    const listed = await priceFor(ctx.db, "cn", recipient, "report", at);
    await enqueueDisclosure(ctx.db, {
      at,
      recipient,
      product: "report",
      purpose: "loan_origination",
      consent_sha256: "cd".repeat(32),
      subject_key: syntheticSubjectKey(subject),
      furnishers,
      price_minor: listed.price_minor,
      currency: listed.currency,
    });
  }

  before(async () => {
    ctx = {
      config: loadConfig({ CREDENCE_LOG_LEVEL: "silent" }),
      db: backend().db,
      keyring: ephemeralKeyring(),
      clock,
    };
    app = await buildServer(ctx, { logging: false, routes: [institutionRoutes, billingRoutes] });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const address = app.server.address();
    if (!address || typeof address === "string") throw new Error("server has no port");
    url = `http://127.0.0.1:${address.port}`;
    const members = [
      ["test-bureau", "bureau", "bureau"],
      ["the-regulator", "regulator", "regulator"],
      ["big-bank", "bank", "lender"],
      ["other-bank", "bank", "lender"],
      ["pay-app", "platform", "furnisher"],
      ["shop-app", "platform", "furnisher"],
    ] as const;
    for (const [id, kind, role] of members) {
      keys[id] = (
        await ensureInstitution(ctx, { id, name: `Synthetic ${id}`, legal_id: id, roles: [role], kind })
      ).token;
    }
    await disclose("big-bank", 1, [
      { institution: "pay-app", records: 2 },
      { institution: "shop-app", records: 1 },
    ]);
    clock.advance(60_000);
    await disclose("other-bank", 2, [{ institution: "pay-app", records: 1 }]);
    await new LogSequencer(ctx.db, { origin: "credence.test/billing", seed: randomBytes(32), clock }).drain();
  });
  after(() => app.close());

  const get = (path: string, who: string) => call(`${url}${path}`, { key: keys[who] });

  it("lets the bureau fold the log into the ledger", async () => {
    const folded = await call(`${url}/v1/billing/fold`, { method: "POST", key: keys["test-bureau"] });
    assert.equal(folded.status, 200);
    assert.deepEqual(folded.body, { folded: 2, posted: 2, last_idx: 1 });
    assert.equal(
      (await call(`${url}/v1/billing/fold`, { method: "POST", key: keys["big-bank"] })).status,
      403,
    );
  });

  it("shows a lender its own statement, with amounts as decimal strings and no subject", async () => {
    const response = await get("/v1/billing/statements/lenders/big-bank?month=2027-01", "big-bank");
    assert.equal(response.status, 200);
    assert.deepEqual(response.body.lines, [
      {
        product: "report",
        currency: "CNY",
        count: 1,
        free_count: 0,
        gross_minor: "100",
        refund_count: 0,
        refunds_minor: "0",
        net_minor: "100",
      },
    ]);
    const text = JSON.stringify(response.body);
    assert.ok(!text.includes(syntheticSubjectKey(1).toString("hex")));
    assert.ok(!/subject/i.test(text));
  });

  it("keeps statements to their owner and the bureau", async () => {
    const code = async (path: string, who: string) => ((await get(path, who)).body as { code?: string }).code;
    assert.equal(
      await code("/v1/billing/statements/lenders/big-bank?month=2027-01", "other-bank"),
      "INSTITUTION_FORBIDDEN",
    );
    assert.equal(
      await code("/v1/billing/statements/lenders/big-bank?month=2027-01", "pay-app"),
      "ROLE_FORBIDDEN",
    );
    assert.equal(
      await code("/v1/billing/statements/furnishers/pay-app?month=2027-01", "shop-app"),
      "INSTITUTION_FORBIDDEN",
    );
    assert.equal(
      await code("/v1/billing/statements/furnishers/pay-app?month=2027-01", "big-bank"),
      "ROLE_FORBIDDEN",
    );
    assert.equal(await code("/v1/billing/totals?month=2027-01", "big-bank"), "ROLE_FORBIDDEN");
    assert.equal(
      (await get("/v1/billing/statements/lenders/big-bank?month=2027-01", "test-bureau")).status,
      200,
    );
    assert.equal((await get("/v1/billing/statements/lenders/big-bank", "test-bureau")).status, 400);
  });

  it("shows a furnisher its earnings by lender and product, as CSV too", async () => {
    const json = await get("/v1/billing/statements/furnishers/pay-app?month=2027-01", "pay-app");
    assert.deepEqual(
      (json.body.lines as { lender_id: string; earned_minor: string }[]).map((line) => [
        line.lender_id,
        line.earned_minor,
      ]),
      [
        ["big-bank", "20"],
        ["other-bank", "30"],
      ],
    );
    const csv = await get("/v1/billing/statements/furnishers/pay-app?month=2027-01&format=csv", "pay-app");
    assert.match(csv.headers.get("content-type") ?? "", /^text\/csv/);
    assert.match(csv.headers.get("content-disposition") ?? "", /earnings-pay-app-2027-01\.csv/);
    assert.deepEqual(String(csv.body).trimEnd().split("\r\n"), [
      "month,furnisher_id,lender_id,product,currency,count,earned_minor,reversal_count,reversed_minor,net_minor",
      "2027-01,pay-app,big-bank,report,CNY,1,20,0,0,20",
      "2027-01,pay-app,other-bank,report,CNY,1,30,0,0,30",
    ]);
  });

  it("prints a self-contained statement page", async () => {
    const html = await get("/v1/billing/statements/lenders/big-bank?month=2027-01&format=html", "big-bank");
    assert.match(html.headers.get("content-type") ?? "", /^text\/html/);
    const page = String(html.body);
    assert.match(page, /Synthetic big-bank/);
    assert.match(page, /1\.00 CNY/);
    assert.ok(!/<script|src=|href=/i.test(page));
  });

  it("answers a malformed month with BAD_QUERY and a quiet month with an empty statement", async () => {
    for (const month of ["2027-1", "2027-13", "january", "2027-01-01"]) {
      const response = await get(`/v1/billing/statements/lenders/big-bank?month=${month}`, "big-bank");
      assert.equal(response.status, 400);
      assert.equal(response.body.code, "BAD_QUERY");
    }
    const quiet = await get("/v1/billing/statements/lenders/big-bank?month=2026-12", "big-bank");
    assert.equal(quiet.status, 200);
    assert.deepEqual(quiet.body.lines, []);
    const csv = await get("/v1/billing/statements/lenders/big-bank?month=2026-12&format=csv", "big-bank");
    assert.equal(String(csv.body).split("\r\n").filter(Boolean).length, 1);
  });

  it("gives the regulator totals that balance, and a verification that matches", async () => {
    const totals = await get("/v1/billing/totals?month=2027-01", "the-regulator");
    assert.equal(totals.status, 200);
    assert.deepEqual(totals.body.balance, [{ currency: "CNY", total_minor: "0" }]);
    assert.deepEqual(
      (totals.body.lenders as { institution_id: string; gross_minor: string }[]).map((row) => [
        row.institution_id,
        row.gross_minor,
      ]),
      [
        ["big-bank", "100"],
        ["other-bank", "100"],
      ],
    );
    const verified = await get("/v1/billing/verify?month=2027-01", "the-regulator");
    assert.equal(verified.body.matches, true);
    assert.equal(verified.body.entries, 2);
  });

  it("refunds a disputed charge once and says so when asked again", async () => {
    const body = { log_idx: 0, reason: "the subject disputes this query" };
    const first = await call(`${url}/v1/billing/refunds`, { key: keys["test-bureau"], body });
    assert.equal(first.status, 201);
    assert.equal(first.body.refunded_minor, "100");
    const again = await call(`${url}/v1/billing/refunds`, { key: keys["test-bureau"], body });
    assert.equal(again.status, 200);
    assert.equal(again.body.replay, true);
    const other = await call(`${url}/v1/billing/refunds`, {
      key: keys["test-bureau"],
      body: { ...body, reason: "else" },
    });
    assert.equal(other.body.code, "BILLING_REFUND_CONFLICT");
    const line = (await get("/v1/billing/statements/lenders/big-bank?month=2027-01", "big-bank")).body
      .lines as {
      net_minor: string;
    }[];
    assert.equal(line[0]?.net_minor, "0");
  });

  it("publishes the price book and lets only the bureau announce future prices", async () => {
    const book = await get("/v1/billing/prices", "big-bank");
    assert.equal((book.body.items as unknown[]).length, 8);
    const price = {
      product: "report",
      tier: "standard",
      effective_from: "2027-02-01",
      price_minor: "110",
      currency: "CNY",
    };
    assert.equal(
      (await call(`${url}/v1/billing/prices`, { key: keys["big-bank"], body: price })).status,
      403,
    );
    const added = await call(`${url}/v1/billing/prices`, { key: keys["test-bureau"], body: price });
    assert.equal(added.status, 201);
    const past = await call(`${url}/v1/billing/prices`, {
      key: keys["test-bureau"],
      body: { ...price, effective_from: "2027-01-04" },
    });
    assert.equal(past.body.code, "BILLING_EFFECTIVE_DATE_INVALID");
    const share = await call(`${url}/v1/billing/revenue-share`, {
      method: "PUT",
      key: keys["test-bureau"],
      body: { share_bp: 3500, effective_from: "2027-02-01" },
    });
    assert.equal(share.status, 200);
    const tier = await call(`${url}/v1/billing/tiers/other-bank`, {
      method: "PUT",
      key: keys["test-bureau"],
      body: { tier: "small_lender", effective_from: "2027-02-01" },
    });
    assert.deepEqual(tier.body, {
      lender_id: "other-bank",
      tier: "small_lender",
      effective_from: "2027-02-01",
    });
  });
});
