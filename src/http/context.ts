// What every route module receives: configuration, storage, keys and the clock.
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import type { Clock } from "../config/clock.ts";
import type { Config } from "../config/config.ts";
import type { Keyring } from "../config/keyring.ts";
import type { Database } from "../db/database.ts";

export interface AppContext {
  readonly config: Config;
  readonly db: Database;
  readonly keyring: Keyring;
  readonly clock: Clock;
}

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** A domain's HTTP surface: it adds its routes to the app. */
export type RouteModule = (app: App, ctx: AppContext) => void | Promise<void>;
