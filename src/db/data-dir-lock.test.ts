import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { it } from "node:test";
import { DataDirLockedError, lockDataDir } from "./data-dir-lock.ts";
import { openDatabase } from "./open-database.ts";

it("gives a second process opening the same embedded data folder a clear error", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "credence-lock-"));
  const holder = spawn(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `const { lockDataDir } = await import(${JSON.stringify(path.join(import.meta.dirname, "data-dir-lock.ts"))}); lockDataDir(${JSON.stringify(dir)}); console.log("locked"); setTimeout(() => {}, 60_000);`,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  try {
    await new Promise<void>((resolve) => holder.stdout.once("data", () => resolve()));
    await assert.rejects(openDatabase({ database_url: undefined, data_dir: dir }), (error: unknown) => {
      assert.ok(error instanceof DataDirLockedError);
      assert.equal(error.code, "DATA_DIR_LOCKED");
      assert.equal(error.pid, holder.pid);
      assert.match(error.message, /in use by process \d+.*--server URL --key KEY/);
      return true;
    });
  } finally {
    holder.kill("SIGKILL");
    await new Promise((resolve) => holder.once("exit", resolve));
  }
  // A lock left by a dead process is taken over.
  const lock = lockDataDir(dir);
  lock.release();
  fs.rmSync(dir, { recursive: true, force: true });
});
