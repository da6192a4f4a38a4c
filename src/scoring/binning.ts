// Monotonic binning of one feature: fine classing, then merging into coarse bins with a missing bin.
import assert from "node:assert/strict";
import type { CategoricalColumn, FeatureColumn, NumericColumn } from "./dataset.ts";
import {
  type Block,
  type Direction,
  logLikelihood,
  mergeSimilarBlocks,
  mergeSmallBlocks,
  poolAdjacentViolators,
} from "./ordered-merging.ts";
import { type BinStats, informationValue, smoothedWoe } from "./weight-of-evidence.ts";

export type DirectionChoice = Direction | "auto";

// Quantiles for fine classing are taken from at most this many values of a column.
export const quantile_sample_max = 20_000;

export interface BinningOptions {
  // How many quantile bins a numeric feature starts from before merging.
  readonly fine_bins: number;
  // Smallest share of the rows a coarse bin may hold (the missing bin is exempt).
  readonly bin_share_min: number;
  readonly bins_max: number;
  // Adjacent bins whose bad rates do not differ at this significance level are merged; 1 disables.
  readonly merge_p_value: number;
  // Pseudo-rows that shrink each bin's bad rate toward the overall rate before taking the WoE.
  readonly woe_prior_count: number;
}

export const default_binning_options: BinningOptions = {
  fine_bins: 20,
  bin_share_min: 0.05,
  bins_max: 8,
  merge_p_value: 0.5,
  woe_prior_count: 2,
};

// Bin i of a numeric feature holds values v with thresholds[i-1] < v <= thresholds[i]; the last
// bin has no upper bound. "direction" says whether risk rises (ascending) or falls with the value.
export interface NumericBinning {
  readonly kind: "numeric";
  readonly name: string;
  readonly direction: Direction;
  readonly thresholds: readonly number[];
  readonly bins: readonly BinStats[];
  readonly missing: BinStats;
  readonly iv: number;
}

// Groups of categories ordered from the safest to the riskiest. Categories never seen in training
// share the missing bin.
export interface CategoricalBinning {
  readonly kind: "categorical";
  readonly name: string;
  readonly groups: readonly (readonly string[])[];
  readonly bins: readonly BinStats[];
  readonly missing: BinStats;
  readonly iv: number;
}

export type FeatureBinning = NumericBinning | CategoricalBinning;

interface Totals {
  readonly rows: number;
  readonly bads: number;
}

export function fitBinning(
  column: FeatureColumn,
  target: Uint8Array,
  options: BinningOptions,
  direction: DirectionChoice,
): FeatureBinning {
  let bads = 0;
  for (const value of target) bads += value;
  const totals = { rows: target.length, bads };
  assert.ok(bads > 0 && bads < target.length, "binning needs both outcomes");
  return column.kind === "numeric"
    ? fitNumeric(column, target, options, direction, totals)
    : fitCategorical(column, target, options, totals);
}

// The index of the range bin that holds value; +-Infinity fall into the outer bins.
export function rangeBinIndex(thresholds: Float64Array, value: number): number {
  let low = 0;
  let high = thresholds.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (value <= (thresholds[middle] as number)) high = middle;
    else low = middle + 1;
  }
  return low;
}

