// The database handle: Kysely over embedded PGlite (default) or PostgreSQL, with COPY on both.

import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { PGlite } from "@electric-sql/pglite";
import { Kysely, PGliteDialect, PostgresDialect } from "kysely";
import type { Pool, PoolClient } from "pg";

export type BackendKind = "pglite" | "postgres";

/** One row to COPY: values in column order; null for SQL NULL. */
export type CopyRow = readonly (string | number | bigint | boolean | Date | Uint8Array | null)[];

/**
 * A statement run many times a second (a lender's query): PostgreSQL parses and plans it once per
 * connection and reuses the plan. The name must be unique to the text.
 */
export interface PreparedStatement {
  readonly name: string;
  readonly text: string;
}

export function prepared(name: string, text: string): PreparedStatement {
  return { name, text };
}

export type Statement = string | PreparedStatement;

/** Numbers the parameters of a statement put together from parts (several data-modifying CTEs). */
export class ParamList {
  readonly values: unknown[] = [];
  /** Adds a value; returns its placeholder. */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** What a transaction body can do: typed queries through Kysely, raw SQL, and bulk COPY. */
export interface Tx {
  // biome-ignore lint/complexity/noBannedTypes: domains narrow this with withTables<TheirTables>().
  readonly kysely: Kysely<{}>;
  query<R = Record<string, unknown>>(text: Statement, params?: readonly unknown[]): Promise<R[]>;
  /** Loads row batches with COPY FROM; returns the number of rows loaded. */
  copyIn(
    table: string,
    columns: readonly string[],
    batches: AsyncIterable<readonly CopyRow[]> | Iterable<readonly CopyRow[]>,
  ): Promise<number>;
  /** Loads text already in COPY text format (whole lines per chunk); returns the bytes sent. */
  copyInText(
    table: string,
    columns: readonly string[],
    chunks: AsyncIterable<string | Buffer>,
  ): Promise<number>;
}

export interface Database {
  readonly kind: BackendKind;
  // biome-ignore lint/complexity/noBannedTypes: domains narrow this with withTables<TheirTables>().
  readonly kysely: Kysely<{}>;
  query<R = Record<string, unknown>>(text: Statement, params?: readonly unknown[]): Promise<R[]>;
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
  switch (typeof value) {
    case "string":
      return needs_escape.test(value) ? value.replace(escaped, (c) => copyEscapes[c] as string) : value;
    case "number":
    case "bigint":
    case "boolean":
      return String(value);
  }
  if (value instanceof Date) return value.toISOString();
  return `\\\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex")}`;
}
const needs_escape = /[\\\t\n\r]/;
const escaped = /[\\\t\n\r]/g;
const copyEscapes: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/** Row batches as COPY text, reporting each batch's row count as it goes. */
async function* textOf(
  batches: AsyncIterable<readonly CopyRow[]> | Iterable<readonly CopyRow[]>,
  count: (rows: number) => void,
): AsyncGenerator<string> {
  for await (const batch of batches) {
    if (batch.length === 0) continue;
    count(batch.length);
    yield copyText(batch);
  }
}

/** How much COPY text PGlite receives per statement; bounds the memory one blob takes. */
const pglite_blob_bytes = 8 * 1024 * 1024;

export function copyText(rows: readonly CopyRow[]): string {
  let text = "";
  for (const row of rows) {
    for (let i = 0; i < row.length; i++)
      text += i === 0 ? copyValue(row[i] ?? null) : `\t${copyValue(row[i] ?? null)}`;
    text += "\n";
  }
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
  const query = async <R>(statement: Statement, params: readonly unknown[] = []) => {
    const text = typeof statement === "string" ? statement : statement.text;
    return (await pglite.query<R>(text, params as unknown[], { parsers })).rows;
  };
  const copyInText: Tx["copyInText"] = async (table, columns, chunks) => {
    // PGlite reads COPY data from one in-memory blob, so the text goes in slices of whole lines.
    const statement = copyStatement(table, columns, "'/dev/blob'");
    let pending: (string | Buffer)[] = [];
    let pending_bytes = 0;
    let sent = 0;
    const flush = async () => {
      if (pending_bytes === 0) return;
      await pglite.query(statement, [], { blob: new Blob(pending as BlobPart[]) });
      sent += pending_bytes;
      pending = [];
      pending_bytes = 0;
    };
    for await (const chunk of chunks) {
      pending.push(chunk);
      pending_bytes += chunk.length;
      if (pending_bytes >= pglite_blob_bytes) await flush();
    }
    await flush();
    return sent;
  };
  const copyIn: Tx["copyIn"] = async (table, columns, batches) => {
    let rows = 0;
    await copyInText(
      table,
      columns,
      textOf(batches, (n) => (rows += n)),
    );
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
          const result = await body({ kysely: connection, query, copyIn, copyInText });
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
    async <R>(statement: Statement, params: readonly unknown[] = []) =>
      (typeof statement === "string"
        ? await client.query(statement, params as unknown[])
        : await client.query({ name: statement.name, text: statement.text, values: params as unknown[] })
      ).rows as R[];
  const copyInTextOn =
    (client: PoolClient): Tx["copyInText"] =>
    async (table, columns, chunks) => {
      const stream = client.query(copyFrom(copyStatement(table, columns, "STDIN")));
      let sent = 0;
      async function* counted() {
        for await (const chunk of chunks) {
          sent += chunk.length;
          yield chunk;
        }
      }
      await pipeline(Readable.from(counted(), { objectMode: false }), stream);
      return sent;
    };
  const copyInOn =
    (client: PoolClient): Tx["copyIn"] =>
    async (table, columns, batches) => {
      let rows = 0;
      await copyInTextOn(client)(
        table,
        columns,
        textOf(batches, (n) => (rows += n)),
      );
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
        const result = await body({
          kysely: txKysely,
          query: queryOn(client),
          copyIn: copyInOn(client),
          copyInText: copyInTextOn(client),
        });
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
