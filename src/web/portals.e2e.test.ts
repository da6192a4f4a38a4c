// The portals in a real browser (Debian's Chromium through playwright-core) against a real server: a furnisher
// uploads a file with errors and sees them, a lender registers a consent and pulls a report, the person sees
// that disclosure with a proof verified in the browser and disputes an item, and the regulator's board shows the
// platforms. Each test saves screenshots under test-output/portals. These run on PGlite only: the browser is
// the cost here, and every storage path they touch is tested on both backends by its own domain's suite.
import assert from "node:assert/strict";
import fs from "node:fs";
import { after, before, describe, it, test } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { ManualClock } from "../config/clock.ts";
import { loadConfig } from "../config/config.ts";
import { ephemeralKeyring } from "../config/keyring.ts";
import { migrate } from "../db/migrate.ts";
import { openDatabase } from "../db/open-database.ts";
import { demo_seed } from "../demo/demo-world.ts";
import { generatePopulation } from "../demo/population.ts";
import { uniqueResidentId } from "../demo/synthetic-ids.ts";
import { logSequencer } from "../disclosure-log/log-sequencer-factory.ts";
import type { App, AppContext } from "../http/context.ts";
import { allRoutes } from "../http/routes.ts";
import { buildServer } from "../http/server.ts";
import { call } from "../http/testing.ts";
import { browserUnavailable, buildWebApp, launchChromium, screenshot } from "./browser-kit.ts";
import { cosignLatestCheckpoint, type PortalWorld, seedPortalWorld, world_people } from "./portal-world.ts";
import { webRoutes, webRoutesFrom } from "./web-routes.ts";

const desktop = { width: 1280, height: 900 };
const phone = { width: 390, height: 844 };

