import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { retryDelayMs } from "./backoff.ts";

const policy = { base_ms: 5_000, cap_ms: 1_800_000 };

describe("retry backoff", () => {
  it("doubles after each failure, between half and all of the step", () => {
    assert.equal(
      retryDelayMs(1, policy, () => 0),
      2_500,
    );
    assert.equal(
      retryDelayMs(1, policy, () => 0.999_999),
      5_000,
    );
    assert.equal(
      retryDelayMs(2, policy, () => 0),
      5_000,
    );
    assert.equal(
      retryDelayMs(4, policy, () => 0.5),
      30_000,
    );
  });

  it("stops growing at the cap, however many failures", () => {
    assert.equal(
      retryDelayMs(10, policy, () => 0.999_999),
      1_799_999,
    );
    assert.equal(
      retryDelayMs(11, policy, () => 0),
      retryDelayMs(1_000, policy, () => 0),
    );
    assert.equal(
      retryDelayMs(1_000, policy, () => 0),
      900_000,
    );
  });

  it("spreads retries of simultaneous failures", () => {
    let seed = 1;
    const random = () => {
      seed = (seed * 16_807) % 2_147_483_647;
      return seed / 2_147_483_647;
    };
    const delays = new Set(Array.from({ length: 20 }, () => retryDelayMs(6, policy, random)));
    assert.ok(delays.size > 15);
  });

  it("refuses to compute a retry without a failure", () => {
    assert.throws(() => retryDelayMs(0, policy, () => 0), assert.AssertionError);
  });
});
