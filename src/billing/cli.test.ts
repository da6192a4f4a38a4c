import assert from "node:assert/strict";
import { before, it } from "node:test";
import { ManualClock } from "../config/clock.ts";
import { loadConfig } from "../config/config.ts";
import { ephemeralKeyring } from "../config/keyring.ts";
import { describeEachBackend } from "../db/testing.ts";
import type { AppContext } from "../http/context.ts";
import { createInstitution } from "../institutions/index.ts";
import { billingCommand, type StoreOpener } from "./cli.ts";
import { appendDisclosures } from "./test-support.ts";

describeEachBackend("credence billing", (backend) => {
  const clock = new ManualClock("2027-01-10T08:00:00Z");
  let open: StoreOpener;

  /** Runs the command and collects what it prints. */
  async function run(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const exit = await billingCommand(argv, { stdout: (s) => out.push(s), stderr: (s) => err.push(s) }, open);
    return { exit, stdout: out.join("\n"), stderr: err.join("\n") };
  }

  before(async () => {
    const ctx: AppContext = {
      config: loadConfig({ CREDENCE_LOG_LEVEL: "silent" }),
      db: backend().db,
      keyring: ephemeralKeyring(),
      clock,
    };
    open = (body) => body(ctx);
    for (const [id, kind, role] of [
      ["big-bank", "bank", "lender"],
      ["pay-app", "platform", "furnisher"],
    ] as const) {
      await createInstitution(
        ctx.db.kysely,
        { id, name: `Synthetic ${id}`, legal_id: id, roles: [role], kind },
        clock,
      );
    }
    await appendDisclosures(ctx.db, "cn", [
      {
        at: "2027-01-10T08:00:00Z",
        recipient: "big-bank",
        product: "report",
        subject: 1,
        furnishers: [{ institution: "pay-app", records: 4 }],
      },
      {
        at: "2027-01-10T09:00:00Z",
        recipient: "big-bank",
        product: "score",
        subject: 1,
        furnishers: [{ institution: "pay-app", records: 4 }],
      },
    ]);
  });

  it("prints help for the command and every action", async () => {
    for (const argv of [["--help"], ["fold", "--help"], ["verify", "--help"], ["statement", "--help"]]) {
      const result = await run(...argv);
      assert.equal(result.exit, 0, argv.join(" "));
      assert.match(result.stdout, /credence billing verify --month YYYY-MM/);
    }
    assert.equal((await run()).exit, 2);
    assert.equal((await run("bill")).exit, 2);
  });

  it("reports unfolded disclosures as differences, then folds them and matches", async () => {
    const before = await run("verify", "--month", "2027-01");
    assert.equal(before.exit, 1);
    assert.match(before.stdout, /not folded into the ledger yet/);
    const folded = await run("fold", "--json");
    assert.equal(folded.exit, 0);
    assert.deepEqual(JSON.parse(folded.stdout), { folded: 2, posted: 2, last_idx: 1 });
    const after = await run("verify", "--month", "2027-01");
    assert.equal(after.exit, 0);
    assert.match(after.stdout, /2 disclosures, 2 charged, 0 free; the ledger matches/);
    const json = JSON.parse((await run("verify", "--month", "2027-01", "--json")).stdout);
    assert.deepEqual([json.matches, json.lenders[0].ledger_minor], [true, "150"]);
  });

  it("exits 1 with the differences when a logged price disagrees with the book", async () => {
    await appendDisclosures(backend().db, "cn", [
      {
        at: "2027-01-11T08:00:00Z",
        recipient: "big-bank",
        product: "report",
        subject: 2,
        furnishers: [{ institution: "pay-app", records: 1 }],
        price_minor: 99n,
      },
    ]);
    await run("fold");
    const result = await run("verify", "--month", "2027-01");
    assert.equal(result.exit, 1);
    assert.match(result.stdout, /the ledger DIFFERS/);
    assert.match(result.stdout, /big-bank CNY: ledger 249, recomputed 250/);
    assert.match(result.stdout, /entry 2: big-bank report logged at 99 CNY, the book says 100 CNY/);
  });

  it("prints statements as CSV or JSON", async () => {
    const csv = await run("statement", "--lender", "big-bank", "--month", "2027-01");
    assert.equal(csv.exit, 0);
    assert.deepEqual(csv.stdout.trimEnd().split("\r\n"), [
      "month,lender_id,product,currency,count,free_count,gross_minor,refund_count,refunds_minor,net_minor",
      "2027-01,big-bank,report,CNY,2,0,199,0,0,199",
      "2027-01,big-bank,score,CNY,1,0,50,0,0,50",
    ]);
    const json = JSON.parse(
      (await run("statement", "--furnisher", "pay-app", "--month", "2027-01", "--format", "json")).stdout,
    );
    assert.deepEqual(
      json.lines.map((line: { product: string; earned_minor: string }) => [line.product, line.earned_minor]),
      [
        ["report", "59"],
        ["score", "15"],
      ],
    );
  });

  it("treats a malformed month, a missing option or an unknown format as a usage error", async () => {
    for (const argv of [
      ["verify", "--month", "2027-1"],
      ["verify"],
      ["statement", "--month", "2027-01"],
      ["statement", "--lender", "big-bank", "--furnisher", "pay-app", "--month", "2027-01"],
      ["statement", "--lender", "big-bank", "--month", "2027-01", "--format", "xml"],
      ["fold", "--bogus"],
    ]) {
      const result = await run(...argv);
      assert.equal(result.exit, 2, argv.join(" "));
      assert.notEqual(result.stderr, "");
    }
    const unknown = await run("statement", "--lender", "no-such-bank", "--month", "2027-01");
    assert.equal(unknown.exit, 1);
    assert.match(unknown.stderr, /INSTITUTION_UNKNOWN/);
  });
});
