import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { type ServeProcess, startServeProcess } from "../cli/testing.ts";
import { openDatabase } from "../db/open-database.ts";
import { backendsUnderTest, createScratchDatabase } from "../db/testing.ts";
import { generateStatementRows, writeNdjsonFile } from "../demo/population.ts";

const statement_rows = 500_000;

for (const kind of backendsUnderTest()) {
  describe(`a server killed in the middle of a submission [${kind}]`, () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "credence-crash-"));
    const file = path.join(work, "big.ndjson");
    let database_url: string | undefined;
    let drop: (() => Promise<void>) | undefined;
    let server: ServeProcess | undefined;
    let data_dir = "";
    before(async () => {
      await writeNdjsonFile(file, generateStatementRows(statement_rows, { seed: 5, now: new Date() }));
      if (kind === "postgres") {
        const scratch = await createScratchDatabase(process.env.DATABASE_URL as string);
        database_url = scratch.url;
        drop = scratch.drop;
      }
      server = await startServeProcess({ DATABASE_URL: database_url });
      data_dir = server.data_dir;
    });
    after(async () => {
      await server?.stop();
      await drop?.();
      fs.rmSync(work, { recursive: true, force: true });
    });

    const upload = async (wait: boolean) => {
      const response = await fetch(`${server?.url}/v1/submissions?wait=${wait}`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${server?.keys["qilin-pay"]}`,
          "content-type": "application/x-ndjson",
        },
        body: fs.createReadStream(file) as unknown as BodyInit,
        duplex: "half",
      } as RequestInit);
      return (await response.json()) as {
        id: string;
        status: string;
        replay: boolean;
        lines_accepted: number;
      };
    };

    it("leaves nothing visible, and a retry of the same file completes it exactly once", async () => {
      const first = await upload(false);
      assert.equal(first.status, "processing");
      // Let ingestion get under way, then kill the process without any chance to clean up.
      await new Promise((resolve) => setTimeout(resolve, 400));
      server?.child.kill("SIGKILL");
      await new Promise((resolve) => server?.child.once("exit", resolve));
      fs.rmSync(path.join(data_dir, "credence.lock"), { force: true });

      const db = await openDatabase({ database_url, data_dir: database_url ? undefined : data_dir });
      const [visible] = await db.query<{ n: bigint }>(
        "SELECT count(*)::int8 AS n FROM statements WHERE furnisher_id = 'qilin-pay'",
      );
      const [left] = await db.query<{ status: string }>("SELECT status FROM submissions WHERE id = $1", [
        first.id,
      ]);
      await db.close();
      assert.equal(left?.status, "processing", "the kill landed mid-submission");
      assert.equal(visible?.n, 0n, "no statement of the killed submission is visible");

      server = await startServeProcess({ DATABASE_URL: database_url }, data_dir);
      const retry = await upload(true);
      assert.equal(retry.id, first.id);
      assert.equal(retry.status, "accepted");
      const again = await upload(true);
      assert.equal(again.replay, true);
      await server.stop();
      const check = await openDatabase({ database_url, data_dir: database_url ? undefined : data_dir });
      const [rows] = await check.query<{ n: bigint; keys: bigint }>(
        "SELECT count(*)::int8 AS n, count(DISTINCT (account_ref, period))::int8 AS keys FROM statements WHERE furnisher_id = 'qilin-pay'",
      );
      await check.close();
      assert.equal(rows?.n, BigInt(statement_rows));
      assert.equal(rows?.keys, BigInt(statement_rows), "no duplicate version of any statement");
    });
  });
}
