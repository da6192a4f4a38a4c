// The storage layer's public surface.
export { DataDirLockedError } from "./data-dir-lock.ts";
export type { BackendKind, CopyRow, Database, Tx } from "./database.ts";
export { migrate, migrationNames } from "./migrate.ts";
export { openDatabase } from "./open-database.ts";
