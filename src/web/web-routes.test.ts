// Tests of the portals' server side: the public regime facts, personal-token issuance, the app served at `/` with
// every non-API path falling back to it, and the page shown when the app has not been built.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, it } from "node:test";
import { ManualClock } from "../config/clock.ts";
import { loadConfig } from "../config/config.ts";
import { ephemeralKeyring } from "../config/keyring.ts";
import { describeEachBackend } from "../db/testing.ts";
import { uniqueResidentId } from "../demo/synthetic-ids.ts";
import { furnishingRoutes } from "../furnishing/furnishing-routes.ts";
import type { App, AppContext } from "../http/context.ts";
import { buildServer } from "../http/server.ts";
import { call, ensureInstitution } from "../http/testing.ts";
import { institutionRoutes } from "../institutions/institution-routes.ts";
import { subject_token_days_max } from "./subject-token-routes.ts";
import { webRoutesFrom } from "./web-routes.ts";

const index_html = "<!doctype html><title>portals</title><div id=root></div>";
const app_js = "console.log('portals');";

async function listen(ctx: AppContext, dist_dir: string): Promise<{ app: App; url: string }> {
  const app = await buildServer(ctx, {
    logging: false,
    routes: [institutionRoutes, furnishingRoutes, webRoutesFrom(dist_dir)],
  });
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  assert.ok(address && typeof address !== "string");
  return { app, url: `http://127.0.0.1:${address.port}` };
}

