// Merging of adjacent bins in an ordered sequence: monotonic pooling, minimum size, similarity.
import { chiSquare2x2, chiSquarePValue } from "./weight-of-evidence.ts";

// A run of adjacent fine bins [start, end) with its counts.
export interface Block {
  readonly start: number;
  readonly end: number;
  readonly count: number;
  readonly bad: number;
}

// "ascending": the bad rate rises with the ordering; "descending": it falls.
export type Direction = "ascending" | "descending";

function join(left: Block, right: Block): Block {
  return { start: left.start, end: right.end, count: left.count + right.count, bad: left.bad + right.bad };
}

// True when right's bad rate does not move strictly in the wanted direction from left's.
// Cross-multiplication keeps the comparison exact on integer counts.
function violates(left: Block, right: Block, direction: Direction): boolean {
  const left_side = left.bad * right.count;
  const right_side = right.bad * left.count;
  return direction === "ascending" ? left_side >= right_side : left_side <= right_side;
}

// Pool-adjacent-violators: the maximum-likelihood step function that is strictly monotone.
export function poolAdjacentViolators(blocks: readonly Block[], direction: Direction): Block[] {
  const pooled: Block[] = [];
  for (const block of blocks) {
    let current = block;
    while (pooled.length > 0 && violates(pooled[pooled.length - 1] as Block, current, direction)) {
      current = join(pooled.pop() as Block, current);
    }
    pooled.push(current);
  }
  return pooled;
}

function badRate(block: Block): number {
  return block.count === 0 ? 0 : block.bad / block.count;
}

// Merges the smallest bin into its neighbour with the closer bad rate until every bin holds at
// least count_min rows. Merging neighbours keeps a monotone sequence monotone.
export function mergeSmallBlocks(blocks: readonly Block[], count_min: number): Block[] {
  const merged = [...blocks];
  while (merged.length > 1) {
    let smallest = -1;
    merged.forEach((block, index) => {
      if (block.count < count_min && (smallest < 0 || block.count < (merged[smallest] as Block).count)) {
        smallest = index;
      }
    });
    if (smallest < 0) break;
    const block = merged[smallest] as Block;
    const left = merged[smallest - 1];
    const right = merged[smallest + 1];
    const rate = badRate(block);
    const use_left =
      left !== undefined &&
      (right === undefined || Math.abs(badRate(left) - rate) <= Math.abs(badRate(right) - rate));
    if (use_left) merged.splice(smallest - 1, 2, join(left, block));
    else merged.splice(smallest, 2, join(block, right as Block));
  }
  return merged;
}

// Merges the most similar adjacent pair (smallest chi-square) while there are more than bins_max
// bins or while that pair's difference is not significant at p_value_max. A p_value_max of 1
// disables the significance rule.
export function mergeSimilarBlocks(blocks: readonly Block[], bins_max: number, p_value_max: number): Block[] {
  const merged = [...blocks];
  while (merged.length > 1) {
    let best = 0;
    let best_statistic = Number.POSITIVE_INFINITY;
    for (let index = 0; index + 1 < merged.length; index += 1) {
      const left = merged[index] as Block;
      const right = merged[index + 1] as Block;
      const statistic = chiSquare2x2(left.count, left.bad, right.count, right.bad);
      if (statistic < best_statistic) {
        best_statistic = statistic;
        best = index;
      }
    }
    const too_many = merged.length > bins_max;
    if (!too_many && chiSquarePValue(best_statistic) <= p_value_max) break;
    merged.splice(best, 2, join(merged[best] as Block, merged[best + 1] as Block));
  }
  return merged;
}

// Binomial log-likelihood of the outcomes under each bin's own bad rate.
export function logLikelihood(blocks: readonly Block[]): number {
  let total = 0;
  for (const block of blocks) {
    const good = block.count - block.bad;
    if (block.bad > 0) total += block.bad * Math.log(block.bad / block.count);
    if (good > 0) total += good * Math.log(good / block.count);
  }
  return total;
}
