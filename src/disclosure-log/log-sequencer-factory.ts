// The bureau's sequencer for its configured origin and signing key.
import type { AppContext } from "../http/context.ts";
import { bureauKey } from "../identity/bureau-key.ts";
import { LogSequencer } from "./log-store.ts";

export function logSequencer(ctx: AppContext): LogSequencer {
  return new LogSequencer(ctx.db, {
    origin: ctx.config.log_origin,
    seed: bureauKey(ctx.keyring).seed,
    clock: ctx.clock,
  });
}