describeEachBackend("portal routes", (backend) => {
  const clock = new ManualClock("2026-11-01T08:00:00Z");
  const dist_dir = fs.mkdtempSync(path.join(os.tmpdir(), "credence-web-dist-"));
  let built: { app: App; url: string };
  let unbuilt: { app: App; url: string };
  let bureau: string;
  let lender: string;

  before(async () => {
    fs.mkdirSync(path.join(dist_dir, "assets"));
    fs.writeFileSync(path.join(dist_dir, "index.html"), index_html);
    fs.writeFileSync(path.join(dist_dir, "assets", "app-1234abcd.js"), app_js);
    const ctx: AppContext = {
      config: loadConfig({ CREDENCE_LOG_LEVEL: "silent" }),
      db: backend().db,
      keyring: ephemeralKeyring(),
      clock,
    };
    built = await listen(ctx, dist_dir);
    unbuilt = await listen(ctx, path.join(dist_dir, "missing"));
    bureau = (
      await ensureInstitution(ctx, {
        id: "web-bureau",
        name: "Web Bureau",
        legal_id: "WEB-BUREAU",
        roles: ["bureau"],
        kind: "bureau",
      })
    ).token;
    lender = (
      await ensureInstitution(ctx, {
        id: "web-bank",
        name: "Web Bank",
        legal_id: "WEB-BANK",
        roles: ["lender"],
        kind: "bank",
      })
    ).token;
    const furnisher = await ensureInstitution(ctx, {
      id: "web-platform",
      name: "Web Platform",
      legal_id: "WEB-PLATFORM",
      roles: ["furnisher"],
      kind: "platform",
    });
    const records = [3, 4, 5].map((n) => ({
      type: "subject",
      id_type: "cn_resident_id",
      id_number: uniqueResidentId(n),
      name: `Synthetic Person ${n}`,
    }));
    const furnished = await call(`${built.url}/v1/records`, { key: furnisher.token, body: { records } });
    assert.equal(furnished.body.lines_accepted, 3);
  });
  after(async () => {
    await built.app.close();
    await unbuilt.app.close();
    fs.rmSync(dist_dir, { recursive: true, force: true });
  });

  it("tells anyone the regime, its default language, the log's origin and the server's time", async () => {
    const response = await call(`${built.url}/v1/meta`);
    assert.equal(response.status, 200);
    const { regime_name, ...facts } = response.body;
    assert.match(String(regime_name), /China/);
    assert.deepEqual(facts, {
      regime: "cn",
      default_locale: "zh-CN",
      currency: "CNY",
      identifier_types: ["cn_resident_id", "cn_uscc"],
      consent_required: true,
      free_own_reports_per_year: 2,
      dispute_deadline_days: 20,
      log_origin: loadConfig({}).log_origin,
      server_time: "2026-11-01T08:00:00.000Z",
    });
  });

  it("issues a personal token that signs the person in as a subject", async () => {
    const issued = await call<{ token: string; expires_at: string }>(`${built.url}/v1/subjects/tokens`, {
      key: bureau,
      body: { subject: { id_type: "cn_resident_id", id_number: uniqueResidentId(3) } },
    });
    assert.equal(issued.status, 201);
    assert.match(issued.body.token, /^cp_/);
    assert.equal(issued.body.expires_at, "2027-01-30T08:00:00.000Z");
    const me = await call(`${built.url}/v1/me`, { key: issued.body.token });
    assert.deepEqual(me.body, { kind: "subject" });
  });

  it("issues tokens valid for up to subject_token_days_max days and no longer", async () => {
    const subject = { id_type: "cn_resident_id", id_number: uniqueResidentId(4) };
    const longest = await call<{ expires_at: string }>(`${built.url}/v1/subjects/tokens`, {
      key: bureau,
      body: { subject, valid_days: subject_token_days_max },
    });
    assert.equal(longest.status, 201);
    assert.equal(longest.body.expires_at, "2027-11-01T08:00:00.000Z");
    const longer = await call(`${built.url}/v1/subjects/tokens`, {
      key: bureau,
      body: { subject, valid_days: subject_token_days_max + 1 },
    });
    assert.equal(longer.status, 422);
    assert.equal(longer.body.code, "VALIDATION_FAILED");
  });

  it("issues tokens only to the bureau, and names the bad field of an invalid identifier without echoing it", async () => {
    const subject = { id_type: "cn_resident_id", id_number: uniqueResidentId(5) };
    const by_lender = await call(`${built.url}/v1/subjects/tokens`, { key: lender, body: { subject } });
    assert.equal(by_lender.status, 403);
    assert.equal(by_lender.body.code, "ROLE_FORBIDDEN");
    const wrong = `${subject.id_number.slice(0, 17)}${subject.id_number.endsWith("0") ? "1" : "0"}`;
    const invalid = await call(`${built.url}/v1/subjects/tokens`, {
      key: bureau,
      body: { subject: { ...subject, id_number: wrong } },
    });
    assert.equal(invalid.status, 422);
    assert.equal(invalid.body.code, "IDENTIFIER_INVALID");
    assert.equal(invalid.body.field, "subject.id_number");
    assert.doesNotMatch(JSON.stringify(invalid.body), new RegExp(wrong));
  });

  it("refuses a token for a person the bureau holds no record of", async () => {
    const response = await call(`${built.url}/v1/subjects/tokens`, {
      key: bureau,
      body: { subject: { id_type: "cn_resident_id", id_number: uniqueResidentId(6) } },
    });
    assert.equal(response.status, 404);
    assert.equal(response.body.code, "SUBJECT_UNKNOWN");
  });

  it("serves the app at / and at every path inside it, so links and reloads work", async () => {
    for (const page of ["/", "/personal/disclosures", "/lender/query?consent=cs_1"]) {
      const response = await fetch(`${built.url}${page}`);
      assert.equal(response.status, 200, page);
      assert.match(response.headers.get("content-type") ?? "", /^text\/html/);
      assert.equal(response.headers.get("cache-control"), "public, max-age=0");
      assert.equal(await response.text(), index_html);
    }
  });

  it("serves the hashed assets for good, and a missing asset is a 404 problem", async () => {
    const asset = await fetch(`${built.url}/assets/app-1234abcd.js`);
    assert.equal(asset.status, 200);
    assert.equal(await asset.text(), app_js);
    assert.match(asset.headers.get("cache-control") ?? "", /immutable/);
    const missing = await call(`${built.url}/assets/gone.js`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, "NOT_FOUND");
  });

  it("leaves unknown API paths to the API's problem+json 404, not the app", async () => {
    for (const page of ["/v1/nothing-here", "/.well-known/nothing-here"]) {
      const response = await call(`${built.url}${page}`);
      assert.equal(response.status, 404, page);
      assert.match(response.headers.get("content-type") ?? "", /application\/problem\+json/);
      assert.equal(response.body.code, "NOT_FOUND");
    }
  });

  it("says how to build the app when web/dist is missing, and the API still answers", async () => {
    const page = await fetch(`${unbuilt.url}/lender`);
    assert.equal(page.status, 503);
    assert.match(await page.text(), /npm run build:web/);
    assert.equal((await call(`${unbuilt.url}/v1/meta`)).status, 200);
  });
});