function portalTests(): void {
  const clock = new ManualClock("2026-08-01T08:00:00Z");
  let ctx: AppContext;
  let app: App;
  let url: string;
  let dist_dir: string;
  let browser: Browser;
  let world: PortalWorld;
  const contexts: BrowserContext[] = [];
  const page_errors: string[] = [];

  before(async () => {
    dist_dir = buildWebApp();
    const db = await openDatabase({ database_url: undefined, data_dir: undefined, pool_size: 4 });
    await migrate(db);
    ctx = { config: loadConfig({ CREDENCE_LOG_LEVEL: "silent" }), db, keyring: ephemeralKeyring(), clock };
    // Whether or not routes.ts serves the portals yet, this run serves the build just made from the sources.
    const routes = [...allRoutes.filter((module) => module !== webRoutes), webRoutesFrom(dist_dir)];
    app = await buildServer(ctx, { logging: false, routes });
    await app.listen({ host: "127.0.0.1", port: 0 });
    const address = app.server.address();
    assert.ok(address && typeof address !== "string");
    url = `http://127.0.0.1:${address.port}`;
    world = await seedPortalWorld({ url, ctx, clock });
    browser = await launchChromium();
  });

  after(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await app?.close();
    await ctx?.db.close();
    if (dist_dir) fs.rmSync(dist_dir, { recursive: true, force: true });
  });

  /** A page in a fresh browser context (nothing signed in); each test opens one, so errors are counted per test. */
  async function newPage(viewport = desktop): Promise<Page> {
    page_errors.length = 0;
    const context = await browser.newContext({ viewport });
    contexts.push(context);
    const page = await context.newPage();
    page.on("pageerror", (error) => page_errors.push(error.message));
    await page.goto(url);
    return page;
  }

  /** Signs in with the credential; the interface is switched to English, which the assertions read. */
  async function signIn(credential: string, viewport = desktop): Promise<Page> {
    const page = await newPage(viewport);
    await page.getByTestId("language").selectOption("en");
    await page.getByLabel("API key or personal token").fill(credential);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("acting-as").waitFor();
    return page;
  }

  const key = (institution: string) => world.keys[institution] as string;

  it("speaks Chinese by default under the cn regime and switches to English", async () => {
    const page = await newPage();
    assert.equal(await page.locator("html").getAttribute("lang"), "zh-CN");
    await page.getByRole("heading", { name: "登录" }).waitFor();
    await page.getByTestId("language").selectOption("en");
    await page.getByRole("heading", { name: "Sign in" }).waitFor();
    assert.equal(await page.locator("html").getAttribute("lang"), "en");
    await screenshot(page, "sign-in");
    assert.deepEqual(page_errors, []);
  });

  it("shows a furnisher each rejected line of its upload with code, field and line", async () => {
    const page = await signIn(key("mantou-eats"));
    assert.equal(await page.getByTestId("acting-role").textContent(), "Furnisher");
    assert.match((await page.getByTestId("acting-as").textContent()) ?? "", /Mantou Eats/);
    // The month's file without the population's own mistyped identifiers, plus two broken lines of ours.
    const stream = generatePopulation({
      people: world_people,
      seed: demo_seed,
      now: clock.now(),
      data_errors: false,
    }).find((candidate) => candidate.institution_id === "mantou-eats");
    assert.ok(stream);
    const lines = [...stream.lines];
    const valid_id = uniqueResidentId(9001);
    const mistyped = `${valid_id.slice(0, 17)}${valid_id.endsWith("0") ? "1" : "0"}`;
    const person = {
      type: "subject",
      id_type: "cn_resident_id",
      id_number: mistyped,
      name: "Synthetic Person 9001",
    };
    lines.splice(2, 0, `${JSON.stringify(person)}\n`);
    lines.splice(6, 0, "{not json\n");
    await page.getByLabel("File to furnish").setInputFiles({
      name: "mantou-eats-november.ndjson",
      mimeType: "application/x-ndjson",
      buffer: Buffer.from(lines.join("")),
    });
    await page.getByRole("button", { name: "Upload", exact: true }).click();
    const rows = page.getByTestId("rejected-lines").locator("tbody tr");
    await rows.first().waitFor();
    const progress = page.getByTestId("upload-progress");
    assert.equal(await progress.getAttribute("value"), await progress.getAttribute("max"));
    const submission = page.getByTestId("submission");
    assert.equal(await submission.getByTestId("submission-status").textContent(), "Accepted");
    assert.equal(await submission.getByTestId("lines-rejected").textContent(), "2");
    const rejected = (await rows.allInnerTexts()).map((row) => row.replace(/\s+/g, " ").trim());
    assert.equal(rejected.length, 2);
    assert.match(rejected[0] ?? "", /^3 id_number ID_CHECK_CHARACTER A check character does not match/);
    assert.match(rejected[1] ?? "", /^7 — JSON_INVALID The NDJSON line is not valid JSON/);
    await screenshot(page, "furnisher-upload");

    await page.getByRole("link", { name: "Data quality" }).click();
    await page.getByTestId("quality-chart").locator(".recharts-bar-rectangle").first().waitFor();
    await screenshot(page, "furnisher-quality");
    assert.deepEqual(page_errors, []);
  });

  it("lets a lender register a consent and pull the person's report", async () => {
    const page = await signIn(key("donggang-bank"));
    assert.equal(await page.getByTestId("acting-role").textContent(), "Lender + Furnisher");
    await page.getByLabel("Identifier", { exact: true }).fill(world.person.id_number);
    await page.getByLabel("Signed consent (file)").setInputFiles({
      name: "signed-consent.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.from("%PDF synthetic signed consent form"),
    });
    await page.getByRole("button", { name: "Register consent" }).click();
    const created = page.getByTestId("consent-created");
    await created.waitFor();
    assert.match((await created.textContent()) ?? "", /Consent cs_[0-9a-f]{24} registered/);
    await screenshot(page, "lender-consent");

    await created.getByRole("button", { name: "Pull a report or a score" }).click();
    await page.getByLabel("Product").selectOption("report+score");
    await page.getByRole("button", { name: "Pull", exact: true }).click();
    await page.getByTestId("report").waitFor();
    assert.match(
      (await page.getByTestId("disclosed").textContent()) ?? "",
      /log entry le_[0-9a-f]+, priced CN¥/,
    );
    const accounts = page.getByTestId("account");
    assert.ok((await accounts.count()) >= 1, "the person's accounts are in the report");
    assert.equal(await accounts.first().locator(".grid-cells li").count(), 24);
    await screenshot(page, "lender-report");
    await page.setViewportSize(phone);
    await screenshot(page, "lender-report-phone");
    assert.deepEqual(page_errors, []);
  });

  it("shows the person every disclosure with a proof verified in the browser, and takes a dispute", async () => {
    await logSequencer(ctx).drain();
    await cosignLatestCheckpoint({ url, ctx, clock }, key("central-bank"));
    const issued = await call<{ token: string }>(`${url}/v1/subjects/tokens`, {
      key: key("baixin-credit"),
      body: { subject: world.person },
    });
    assert.equal(issued.status, 201);
    const page = await signIn(issued.body.token);
    assert.equal(await page.getByTestId("acting-role").textContent(), "Data subject");

    await page.getByRole("link", { name: "Who saw my data" }).click();
    const proofs = page.getByTestId("proof");
    await proofs.first().waitFor();
    const marks = await proofs.evaluateAll((elements) =>
      elements.map((element) => element.getAttribute("data-verified")),
    );
    assert.deepEqual(marks, ["true", "true"], "the seeded query and the lender's query, both verified");
    const table = (await page.getByTestId("disclosures").textContent()) ?? "";
    assert.match(table, /beiyuan-bank/);
    assert.match(table, /donggang-bank/);
    assert.match(
      (await page.getByTestId("my-disclosures").textContent()) ?? "",
      /Cosigned by witnesses: central-bank\.example\/witness/,
    );
    await screenshot(page, "personal-disclosures");
    await page.setViewportSize(phone);
    await screenshot(page, "personal-disclosures-phone");
    await page.setViewportSize(desktop);

    await page.getByRole("link", { name: "My report" }).click();
    assert.equal(await page.getByTestId("allowance").textContent(), "Free copies left this year: 2 of 2");
    await page.getByRole("button", { name: "Open my report (free)" }).click();
    await page.getByTestId("report").waitFor();
    await page.getByTestId("allowance").getByText("Free copies left this year: 1 of 2").waitFor();
    await page.getByTestId("account").first().getByRole("button", { name: "Dispute" }).click();
    await page
      .getByLabel("What is wrong with it?")
      .fill("I repaid this account in full; the balance is wrong.");
    // The dialog's backdrop covers the window only, so this one is of the window.
    await screenshot(page, "personal-dispute-dialog", false);
    await page.getByRole("button", { name: "File dispute" }).click();
    await page.getByTestId("dispute-filed").waitFor();

    await page.getByRole("link", { name: "Disputes and statement" }).click();
    const disputes = page.getByTestId("disputes-table").locator("tbody tr");
    await disputes.first().waitFor();
    assert.equal(await disputes.count(), 1);
    assert.match(
      (await disputes.first().textContent()) ?? "",
      /account:[a-z-]+:[^ ]+?Nov 2, 2026.*Awaiting answer/,
    );
    await screenshot(page, "personal-disputes");
    assert.deepEqual(page_errors, []);
  });

  it("shows the regulator every mandated platform on the board and its progress chart", async () => {
    const page = await signIn(key("central-bank"));
    assert.equal(await page.getByTestId("acting-role").textContent(), "Regulator");
    const rows = page.getByTestId("board-table").locator("tbody tr");
    await rows.first().waitFor();
    const board = (await rows.allInnerTexts()).join("\n");
    for (const platform of world.mandated) assert.ok(board.includes(platform.name), platform.name);
    await page.getByTestId("compliance-chart").locator(".recharts-line").first().waitFor();
    assert.equal(
      await page.getByTestId("compliance-chart").locator(".recharts-line").count(),
      world.mandated.length,
    );
    await screenshot(page, "regulator-board");
    await page.setViewportSize(phone);
    await screenshot(page, "regulator-board-phone");
    await page.setViewportSize(desktop);

    await page.getByRole("link", { name: "Log witness" }).click();
    await page.getByTestId("witness-status").waitFor();
    assert.match(
      (await page.getByTestId("bureau-signature").textContent()) ?? "",
      /Verified in this browser/,
    );
    assert.match(
      (await page.getByTestId("witness-status").textContent()) ?? "",
      /central-bank\.example\/witness/,
    );
    await screenshot(page, "regulator-witness");
    assert.deepEqual(page_errors, []);
  });
}

const unavailable = browserUnavailable();
if (unavailable) {
  test("the portals in Chromium", (t) => {
    t.skip(unavailable);
  });
} else {
  describe("the portals in Chromium [pglite]", portalTests);
}
