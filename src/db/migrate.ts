// Applies the SQL migrations in src/db/migrations in name order, each once, each in its own transaction.
import fs from "node:fs";
import path from "node:path";
import type { Database } from "./database.ts";

const migrations_dir = path.join(import.meta.dirname, "migrations");

export interface MigrationResult {
  readonly applied: string[];
  readonly already: number;
}

export function migrationNames(): string[] {
  return fs
    .readdirSync(migrations_dir)
    .filter((name) => /^\d{4}_[a-z0-9_]+\.sql$/.test(name))
    .sort();
}

export async function migrate(db: Database): Promise<MigrationResult> {
  await db.exec(
    "CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
  );
  const done = new Set(
    (await db.query<{ name: string }>("SELECT name FROM schema_migrations")).map((row) => row.name),
  );
  const applied: string[] = [];
  for (const name of migrationNames()) {
    if (done.has(name)) continue;
    const sql = fs.readFileSync(path.join(migrations_dir, name), "utf8");
    await db.transaction(async (tx) => {
      // A concurrent migrator takes the same lock and then finds the name already recorded.
      await tx.query("SELECT pg_advisory_xact_lock(7262001)");
      const exists = await tx.query("SELECT 1 FROM schema_migrations WHERE name = $1", [name]);
      if (exists.length > 0) return;
      for (const statement of splitStatements(sql)) await tx.query(statement);
      await tx.query("INSERT INTO schema_migrations (name) VALUES ($1)", [name]);
      applied.push(name);
    });
  }
  return { applied, already: done.size };
}

/** Splits a migration on semicolons at line ends; migrations keep function bodies in $$ quotes. */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = "";
  let inDollar = false;
  for (const line of sql.split("\n")) {
    if (line.trimStart().startsWith("--")) continue;
    const dollars = line.match(/\$\$/g)?.length ?? 0;
    if (dollars % 2 === 1) inDollar = !inDollar;
    current += `${line}\n`;
    if (!inDollar && line.trimEnd().endsWith(";")) {
      statements.push(current.trim());
      current = "";
    }
  }
  if (current.trim() !== "") statements.push(current.trim());
  return statements;
}
