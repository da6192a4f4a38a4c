// Feature selection: drop features with too little information value or too correlated with a stronger one.
import type { FeatureBinning } from "./binning.ts";
import { binsPValue } from "./weight-of-evidence.ts";

export interface SelectionOptions {
  readonly iv_min: number;
  // A feature is kept only if its bins differ in bad rate at this significance level (chi-square).
  readonly p_value_max: number;
  // Largest absolute Pearson correlation allowed between the WoE columns of two kept features.
  readonly correlation_max: number;
  readonly features_max: number;
}

export interface DroppedFeature {
  readonly name: string;
  readonly reason: "LOW_IV" | "NOT_SIGNIFICANT" | "CORRELATED" | "TOO_MANY_FEATURES" | "WRONG_SIGN";
  readonly detail: string;
}

// Greedy by IV: the strongest feature is kept, then each next one if it is informative enough,
// significant, and not too correlated with any kept feature. The significance test is what lets
// a large sample keep many weak features whose joint signal is real, while a small one keeps
// only features whose bins clearly differ. Returns indices into binnings, strongest first.
export function selectFeatures(
  binnings: readonly FeatureBinning[],
  woe_columns: readonly Float64Array[],
  options: SelectionOptions,
): { kept: number[]; dropped: DroppedFeature[] } {
  const order = binnings
    .map((binning, index) => ({ index, iv: binning.iv, name: binning.name }))
    .sort((a, b) => b.iv - a.iv || (a.name < b.name ? -1 : 1));
  const kept: number[] = [];
  const dropped: DroppedFeature[] = [];
  for (const { index, iv, name } of order) {
    if (iv < options.iv_min) {
      dropped.push({ name, reason: "LOW_IV", detail: `IV ${iv.toFixed(4)} below ${options.iv_min}` });
      continue;
    }
    const binning = binnings[index] as FeatureBinning;
    const p_value = binsPValue([...binning.bins, binning.missing]);
    if (p_value > options.p_value_max) {
      dropped.push({
        name,
        reason: "NOT_SIGNIFICANT",
        detail: `bins differ with p = ${p_value.toPrecision(2)}`,
      });
      continue;
    }
    const column = woe_columns[index] as Float64Array;
    const rival = kept.find(
      (other) => Math.abs(pearson(column, woe_columns[other] as Float64Array)) > options.correlation_max,
    );
    if (rival !== undefined) {
      const rival_name = (binnings[rival] as FeatureBinning).name;
      dropped.push({
        name,
        reason: "CORRELATED",
        detail: `WoE correlates with ${rival_name} beyond ${options.correlation_max}`,
      });
      continue;
    }
    if (kept.length >= options.features_max) {
      dropped.push({
        name,
        reason: "TOO_MANY_FEATURES",
        detail: `more than ${options.features_max} features qualify`,
      });
      continue;
    }
    kept.push(index);
  }
  return { kept, dropped };
}

// Correlations are estimated on an evenly strided sample of at most this many rows: plenty to
// compare against a threshold such as 0.7, and it keeps selection cheap on large samples.
export const correlation_rows_max = 20_000;

export function pearson(a: Float64Array, b: Float64Array): number {
  const stride = Math.max(1, Math.floor(a.length / correlation_rows_max));
  let n = 0;
  let mean_a = 0;
  let mean_b = 0;
  for (let i = 0; i < a.length; i += stride) {
    mean_a += a[i] as number;
    mean_b += b[i] as number;
    n += 1;
  }
  mean_a /= n;
  mean_b /= n;
  let cross = 0;
  let square_a = 0;
  let square_b = 0;
  for (let i = 0; i < a.length; i += stride) {
    const da = (a[i] as number) - mean_a;
    const db = (b[i] as number) - mean_b;
    cross += da * db;
    square_a += da * da;
    square_b += db * db;
  }
  return square_a === 0 || square_b === 0 ? 0 : cross / Math.sqrt(square_a * square_b);
}
