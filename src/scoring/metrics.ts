// Discrimination metrics for a risk ranking: AUC, KS, Gini, bootstrap intervals and the ROC curve.
import assert from "node:assert/strict";
import { DomainError } from "./errors.ts";
import { createRng } from "./prng.ts";

export interface BinaryMetrics {
  readonly rows: number;
  readonly bads: number;
  readonly auc: number;
  readonly ks: number;
  readonly gini: number;
}

export interface Interval {
  readonly low: number;
  readonly high: number;
}

export interface MetricsWithIntervals extends BinaryMetrics {
  readonly confidence_level: number;
  readonly resamples: number;
  readonly auc_ci: Interval;
  readonly ks_ci: Interval;
  readonly gini_ci: Interval;
}

export const bootstrap_resamples_max = 10_000;

// Outcomes sorted by risk with ties grouped: the one sort that every metric and resample shares.
interface RankedGroups {
  // Position where each group of equal risk starts, in ascending risk, then the total.
  readonly group_starts: Int32Array;
  // The outcome at each position of the ascending-risk order.
  readonly sorted_target: Uint8Array;
}

function rankGroups(risk: ArrayLike<number>, target: Uint8Array): RankedGroups {
  const order = new Int32Array(risk.length);
  for (let index = 0; index < order.length; index += 1) {
    assert.ok(Number.isFinite(risk[index]), "risk values must be finite");
    order[index] = index;
  }
  order.sort((a, b) => (risk[a] as number) - (risk[b] as number));
  const starts: number[] = [];
  const sorted_target = new Uint8Array(order.length);
  for (let position = 0; position < order.length; position += 1) {
    const row = order[position] as number;
    sorted_target[position] = target[row] as number;
    if (position === 0 || risk[row] !== risk[order[position - 1] as number]) starts.push(position);
  }
  starts.push(order.length);
  return { group_starts: Int32Array.from(starts), sorted_target };
}

// Metrics with each position counted weight[position] times; a bootstrap reuses the one sort.
function weightedMetrics(groups: RankedGroups, weight: Float64Array | undefined) {
  const { group_starts, sorted_target } = groups;
  let bads = 0;
  let goods = 0;
  for (let position = 0; position < sorted_target.length; position += 1) {
    const w = weight === undefined ? 1 : (weight[position] as number);
    if (sorted_target[position] === 1) bads += w;
    else goods += w;
  }
  let concordant = 0;
  let ks = 0;
  let bads_below = 0;
  let goods_below = 0;
  for (let group = 0; group + 1 < group_starts.length; group += 1) {
    let bad = 0;
    let good = 0;
    for (
      let position = group_starts[group] as number;
      position < (group_starts[group + 1] as number);
      position += 1
    ) {
      const w = weight === undefined ? 1 : (weight[position] as number);
      if (sorted_target[position] === 1) bad += w;
      else good += w;
    }
    // A bad ranks above every good below its group and half of the goods tied with it.
    concordant += bad * (goods_below + good / 2);
    goods_below += good;
    bads_below += bad;
    ks = Math.max(ks, Math.abs(goods_below / goods - bads_below / bads));
  }
  const auc = concordant / (bads * goods);
  return { bads, goods, auc, ks, gini: 2 * auc - 1 };
}

function checkInputs(risk: ArrayLike<number>, target: Uint8Array): void {
  assert.equal(risk.length, target.length, "one risk value per outcome");
  let bads = 0;
  for (const value of target) bads += value;
  if (bads === 0 || bads === target.length) {
    throw new DomainError("TARGET_ONE_CLASS", "metrics need both good and bad outcomes", {
      rows: target.length,
      bads,
    });
  }
}

// risk: higher means more likely bad (a PD, or minus a score).
export function binaryMetrics(risk: ArrayLike<number>, target: Uint8Array): BinaryMetrics {
  checkInputs(risk, target);
  const result = weightedMetrics(rankGroups(risk, target), undefined);
  return { rows: target.length, bads: result.bads, auc: result.auc, ks: result.ks, gini: result.gini };
}

// Percentile bootstrap intervals from resampling rows with replacement.
export function bootstrapMetrics(
  risk: ArrayLike<number>,
  target: Uint8Array,
  options: { readonly resamples: number; readonly seed: number; readonly confidence_level?: number },
): MetricsWithIntervals {
  checkInputs(risk, target);
  assert.ok(
    options.resamples >= 1 && options.resamples <= bootstrap_resamples_max,
    "resamples within limits",
  );
  const level = options.confidence_level ?? 0.95;
  const groups = rankGroups(risk, target);
  const point = weightedMetrics(groups, undefined);
  const rng = createRng(options.seed);
  const weight = new Float64Array(target.length);
  const aucs: number[] = [];
  const kss: number[] = [];
  for (let resample = 0; resample < options.resamples; resample += 1) {
    weight.fill(0);
    // The hot loop of a bootstrap: one draw per row per resample, so no checks inside.
    const rows = target.length;
    for (let draw = 0; draw < rows; draw += 1) {
      const position = Math.floor(rng() * rows);
      weight[position] = (weight[position] as number) + 1;
    }
    const result = weightedMetrics(groups, weight);
    if (result.bads === 0 || result.goods === 0) continue;
    aucs.push(result.auc);
    kss.push(result.ks);
  }
  const auc_ci = percentileInterval(aucs, level);
  return {
    rows: target.length,
    bads: point.bads,
    auc: point.auc,
    ks: point.ks,
    gini: point.gini,
    confidence_level: level,
    resamples: aucs.length,
    auc_ci,
    ks_ci: percentileInterval(kss, level),
    gini_ci: { low: 2 * auc_ci.low - 1, high: 2 * auc_ci.high - 1 },
  };
}

function percentileInterval(values: number[], level: number): Interval {
  assert.ok(values.length > 0, "at least one usable resample");
  const sorted = Float64Array.from(values).sort();
  const tail = (1 - level) / 2;
  const at = (share: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(share * (sorted.length - 1))))];
  return { low: at(tail) as number, high: at(1 - tail) as number };
}

// The ROC curve from the riskiest threshold down, thinned to at most points_max points.
export function rocCurve(
  risk: ArrayLike<number>,
  target: Uint8Array,
  points_max: number,
): { false_positive_rate: number[]; true_positive_rate: number[] } {
  checkInputs(risk, target);
  const { group_starts, sorted_target } = rankGroups(risk, target);
  let bads = 0;
  for (const value of target) bads += value;
  const goods = target.length - bads;
  const fpr = [0];
  const tpr = [0];
  let bads_above = 0;
  let goods_above = 0;
  for (let group = group_starts.length - 2; group >= 0; group -= 1) {
    for (
      let position = group_starts[group] as number;
      position < (group_starts[group + 1] as number);
      position += 1
    ) {
      if (sorted_target[position] === 1) bads_above += 1;
      else goods_above += 1;
    }
    fpr.push(goods_above / goods);
    tpr.push(bads_above / bads);
  }
  const stride = Math.max(1, Math.ceil(fpr.length / points_max));
  const keep = (_: number, index: number) => index % stride === 0 || index === fpr.length - 1;
  return { false_positive_rate: fpr.filter(keep), true_positive_rate: tpr.filter(keep) };
}
