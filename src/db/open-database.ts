// Opens the configured backend: PostgreSQL when a URL is given, else PGlite persisted in the data folder.
import path from "node:path";
import { lockDataDir } from "./data-dir-lock.ts";
import { type Database, openPglite, openPostgres } from "./database.ts";

// Both backends return the same JavaScript types: int8 as bigint (node-pg is configured alike) and bytea as
// Buffer, so domain code never branches on the backend.
const pgliteParsers = {
  20: (value: string) => BigInt(value),
  17: (value: string) => Buffer.from(value.slice(2), "hex"),
};

export interface OpenOptions {
  readonly database_url: string | undefined;
  /** Folder for the embedded database; `undefined` with no URL means in memory (tests). */
  readonly data_dir: string | undefined;
  readonly pool_size?: number;
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.database_url) {
    const pg = await import("pg");
    const pool = new pg.default.Pool({
      connectionString: options.database_url,
      max: options.pool_size ?? 10,
    });
    // An idle client's network error must not crash the process; the next query reports it.
    pool.on("error", () => {});
    return openPostgres(pool);
  }
  const { PGlite } = await import("@electric-sql/pglite");
  if (options.data_dir === undefined) return openPglite(new PGlite({ parsers: pgliteParsers }));
  const lock = lockDataDir(options.data_dir);
  try {
    const database = await openPglite(
      new PGlite(path.join(options.data_dir, "pgdata"), { parsers: pgliteParsers }),
    );
    return {
      ...database,
      close: async () => {
        await database.close();
        lock.release();
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}
