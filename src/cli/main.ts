// The `credence` command: one entry point, one subcommand per operator task.

import { billingCommand } from "../billing/cli.ts";
import { migrate } from "../db/migrate.ts";
import { demo_seed, describeDemoKeys, isEmptyExchange, loadDemoWorld } from "../demo/demo-world.ts";
import { people_default, people_max, writePopulationFiles } from "../demo/population.ts";
import { logCommand, witnessCommand } from "../disclosure-log/log-cli.ts";
import { furnishCommand } from "../furnishing/furnish-command.ts";
import { modelCommand } from "../scoring/cli.ts";
import { bureauModelCommand, trainDemoModels } from "../scoring/index.ts";
import { retentionCommand } from "../subject-rights/cli.ts";
import {
  describeError,
  type Io,
  parse,
  printData,
  printHelp,
  processIo,
  UsageError,
  withLocal,
} from "./cli-kit.ts";
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

const demoHelp = `Usage: credence demo [--people N] [--out DIR] [--json]
Loads the demo world into an empty exchange: the institutions, N synthetic people (default ${people_default})
furnished by the platforms over three weeks, lenders' consented queries, and the bureau's scorecards.
With --out DIR it only writes one NDJSON file per furnisher (for benchmarks and your own tests).`;

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
      return printHelp(io, "Usage: credence migrate [--json]\nApplies pending SQL migrations.");
    const result = await withLocal((ctx) => migrate(ctx.db));
    printData(io, Boolean(values.json), result, () =>
      result.applied.length ? `applied ${result.applied.join(", ")}` : "the database is up to date",
    );
    return 0;
  },
  demo: async (argv, io) => {
    const { values } = parse(argv, {
      json: { type: "boolean" },
      people: { type: "string", default: String(people_default) },
      out: { type: "string" },
    });
    if (values.help) return printHelp(io, demoHelp);
    const people = Number(values.people);
    if (!Number.isSafeInteger(people) || people < 0 || people > people_max) {
      throw new UsageError(`--people is a whole number from 0 to ${people_max}`);
    }
    if (values.out) {
      const files = await writePopulationFiles(values.out, { people, seed: demo_seed, now: new Date() });
      printData(io, Boolean(values.json), files, () =>
        files.map((file) => `${file.path}: ${file.lines} lines, ${file.bytes} bytes`).join("\n"),
      );
      return 0;
    }
    const world = await withLocal(async (ctx) => {
      if (!(await isEmptyExchange(ctx)))
        throw new UsageError("the exchange already holds institutions; demo loads only into an empty one");
      const loaded = await loadDemoWorld(ctx, people);
      await trainDemoModels(ctx, people, demo_seed).catch((error: Error) =>
        io.stderr(`scorecards not trained: ${error.message}`),
      );
      return loaded;
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
