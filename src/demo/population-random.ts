// A small seeded pseudo-random generator for the synthetic population: every draw repeats exactly for a seed.
import assert from "node:assert/strict";

// The 32-bit finaliser of MurmurHash3: it spreads every input bit over the whole word, so that streams
// keyed by (seed, person, purpose) that differ in one bit are unrelated.
function mix32(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A stream of draws keyed by a path of integers. Each person, account and activity category has its own
 * stream, so a furnisher's file can regenerate one person's records without replaying anyone else's.
 */
export class PopulationRandom {
  #state: number;

  private constructor(state: number) {
    this.#state = state;
  }

  /** The stream for a seed and a path such as (person number, purpose, account slot). */
  static keyed(seed: number, ...path: readonly number[]): PopulationRandom {
    assert.ok(Number.isSafeInteger(seed), "a population seed is an integer");
    let state = mix32(seed ^ 0x9e3779b9) ^ mix32(Math.floor(seed / 4_294_967_296));
    for (const key of path) {
      assert.ok(Number.isSafeInteger(key) && key >= 0, "a stream key is a non-negative integer");
      state = mix32(state ^ mix32(key + 0x632be5ab) ^ mix32(Math.floor(key / 4_294_967_296)));
    }
    return new PopulationRandom(state);
  }

  /** A uniform draw in [0, 1) (mulberry32 step: 32-bit integer arithmetic, identical on every platform). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** An integer in [low, high], both included. */
  between(low: number, high: number): number {
    return low + Math.floor(this.next() * (high - low + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  /** A standard normal draw (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A log-normal factor with median 1. */
  spread(sigma: number): number {
    return Math.exp(sigma * this.normal());
  }

  pick<T>(items: readonly T[]): T {
    assert.ok(items.length > 0, "pick needs at least one item");
    return items[Math.floor(this.next() * items.length)] as T;
  }
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
