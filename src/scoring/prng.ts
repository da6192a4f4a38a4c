// A small seeded pseudo-random generator so that training, folds and bootstraps repeat exactly.
import assert from "node:assert/strict";

export type Rng = () => number;

// mulberry32: 32-bit state, good enough statistical quality for shuffles and resampling, and
// identical on every platform because it uses only 32-bit integer arithmetic.
export function createRng(seed: number): Rng {
  assert.ok(Number.isInteger(seed), "seed must be an integer");
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

// An integer in [0, bound).
export function randomInt(rng: Rng, bound: number): number {
  assert.ok(Number.isInteger(bound) && bound > 0, "bound must be a positive integer");
  return Math.floor(rng() * bound);
}

// A standard normal draw by the Box-Muller transform.
export function randomNormal(rng: Rng): number {
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

// Fisher-Yates shuffle in place.
export function shuffleInPlace(items: Int32Array, rng: Rng): Int32Array {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = randomInt(rng, i + 1);
    const held = items[i] as number;
    items[i] = items[j] as number;
    items[j] = held;
  }
  return items;
}
