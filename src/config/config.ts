// Configuration read once from the environment; invalid values stop start-up naming the variable.
import path from "node:path";
import { z } from "zod";
import { isRegimeCode, type RegimeProfile, regimes } from "./regimes.ts";

export interface Config {
  readonly port: number;
  readonly host: string;
  /** PostgreSQL connection string; absent means the embedded database in `data_dir`. */
  readonly database_url: string | undefined;
  readonly data_dir: string;
  readonly regime: RegimeProfile;
  readonly log_level: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** Name of this bureau's disclosure log, the first line of every checkpoint. */
  readonly log_origin: string;
  /** Largest JSON request body accepted, in bytes. */
  readonly body_bytes_max: number;
  /** Largest furnishing upload accepted, in bytes (before decompression). */
  readonly upload_bytes_max: number;
  /** A submission whose rejected share of lines exceeds this is rejected whole. */
  readonly reject_share_max: number;
  /** Key material given in the environment; otherwise it is generated in the data folder. */
  readonly pseudonym_key_b64: string | undefined;
  readonly vault_keys: string | undefined;
  readonly signing_key: string | undefined;
  readonly nats_url: string | undefined;
  /** Default per-lender query rate (token bucket, per second) and daily quota. */
  /** PostgreSQL connections per process: concurrent query transactions wait on their commit's flush. */
  readonly db_pool_size: number;
  readonly query_rate_per_s: number;
  readonly query_daily_quota: number;
  /** People the demo world generates when it is loaded (0 loads the institutions only). */
  readonly demo_people: number;
}

export class ConfigError extends Error {
  readonly variable: string;
  constructor(variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = "ConfigError";
    this.variable = variable;
  }
}

const positiveInt = (max: number) => z.coerce.number().int().min(1).max(max);

const fields = {
  PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  HOST: z.string().min(1).default("localhost"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
    .optional(),
  CREDENCE_DATA_DIR: z.string().min(1).default(".credence"),
  CREDENCE_REGIME: z
    .string()
    .default("cn")
    .refine(isRegimeCode, { message: `must be one of ${Object.keys(regimes).join(", ")}` }),
  CREDENCE_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  CREDENCE_LOG_ORIGIN: z
    .string()
    .regex(/^[\x21-\x7e]{1,200}$/, "must be printable ASCII without spaces")
    .default("credence.example/bureau"),
  CREDENCE_BODY_BYTES_MAX: positiveInt(64 * 1024 * 1024).default(1024 * 1024),
  CREDENCE_UPLOAD_BYTES_MAX: positiveInt(64 * 1024 * 1024 * 1024).default(8 * 1024 * 1024 * 1024),
  CREDENCE_REJECT_SHARE_MAX: z.coerce.number().min(0).max(1).default(0.05),
  CREDENCE_PSEUDONYM_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, "must be 32 bytes in base64")
    .optional(),
  CREDENCE_VAULT_KEYS: z
    .string()
    .regex(
      /^[a-z0-9-]{1,32}:[A-Za-z0-9+/]{43}=(,[a-z0-9-]{1,32}:[A-Za-z0-9+/]{43}=)*$/,
      "must be kid:base64key[,kid:base64key…], each key 32 bytes, the first one current",
    )
    .optional(),
  CREDENCE_SIGNING_KEY: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, "must be a 32-byte Ed25519 seed in base64")
    .optional(),
  CREDENCE_DB_POOL_SIZE: positiveInt(500).default(32),
  CREDENCE_QUERY_RATE_PER_S: positiveInt(1_000_000).default(200),
  CREDENCE_QUERY_DAILY_QUOTA: positiveInt(1_000_000_000).default(1_000_000),
  CREDENCE_DEMO_PEOPLE: z.coerce.number().int().min(0).max(100_000_000).default(2_000),
  NATS_URL: z
    .string()
    .regex(/^(nats|tls):\/\//, "must start with nats:// or tls://")
    .optional(),
} as const;

/** Reads the configuration from an environment; throws ConfigError naming the first bad variable. */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  cwd = process.cwd(),
): Config {
  const values: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(fields)) {
    const raw = env[name] === "" ? undefined : env[name];
    const parsed = (schema as z.ZodType).safeParse(raw);
    if (!parsed.success) {
      throw new ConfigError(name, parsed.error.issues[0]?.message ?? "invalid value");
    }
    values[name] = parsed.data;
  }
  const v = values as { [K in keyof typeof fields]: z.output<(typeof fields)[K]> };
  return {
    port: v.PORT,
    host: v.HOST,
    database_url: v.DATABASE_URL,
    data_dir: path.resolve(cwd, v.CREDENCE_DATA_DIR),
    regime: regimes[v.CREDENCE_REGIME as keyof typeof regimes],
    log_level: v.CREDENCE_LOG_LEVEL,
    log_origin: v.CREDENCE_LOG_ORIGIN,
    body_bytes_max: v.CREDENCE_BODY_BYTES_MAX,
    upload_bytes_max: v.CREDENCE_UPLOAD_BYTES_MAX,
    reject_share_max: v.CREDENCE_REJECT_SHARE_MAX,
    pseudonym_key_b64: v.CREDENCE_PSEUDONYM_KEY,
    vault_keys: v.CREDENCE_VAULT_KEYS,
    signing_key: v.CREDENCE_SIGNING_KEY,
    nats_url: v.NATS_URL,
    db_pool_size: v.CREDENCE_DB_POOL_SIZE,
    query_rate_per_s: v.CREDENCE_QUERY_RATE_PER_S,
    query_daily_quota: v.CREDENCE_QUERY_DAILY_QUOTA,
    demo_people: v.CREDENCE_DEMO_PEOPLE,
  };
}
