// `credence retention run [--dry-run] [--json]`: deletes negative information past the regime's retention.
import { type Io, parse, printData, UsageError, withLocal } from "../cli/cli-kit.ts";
import { type RetentionResult, runRetention } from "./retention.ts";

export const retentionHelp = `Usage:
  credence retention run [--dry-run] [--json]

Deletes negative information older than the regime's retention after its event ended (5 years cn, 7 us):
negative statements, accounts closed or charged off past retention, and the vault entry of a subject left with
nothing. Works on the data folder or DATABASE_URL directly (stop the server first on the embedded database; it
runs the same job once a day itself). Safe to interrupt and run again. The disclosure log is never touched.
  --dry-run   count what would be deleted, delete nothing
  --json      print the result as JSON`;

function describe(result: RetentionResult): string {
  const verb = result.dry_run ? "would delete" : "deleted";
  return [
    `retention (${result.regime}, ${result.retention_years} years): statements before ${result.cutoff_period}, accounts closed by ${result.cutoff_date}`,
    `${verb} ${result.accounts_deleted} accounts (${result.account_versions_deleted} versions), ${result.statement_versions_deleted} statement versions`,
    `${result.dry_run ? "would shred" : "shredded"} ${result.subjects_shredded} subjects' personal data`,
  ].join("\n");
}

export async function retentionCommand(argv: string[], io: Io): Promise<number> {
  const [action, ...rest] = argv;
  if (action === undefined || action === "--help" || action === "-h") {
    io.stdout(retentionHelp);
    return action === undefined ? 2 : 0;
  }
  if (action !== "run") throw new UsageError(`unknown retention action ${action}\n\n${retentionHelp}`);
  const { values } = parse(rest, { "dry-run": { type: "boolean" }, json: { type: "boolean" } });
  if (values.help) {
    io.stdout(retentionHelp);
    return 0;
  }
  const result = await withLocal((ctx) =>
    runRetention(ctx.db, ctx.clock, ctx.config.regime, { dry_run: Boolean(values["dry-run"]) }),
  );
  printData(io, Boolean(values.json), result, () => describe(result));
  return 0;
}
