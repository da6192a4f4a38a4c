// The database handle: Kysely over embedded PGlite (default) or PostgreSQL, with COPY on both.
import type { PGlite } from "@electric-sql/pglite";
import { Kysely, PGliteDialect, PostgresDialect } from "kysely";
import type { Pool, PoolClient } from "pg";

export type BackendKind = "pglite" | "postgres";

/** One row to COPY: values in column order; null for SQL NULL. */
export type CopyRow = readonly (string | number | bigint | boolean | Date | Uint8Array | null)[];

/** What a transaction body can do: typed queries through Kysely, raw SQL, and bulk COPY. */
export interface Tx {
  // biome-ignore lint/complexity/noBannedTypes: domains narrow this with withTables<TheirTables>().
  readonly kysely: Kysely<{}>;
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** Loads row batches with COPY FROM; returns the number of rows loaded. */
  copyIn(
    table: string,
    columns: readonly string[],
    batches: AsyncIterable<readonly CopyRow[]> | Iterable<readonly CopyRow[]>,
  ): Promise<number>;
}

export interface Database {
  readonly kind: BackendKind;
  // biome-ignore lint/complexity/noBannedTypes: domains narrow this with withTables<TheirTables>().
  readonly kysely: Kysely<{}>;
  query<R = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs several statements separated by semicolons, without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs `body` in one transaction on one connection; it commits only if `body` resolves. */
  transaction<T>(body: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

const int8_oid = 20;

/** Encodes one value in PostgreSQL's COPY text format. */
function copyValue(value: CopyRow[number]): string {
  if (value === null) return "\\N";
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `\\\\x${Buffer.from(value).toString("hex")}`;
  if (typeof value === "string") return value.replace(/[\\\t\n\r]/g, (c) => copyEscapes[c] as string);
  return String(value);
}
const copyEscapes: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

export function copyText(rows: readonly CopyRow[]): string {
  let text = "";
  for (const row of rows) text += `${row.map(copyValue).join("\t")}\n`;
  return text;
}

function copyStatement(table: string, columns: readonly string[], source: string): string {
  const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const qualified = table.split(".").map(quote).join(".");
  return `COPY ${qualified} (${columns.map(quote).join(", ")}) FROM ${source}`;
}

/** Wraps a PGlite instance created with the parsers of open-database.ts (int8 as bigint, bytea as Buffer). */
export async function openPglite(pglite: PGlite): Promise<Database> {
  await pglite.waitReady;
  const kysely = new Kysely({ dialect: new PGliteDialect({ pglite }) });
  const parsers = { [int8_oid]: (value: string) => BigInt(value) };
  const query = async <R>(text: string, params: readonly unknown[] = []) =>
    (await pglite.query<R>(text, params as unknown[], { parsers })).rows;
  const copyIn: Tx["copyIn"] = async (table, columns, batches) => {
    let rows = 0;
    const statement = copyStatement(table, columns, "'/dev/blob'");
    for await (const batch of batches) {
      if (batch.length === 0) continue;
      await pglite.query(statement, [], { blob: new Blob([copyText(batch)]) });
      rows += batch.length;
    }
    return rows;
  };
  return {
    kind: "pglite",
    kysely,
    query,
    exec: async (sql) => {
      await pglite.exec(sql);
    },
    // PGlite has a single session. Holding Kysely's connection keeps every other query out until the
    // transaction ends, so raw BEGIN/COMMIT here cannot interleave with a concurrent request.
    transaction: (body) =>
      kysely.connection().execute(async (connection) => {
        await pglite.query("BEGIN");
        try {
          const result = await body({ kysely: connection, query, copyIn });
          await pglite.query("COMMIT");
          return result;
        } catch (error) {
          await pglite.query("ROLLBACK");
          throw error;
        }
      }),
    close: async () => {
      await kysely.destroy();
    },
  };
}

/**
 * A Kysely pool that always hands out one already-checked-out client, so Kysely joins its transaction.
 * The client is wrapped, not copied: pg keeps per-query state on the client object itself.
 */
function singleClientPool(client: PoolClient) {
  return {
    connect: async () => ({ query: client.query.bind(client), release: () => {} }) as unknown as PoolClient,
    end: async () => {},
    options: {},
  };
}

export async function openPostgres(pool: Pool): Promise<Database> {
  const pg = await import("pg");
  pg.default.types.setTypeParser(int8_oid, (value: string) => BigInt(value));
  const { from: copyFrom } = await import("pg-copy-streams");
  const kysely = new Kysely({ dialect: new PostgresDialect({ pool }) });
  const queryOn =
    (client: Pool | PoolClient) =>
    async <R>(text: string, params: readonly unknown[] = []) =>
      (await client.query(text, params as unknown[])).rows as R[];
  const copyInOn =
    (client: PoolClient): Tx["copyIn"] =>
    async (table, columns, batches) => {
      const stream = client.query(copyFrom(copyStatement(table, columns, "STDIN")));
      const finished = new Promise<void>((resolve, reject) => {
        stream.on("finish", resolve);
        stream.on("error", reject);
      });
      let rows = 0;
      try {
        for await (const batch of batches) {
          if (batch.length === 0) continue;
          if (!stream.write(copyText(batch))) {
            await new Promise<void>((resolve, reject) => {
              stream.once("drain", resolve);
              stream.once("error", reject);
            });
          }
          rows += batch.length;
        }
      } catch (error) {
        stream.destroy(error as Error);
        await finished.catch(() => {});
        throw error;
      }
      stream.end();
      await finished;
      return rows;
    };
  return {
    kind: "postgres",
    kysely,
    query: queryOn(pool),
    exec: async (sql) => {
      await pool.query(sql);
    },
    transaction: async (body) => {
      const client = await pool.connect();
      const txKysely = new Kysely({ dialect: new PostgresDialect({ pool: singleClientPool(client) }) });
      try {
        await client.query("BEGIN");
        const result = await body({ kysely: txKysely, query: queryOn(client), copyIn: copyInOn(client) });
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close: async () => {
      await kysely.destroy();
    },
  };
}
