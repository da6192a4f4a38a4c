// The `credence` command: one entry point, one subcommand per operator task.

import { billingCommand } from "../billing/cli.ts";
import { migrate } from "../db/migrate.ts";
import { describeDemoKeys, isEmptyExchange, loadDemoWorld } from "../demo/demo-world.ts";
import { logCommand, witnessCommand } from "../disclosure-log/log-cli.ts";
import { furnishCommand } from "../furnishing/furnish-command.ts";
import { modelCommand } from "../scoring/cli.ts";
import { bureauModelCommand } from "../scoring/index.ts";
import { retentionCommand } from "../subject-rights/cli.ts";
import { describeError, type Io, parse, printData, processIo, UsageError, withLocal } from "./cli-kit.ts";
import { institutionCommand, keyCommand } from "./institution-command.ts";
import { serveCommand } from "./serve-command.ts";

const help = `Usage: credence <command> [options]     (from a checkout: npm run credence -- <command>)

Commands:
  serve [--demo-if-empty]        run the exchange (API, /docs, portals)
  migrate                        apply database migrations
  demo                           load the demo world into an empty exchange
  institution add|list           manage participants
  key create|revoke              manage API keys
  furnish FILE --as INSTITUTION  furnish an NDJSON or CSV file (locally, or --server URL --key KEY)
  log checkpoint|key|verify      read and verify the disclosure log with public data only
  witness --bureau URL …         the regulator's witness: check, cosign and serve checkpoints
  billing fold|verify|statement  meter the log, check a month against it, print statements
  retention run [--dry-run]      delete negative information past the regime's retention
  model train|evaluate|score     build and check explainable scorecards on any CSV or the German data
  model bureau-train|list        train the bureau's cards on its own data; list registered models

Every command takes --help. Data commands take --json. Commands that change the store work on the
data folder or DATABASE_URL directly, or on a running server with --server URL --key KEY.`;

type Command = (argv: string[], io: Io) => Promise<number>;

const commands: Record<string, Command> = {
  serve: serveCommand,
  institution: institutionCommand,
  key: keyCommand,
  furnish: furnishCommand,
  log: logCommand,
  witness: witnessCommand,
  billing: billingCommand,
  retention: retentionCommand,
  model: (argv, io) =>
    argv[0] === "bureau-train" || argv[0] === "list" ? bureauModelCommand(argv, io) : modelCommand(argv, io),
  migrate: async (argv, io) => {
    const { values } = parse(argv, { json: { type: "boolean" } });
    if (values.help)
      return (io.stdout("Usage: credence migrate [--json]\nApplies pending SQL migrations."), 0);
    const result = await withLocal((ctx) => migrate(ctx.db));
    printData(io, Boolean(values.json), result, () =>
      result.applied.length ? `applied ${result.applied.join(", ")}` : "the database is up to date",
    );
    return 0;
  },
  demo: async (argv, io) => {
    const { values } = parse(argv, { json: { type: "boolean" } });
    if (values.help)
      return (io.stdout("Usage: credence demo [--json]\nLoads the demo world into an empty exchange."), 0);
    const world = await withLocal(async (ctx) => {
      if (!(await isEmptyExchange(ctx)))
        throw new UsageError("the exchange already holds institutions; demo loads only into an empty one");
      return loadDemoWorld(ctx);
    });
    printData(io, Boolean(values.json), world, () => describeDemoKeys(world));
    return 0;
  },
};

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.stdout(help);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    io.stderr(`unknown command ${name}\n\n${help}`);
    return 2;
  }
  try {
    return await command(rest, io);
  } catch (error) {
    const described = describeError(error);
    io.stderr(described.message);
    return described.exit;
  }
}

if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2));
}
