// Shared pieces of the `credence` commands: argument parsing, output, and reaching the store or a server.
import { type ParseArgsConfig, parseArgs } from "node:util";
import { systemClock } from "../config/clock.ts";
import { type Config, ConfigError, loadConfig } from "../config/config.ts";
import { loadKeyring } from "../config/keyring.ts";
import type { Database } from "../db/database.ts";
import { migrate } from "../db/migrate.ts";
import { openDatabase } from "../db/open-database.ts";
import type { AppContext } from "../http/context.ts";

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const processIo: Io = {
  stdout: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
  stderr: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
};

/** A user mistake on the command line: printed without a stack, exit code 2. */
export class UsageError extends Error {
  override name = "UsageError";
}

export function parse<T extends NonNullable<ParseArgsConfig["options"]>>(
  argv: string[],
  options: T,
  allowPositionals = false,
) {
  try {
    return parseArgs({
      args: argv,
      options: { help: { type: "boolean", short: "h" }, ...options },
      allowPositionals,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Prints a command's help; a command asked for --help succeeds. */
export function printHelp(io: Io, text: string): number {
  io.stdout(text);
  return 0;
}

export function printData(io: Io, json: boolean, data: unknown, human: () => string): void {
  io.stdout(json ? JSON.stringify(data, jsonReplacer, 2) : human());
}

export function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString("hex");
  return value;
}

/** Opens the configured database (migrated) and builds the context commands run in. */
export async function openLocal(
  env: Record<string, string | undefined> = process.env,
): Promise<AppContext & { close(): Promise<void> }> {
  const config = loadConfig(env);
  const db = await openDatabase({
    database_url: config.database_url,
    data_dir: config.data_dir,
    pool_size: config.db_pool_size,
  });
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return { config, db, keyring: loadKeyring(config), clock: systemClock, close: () => db.close() };
}

export async function withLocal<T>(body: (ctx: AppContext) => Promise<T>): Promise<T> {
  const ctx = await openLocal();
  try {
    return await body(ctx);
  } finally {
    await ctx.close();
  }
}

/** A client for the HTTP API of a running server, for commands given --server and --key. */
export function remote(server: string, key: string) {
  return async <T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(new URL(path, server), {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed = text ? JSON.parse(text) : {};
    if (!response.ok) throw new UsageError(`${parsed.code ?? response.status}: ${parsed.detail ?? text}`);
    return parsed as T;
  };
}

export function describeError(error: unknown): { message: string; exit: number } {
  if (error instanceof UsageError) return { message: error.message, exit: 2 };
  if (error instanceof ConfigError) return { message: `configuration error: ${error.message}`, exit: 2 };
  const coded = error as { code?: unknown; message?: string };
  if (typeof coded.code === "string" && /^[A-Z_]+$/.test(coded.code)) {
    return { message: `${coded.code}: ${coded.message}`, exit: 1 };
  }
  return { message: (error as Error).stack ?? String(error), exit: 1 };
}

export type { Config, Database };
