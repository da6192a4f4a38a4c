// Per-lender rate limits (token bucket) and daily quotas for queries; a refusal says when to retry.
import type { Clock } from "../config/clock.ts";
import type { Database } from "../db/database.ts";
import { ApiError } from "../http/errors.ts";

interface Bucket {
  tokens: number;
  refilled_ms: number;
  day: string;
  used_today: number;
  rate_per_s: number;
  daily_quota: number;
}

/** Limits are kept in memory per process; the day's count starts from the inquiry log so restarts keep it. */
export class QueryLimits {
  readonly #buckets = new Map<string, Bucket>();
  // A bucket being loaded, so that the queries arriving meanwhile wait for one load rather than each count
  // the day's inquiries again (32 at once at start-up or midnight cost PostgreSQL seconds).
  readonly #loading = new Map<string, Promise<Bucket>>();
  readonly #db: Pick<Database, "query">;
  readonly #clock: Clock;
  readonly #defaults: { rate_per_s: number; daily_quota: number };

  constructor(
    db: Pick<Database, "query">,
    clock: Clock,
    defaults: { rate_per_s: number; daily_quota: number },
  ) {
    this.#db = db;
    this.#clock = clock;
    this.#defaults = defaults;
  }

  /** Takes one query from the lender's allowance or throws RATE_LIMITED / QUOTA_EXCEEDED. */
  async take(institution_id: string): Promise<void> {
    const now = this.#clock.now();
    const day = now.toISOString().slice(0, 10);
    let bucket = this.#buckets.get(institution_id);
    if (!bucket || bucket.day !== day) bucket = await this.#loadOnce(institution_id, day, now);
    const elapsed_s = Math.max(0, now.getTime() - bucket.refilled_ms) / 1000;
    bucket.tokens = Math.min(bucket.rate_per_s, bucket.tokens + elapsed_s * bucket.rate_per_s);
    bucket.refilled_ms = now.getTime();
    if (bucket.used_today >= bucket.daily_quota) {
      const midnight = Date.parse(`${day}T00:00:00Z`) + 86_400_000;
      const retry_after_s = Math.ceil((midnight - now.getTime()) / 1000);
      throw new ApiError("QUOTA_EXCEEDED", `The daily quota of ${bucket.daily_quota} queries is used up.`, {
        retry_after_s,
      });
    }
    if (bucket.tokens < 1) {
      const retry_after_s = Math.max(1, Math.ceil((1 - bucket.tokens) / bucket.rate_per_s));
      throw new ApiError("RATE_LIMITED", `More than ${bucket.rate_per_s} queries per second.`, {
        retry_after_s,
      });
    }
    bucket.tokens -= 1;
    bucket.used_today += 1;
  }

  async #loadOnce(institution_id: string, day: string, now: Date): Promise<Bucket> {
    const key = `${institution_id}|${day}`;
    let loading = this.#loading.get(key);
    if (!loading) {
      loading = this.#load(institution_id, day, now).finally(() => this.#loading.delete(key));
      this.#loading.set(key, loading);
    }
    return loading;
  }

  async #load(institution_id: string, day: string, now: Date): Promise<Bucket> {
    const [limits] = await this.#db.query<{ rate_per_s: number; daily_quota: number }>(
      "SELECT rate_per_s, daily_quota FROM lender_limits WHERE institution_id = $1",
      [institution_id],
    );
    const [used] = await this.#db.query<{ n: bigint }>(
      "SELECT count(*)::int8 AS n FROM inquiries WHERE institution_id = $1 AND at >= $2::date",
      [institution_id, day],
    );
    const rate_per_s = limits?.rate_per_s ?? this.#defaults.rate_per_s;
    const bucket: Bucket = {
      tokens: rate_per_s,
      refilled_ms: now.getTime(),
      day,
      used_today: Number(used?.n ?? 0n),
      rate_per_s,
      daily_quota: limits?.daily_quota ?? this.#defaults.daily_quota,
    };
    this.#buckets.set(institution_id, bucket);
    return bucket;
  }
}
