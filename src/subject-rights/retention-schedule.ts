// The scheduled retention job inside the server: a real run once per UTC day. The embedded database admits one
// process, so the server itself must run it; on PostgreSQL `credence retention run` from cron works as well.
import type { Clock } from "../config/clock.ts";
import type { RegimeProfile } from "../config/regimes.ts";
import type { Database } from "../db/database.ts";
import { type RetentionResult, runRetention } from "./retention.ts";

/** How often the schedule looks whether today's run is done. */
export const retention_check_interval_ms = 3_600_000;

export class RetentionSchedule {
  readonly #db: Database;
  readonly #clock: Clock;
  readonly #regime: RegimeProfile;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();

  constructor(ctx: { db: Database; clock: Clock; config: { regime: RegimeProfile } }) {
    this.#db = ctx.db;
    this.#clock = ctx.clock;
    this.#regime = ctx.config.regime;
  }

  /** Runs retention unless a real run already finished today (UTC); returns the run's result if it ran. */
  async tick(): Promise<RetentionResult | undefined> {
    const run = this.#running.then(() => this.#tickOnce());
    this.#running = run.catch(() => {});
    return run;
  }

  /** Ticks now and then every `interval_ms`; a failed run is handed to `on_error` and tried again next tick. */
  start(on_error: (error: unknown) => void, interval_ms = retention_check_interval_ms): void {
    const tick = async () => {
      try {
        await this.tick();
      } catch (error) {
        on_error(error);
      } finally {
        if (this.#timer !== undefined) this.#timer = setTimeout(tick, interval_ms);
      }
    };
    this.#timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  async #tickOnce(): Promise<RetentionResult | undefined> {
    const today = `${this.#clock.now().toISOString().slice(0, 10)}T00:00:00Z`;
    const done = await this.#db.query(
      "SELECT 1 FROM retention_runs WHERE NOT dry_run AND finished_at IS NOT NULL AND started_at >= $1 LIMIT 1",
      [today],
    );
    if (done.length > 0) return undefined;
    return runRetention(this.#db, this.#clock, this.#regime, { dry_run: false });
  }
}
