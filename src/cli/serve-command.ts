// `credence serve`: migrate, load the demo world into an empty exchange if asked, and listen.
import fs from "node:fs";
import path from "node:path";
import { startFolding } from "../billing/metering.ts";
import {
  type DemoWorld,
  demo_seed,
  describeDemoKeys,
  isEmptyExchange,
  loadDemoWorld,
} from "../demo/demo-world.ts";
import { logSequencer } from "../disclosure-log/log-sequencer-factory.ts";
import { createFeedDispatcher } from "../feed/index.ts";
import { recoverInterrupted } from "../furnishing/submissions.ts";
import { allRoutes } from "../http/routes.ts";
import { buildServer } from "../http/server.ts";
import { scheduleComplianceSnapshots } from "../oversight/index.ts";
import { trainDemoModels } from "../scoring/index.ts";
import { RetentionSchedule } from "../subject-rights/index.ts";
import { type Io, openLocal, parse } from "./cli-kit.ts";

/** How often queued disclosures are integrated and a checkpoint signed; well under the one-second promise. */
const log_interval_ms = 200;

/** How often the ledger catches up with the log. */
const fold_interval_ms = 1_000;

export const serveHelp = `Usage: credence serve [--demo-if-empty]

Starts the exchange: applies migrations, then serves the API, /docs and the portals on PORT (8080).
  --demo-if-empty   load the demo world when the database holds no institution, and print its keys
Environment: PORT, HOST, DATABASE_URL, CREDENCE_DATA_DIR, CREDENCE_REGIME (see README).`;

export async function serveCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, { "demo-if-empty": { type: "boolean" } });
  if (values.help) {
    io.stdout(serveHelp);
    return 0;
  }
  const ctx = await openLocal();
  const keysFile = path.join(ctx.config.data_dir, "demo-keys.json");
  if (values["demo-if-empty"] && (await isEmptyExchange(ctx))) {
    io.stdout("The exchange is empty: loading the demo world…");
    const world = await loadDemoWorld(ctx);
    io.stdout("Training the bureau's scorecards on the demo population…");
    // A population too small to train on still makes a working exchange; reports then say NO_MODEL.
    await trainDemoModels(ctx, ctx.config.demo_people, demo_seed).catch((error: Error) =>
      io.stderr(`scorecards not trained: ${error.message}`),
    );
    fs.mkdirSync(ctx.config.data_dir, { recursive: true, mode: 0o700 });
    fs.writeFileSync(keysFile, JSON.stringify(world, null, 2), { mode: 0o600 });
  }
  // In embedded mode this process is the only writer, so a submission left processing died with its process.
  if (ctx.db.kind === "pglite") await recoverInterrupted(ctx);
  const app = await buildServer(ctx, { logging: true, routes: allRoutes });
  await app.listen({ host: ctx.config.host, port: ctx.config.port });
  const sequencer = logSequencer(ctx);
  sequencer.start(log_interval_ms, (error) =>
    app.log.error({ err: error }, "log sequencer batch failed; retrying"),
  );
  const dispatcher = createFeedDispatcher(ctx);
  dispatcher.start();
  const snapshots = scheduleComplianceSnapshots(ctx.db, ctx.clock, {
    onError: (error) => app.log.error({ err: error }, "compliance snapshot failed"),
  });
  const retention = new RetentionSchedule(ctx);
  retention.start((error) => app.log.error({ err: error }, "retention run failed; retried next hour"));
  const folding = startFolding(ctx.db, ctx.clock, fold_interval_ms, (error) =>
    app.log.error({ err: error }, "billing fold failed; retrying"),
  );
  if (fs.existsSync(keysFile)) {
    io.stdout(describeDemoKeys(JSON.parse(fs.readFileSync(keysFile, "utf8")) as DemoWorld));
  }
  io.stdout(
    `Credence is listening on http://localhost:${ctx.config.port} (${ctx.db.kind}, regime ${ctx.config.regime.code})`,
  );
  const stop = async () => {
    await dispatcher.stop();
    await snapshots.stop();
    await retention.stop();
    await folding.stop();
    await sequencer.stop();
    await app.close();
    await ctx.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  return await new Promise<number>(() => {});
}
