import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { it } from "node:test";
import { UsageError } from "../cli/cli-kit.ts";
import { migrate } from "../db/migrate.ts";
import { openDatabase } from "../db/open-database.ts";
import { backendsUnderTest, createScratchDatabase } from "../db/testing.ts";
import { retentionCommand } from "./cli.ts";

const admin_url = process.env.DATABASE_URL;

function capture() {
  const out: string[] = [];
  return { out, io: { stdout: (text: string) => out.push(text), stderr: (text: string) => out.push(text) } };
}

it("explains itself and refuses unknown actions", async () => {
  const help = capture();
  assert.equal(await retentionCommand(["--help"], help.io), 0);
  assert.match(help.out.join(""), /retention run \[--dry-run\] \[--json\]/);
  assert.equal(await retentionCommand([], capture().io), 2);
  await assert.rejects(retentionCommand(["purge"], capture().io), UsageError);
  const runHelp = capture();
  assert.equal(await retentionCommand(["run", "--help"], runHelp.io), 0);
  assert.match(runHelp.out.join(""), /--dry-run/);
});

for (const kind of backendsUnderTest()) {
  it(`reports a dry run, then deletes, on the local store [${kind}]`, async () => {
    const data_dir = fs.mkdtempSync(path.join(os.tmpdir(), "credence-retention-"));
    const scratch = kind === "postgres" ? await createScratchDatabase(admin_url as string) : undefined;
    const saved = {
      DATABASE_URL: process.env.DATABASE_URL,
      CREDENCE_DATA_DIR: process.env.CREDENCE_DATA_DIR,
    };
    process.env.CREDENCE_DATA_DIR = data_dir;
    if (scratch) process.env.DATABASE_URL = scratch.url;
    else delete process.env.DATABASE_URL;
    try {
      const db = await openDatabase({ database_url: scratch?.url, data_dir });
      await migrate(db);
      // One late statement from 2000: past retention under any regime on any clock this test can run on.
      await db.query(
        `INSERT INTO statements (furnisher_id, account_ref, period, seq, status, days_past_due)
         VALUES ('old-lender', 'L-2000', '2000-01-01', 1, 'late_1_30', 12)`,
      );
      await db.close();

      const dry = capture();
      assert.equal(await retentionCommand(["run", "--dry-run", "--json"], dry.io), 0);
      const result = JSON.parse(dry.out.join(""));
      assert.deepEqual([result.dry_run, result.statement_versions_deleted], [true, 1]);

      const real = capture();
      assert.equal(await retentionCommand(["run"], real.io), 0);
      assert.match(real.out.join(""), /deleted 0 accounts \(0 versions\), 1 statement versions/);
      const again = capture();
      await retentionCommand(["run", "--json"], again.io);
      assert.equal(JSON.parse(again.out.join("")).statement_versions_deleted, 0);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await scratch?.drop();
      fs.rmSync(data_dir, { recursive: true, force: true });
    }
  });
}
