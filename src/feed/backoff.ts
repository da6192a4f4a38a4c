// Retry delays: exponential in the number of failures, capped, with jitter so that receivers recovering
// from an outage are not hit by every retry at once.
import assert from "node:assert/strict";

export interface BackoffPolicy {
  /** The delay after the first failure, before jitter. */
  readonly base_ms: number;
  /** The longest delay, before jitter. */
  readonly cap_ms: number;
}

/**
 * The delay before the next attempt after `failures` failed attempts (1, 2, …): min(cap, base · 2^(n-1)),
 * of which a random half is jitter ("equal jitter"), so a retry never comes sooner than half the step.
 */
export function retryDelayMs(failures: number, policy: BackoffPolicy, random: () => number): number {
  assert.ok(Number.isInteger(failures) && failures >= 1, "a retry follows at least one failure");
  const step = Math.min(policy.cap_ms, policy.base_ms * 2 ** Math.min(failures - 1, 52));
  return Math.round(step / 2 + (random() * step) / 2);
}
