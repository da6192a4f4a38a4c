// Stratified k-fold assignment: each fold gets the same share of bads, reproducibly from a seed.
import assert from "node:assert/strict";
import { createRng, shuffleInPlace } from "./prng.ts";

export const folds_max = 20;

// The fold (0..folds-1) of each row.
export function stratifiedFolds(target: Uint8Array, folds: number, seed: number): Int32Array {
  assert.ok(Number.isInteger(folds) && folds >= 2 && folds <= folds_max, "folds within limits");
  const rng = createRng(seed);
  const assignment = new Int32Array(target.length);
  let next = 0;
  for (const outcome of [1, 0]) {
    const rows: number[] = [];
    target.forEach((value, row) => {
      if (value === outcome) rows.push(row);
    });
    for (const row of shuffleInPlace(Int32Array.from(rows), rng)) {
      assignment[row] = next;
      next = (next + 1) % folds;
    }
  }
  return assignment;
}

export function foldRows(assignment: Int32Array, fold: number): { train: Int32Array; test: Int32Array } {
  const train: number[] = [];
  const test: number[] = [];
  assignment.forEach((value, row) => {
    if (value === fold) test.push(row);
    else train.push(row);
  });
  return { train: Int32Array.from(train), test: Int32Array.from(test) };
}