function fitNumeric(
  column: NumericColumn,
  target: Uint8Array,
  options: BinningOptions,
  direction: DirectionChoice,
  totals: Totals,
): NumericBinning {
  const fine_thresholds = Float64Array.from(fineThresholds(column.values, options.fine_bins));
  const fine_count = new Float64Array(fine_thresholds.length + 1);
  const fine_bad = new Float64Array(fine_thresholds.length + 1);
  let missing_count = 0;
  let missing_bad = 0;
  column.values.forEach((value, row) => {
    const outcome = target[row] as number;
    if (Number.isNaN(value)) {
      missing_count += 1;
      missing_bad += outcome;
      return;
    }
    const bin = rangeBinIndex(fine_thresholds, value);
    fine_count[bin] = (fine_count[bin] as number) + 1;
    fine_bad[bin] = (fine_bad[bin] as number) + outcome;
  });
  const fine: Block[] = [];
  fine_count.forEach((count, index) => {
    if (count > 0) fine.push({ start: index, end: index + 1, count, bad: fine_bad[index] as number });
  });
  const candidates: Direction[] = direction === "auto" ? ["ascending", "descending"] : [direction];
  let chosen: { direction: Direction; blocks: Block[] } | undefined;
  for (const candidate of candidates) {
    const blocks = coarsen(fine, candidate, options, totals);
    if (chosen === undefined || logLikelihood(blocks) > logLikelihood(chosen.blocks)) {
      chosen = { direction: candidate, blocks };
    }
  }
  assert.ok(chosen !== undefined);
  const thresholds = chosen.blocks.slice(0, -1).map((block) => fine_thresholds[block.end - 1] as number);
  const missing = { count: missing_count, bad: missing_bad };
  return {
    kind: "numeric",
    name: column.name,
    direction: chosen.direction,
    thresholds,
    ...withWoe(chosen.blocks, missing, totals, options.woe_prior_count),
  };
}

// Cut points at the quantiles of the present values; each is the largest value of its bin, and no
// cut sits at the maximum (that would leave an empty last bin). On large columns the quantiles
// come from an evenly strided sample, which places fine cuts just as well at a fraction of the sort.
function fineThresholds(values: Float64Array, fine_bins: number): number[] {
  let present_count = 0;
  for (const value of values) if (!Number.isNaN(value)) present_count += 1;
  const stride = Math.max(1, Math.floor(present_count / quantile_sample_max));
  const sample = new Float64Array(Math.ceil(present_count / stride));
  let seen = 0;
  let taken = 0;
  for (const value of values) {
    if (Number.isNaN(value)) continue;
    if (seen % stride === 0 && taken < sample.length) {
      sample[taken] = value;
      taken += 1;
    }
    seen += 1;
  }
  const present = sample.subarray(0, taken).sort();
  const n = present.length;
  const thresholds: number[] = [];
  if (n === 0) return thresholds;
  const maximum = present[n - 1] as number;
  for (let quantile = 1; quantile < fine_bins; quantile += 1) {
    const cut = present[Math.max(0, Math.ceil((quantile * n) / fine_bins) - 1)] as number;
    if (cut < maximum && (thresholds.length === 0 || cut > (thresholds[thresholds.length - 1] as number))) {
      thresholds.push(cut);
    }
  }
  return thresholds;
}

function coarsen(
  fine: readonly Block[],
  direction: Direction,
  options: BinningOptions,
  totals: Totals,
): Block[] {
  const count_min = Math.max(1, Math.ceil(options.bin_share_min * totals.rows));
  const monotone = poolAdjacentViolators(fine, direction);
  const sized = mergeSmallBlocks(monotone, count_min);
  const merged = mergeSimilarBlocks(sized, options.bins_max, options.merge_p_value);
  if (merged.length === 0) return [{ start: 0, end: 1, count: 0, bad: 0 }];
  return monotoneAfterShrinking(merged, direction, totals, options.woe_prior_count);
}

// Shrinking toward the overall rate pulls small bins more than large ones, so two bins whose raw
// rates are almost equal can swap order once shrunk. Such a pair is merged, so that the WoE (and
// therefore the points) is strictly monotonic, not only the raw bad rates.
function monotoneAfterShrinking(
  blocks: Block[],
  direction: Direction,
  totals: Totals,
  prior: number,
): Block[] {
  const overall = totals.bads / totals.rows;
  const woe = (block: Block) => smoothedWoe(block.bad, block.count, overall, prior);
  const merged = [...blocks];
  for (let index = 0; index + 1 < merged.length; ) {
    const a = merged[index] as Block;
    const b = merged[index + 1] as Block;
    const in_order = direction === "ascending" ? woe(b) < woe(a) : woe(b) > woe(a);
    if (in_order) {
      index += 1;
      continue;
    }
    merged.splice(index, 2, { start: a.start, end: b.end, count: a.count + b.count, bad: a.bad + b.bad });
    index = Math.max(0, index - 1);
  }
  return merged;
}

