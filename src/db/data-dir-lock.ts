// An exclusive lock on the embedded data folder, so a second process gets a clear error, not corruption.
import fs from "node:fs";
import path from "node:path";

export class DataDirLockedError extends Error {
  readonly code = "DATA_DIR_LOCKED";
  readonly pid: number;
  constructor(dir: string, pid: number) {
    super(
      `The data folder ${dir} is in use by process ${pid} (a running server?). ` +
        "Stop that process, or send the command to it with --server URL --key KEY.",
    );
    this.name = "DataDirLockedError";
    this.pid = pid;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the lock or throws DataDirLockedError; a lock left by a dead process is taken over. */
export function lockDataDir(dir: string): { release(): void } {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, "credence.lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: "wx", mode: 0o600 });
      return {
        release: () => {
          if (fs.readFileSync(file, "utf8") === String(process.pid)) fs.rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number.parseInt(fs.readFileSync(file, "utf8"), 10);
      if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
        throw new DataDirLockedError(dir, holder);
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new DataDirLockedError(dir, -1);
}
