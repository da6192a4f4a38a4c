// Test helper: runs a storage suite on PGlite always and on PostgreSQL when DATABASE_URL is set.
import { randomBytes } from "node:crypto";
import { after, before, describe } from "node:test";
import type { Database } from "./database.ts";
import { migrate } from "./migrate.ts";
import { openDatabase } from "./open-database.ts";

export interface Backend {
  readonly kind: "pglite" | "postgres";
  /** Connection string of the throwaway PostgreSQL database, for tests that start a second process. */
  readonly database_url: string | undefined;
  readonly db: Database;
}

/** Creates a throwaway PostgreSQL database; the returned drop() removes it. */
export async function createScratchDatabase(
  admin_url: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const pg = await import("pg");
  const name = `credence_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.default.Client({ connectionString: admin_url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(admin_url);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.default.Client({ connectionString: admin_url });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export function backendsUnderTest(): ("pglite" | "postgres")[] {
  return process.env.DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];
}

/**
 * Declares `suite` once per backend. Each gets a fresh, migrated database that lives for the suite and
 * is dropped afterwards, so runs never see each other's data.
 */
export function describeEachBackend(name: string, suite: (backend: () => Backend) => void): void {
  for (const kind of backendsUnderTest()) {
    describe(`${name} [${kind}]`, () => {
      let current: Backend | undefined;
      let drop: (() => Promise<void>) | undefined;
      before(async () => {
        let database_url: string | undefined;
        if (kind === "postgres") {
          const scratch = await createScratchDatabase(process.env.DATABASE_URL as string);
          database_url = scratch.url;
          drop = scratch.drop;
        }
        const db = await openDatabase({ database_url, data_dir: undefined, pool_size: 4 });
        await migrate(db);
        current = { kind, database_url, db };
      });
      after(async () => {
        await current?.db.close();
        await drop?.();
      });
      suite(() => {
        if (!current) throw new Error("the backend is opened in before()");
        return current;
      });
    });
  }
}