function fitCategorical(
  column: CategoricalColumn,
  target: Uint8Array,
  options: BinningOptions,
  totals: Totals,
): CategoricalBinning {
  const level_count = new Float64Array(column.levels.length);
  const level_bad = new Float64Array(column.levels.length);
  let missing_count = 0;
  let missing_bad = 0;
  column.codes.forEach((code, row) => {
    const outcome = target[row] as number;
    if (code < 0) {
      missing_count += 1;
      missing_bad += outcome;
      return;
    }
    level_count[code] = (level_count[code] as number) + 1;
    level_bad[code] = (level_bad[code] as number) + outcome;
  });
  // Categories are ordered by their shrunk bad rate, so a rare category sits near the average
  // and pools with its neighbours instead of claiming an extreme bin of its own.
  const overall = totals.bads / totals.rows;
  const prior = options.woe_prior_count;
  const seen = column.levels
    .map((level, code) => ({
      level,
      count: level_count[code] as number,
      bad: level_bad[code] as number,
    }))
    .filter((entry) => entry.count > 0)
    .map((entry) => ({ ...entry, rate: (entry.bad + prior * overall) / (entry.count + prior) }))
    .sort((a, b) => a.rate - b.rate || (a.level < b.level ? -1 : a.level > b.level ? 1 : 0));
  const fine: Block[] = seen.map((entry, index) => ({
    start: index,
    end: index + 1,
    count: entry.count,
    bad: entry.bad,
  }));
  const blocks = coarsen(fine, "ascending", options, totals);
  const groups = blocks.map((block) => seen.slice(block.start, block.end).map((entry) => entry.level));
  const missing = { count: missing_count, bad: missing_bad };
  return {
    kind: "categorical",
    name: column.name,
    groups,
    ...withWoe(blocks, missing, totals, options.woe_prior_count),
  };
}

function withWoe(
  blocks: readonly Block[],
  missing: { count: number; bad: number },
  totals: Totals,
  prior_count: number,
): { bins: BinStats[]; missing: BinStats; iv: number } {
  const overall = totals.bads / totals.rows;
  const stats = (count: number, bad: number): BinStats => ({
    count,
    bad,
    woe: smoothedWoe(bad, count, overall, prior_count),
  });
  const bins = blocks.map((block) => stats(block.count, block.bad));
  const missing_stats = stats(missing.count, missing.bad);
  const iv = informationValue([...bins, missing_stats], totals.bads, totals.rows - totals.bads);
  return { bins, missing: missing_stats, iv };
}

// Each row's bin; the missing bin (and any category unseen in training) is index bins.length.
export function binIndices(binning: FeatureBinning, column: FeatureColumn): Int32Array {
  const missing_index = binning.bins.length;
  if (binning.kind === "numeric") {
    assert.equal(column.kind, "numeric", "binning and column kinds must match");
    const values = (column as NumericColumn).values;
    const thresholds = Float64Array.from(binning.thresholds);
    const indices = new Int32Array(values.length);
    values.forEach((value, row) => {
      indices[row] = Number.isNaN(value) ? missing_index : rangeBinIndex(thresholds, value);
    });
    return indices;
  }
  assert.equal(column.kind, "categorical", "binning and column kinds must match");
  const categorical = column as CategoricalColumn;
  const group_of = new Map<string, number>();
  binning.groups.forEach((group, index) => {
    for (const level of group) group_of.set(level, index);
  });
  const level_bins = categorical.levels.map((level) => group_of.get(level) ?? missing_index);
  const indices = new Int32Array(categorical.codes.length);
  categorical.codes.forEach((code, row) => {
    indices[row] = code < 0 ? missing_index : (level_bins[code] as number);
  });
  return indices;
}

// Each row's weight of evidence.
export function woeValues(binning: FeatureBinning, column: FeatureColumn): Float64Array {
  const table = [...binning.bins.map((bin) => bin.woe), binning.missing.woe];
  const indices = binIndices(binning, column);
  const woe = new Float64Array(indices.length);
  indices.forEach((bin, row) => {
    woe[row] = table[bin] as number;
  });
  return woe;
}
