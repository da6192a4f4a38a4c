// Synthetic credit data with a known true PD: for tests and benchmarks, never personal data.
import assert from "node:assert/strict";
import type { Dataset, FeatureColumn } from "./dataset.ts";
import { sigmoid } from "./logistic-regression.ts";
import { createRng, randomInt, randomNormal } from "./prng.ts";

export interface SyntheticOptions {
  readonly rows: number;
  readonly features: number;
  readonly seed: number;
  // Share of values removed from every second feature; missingness itself raises the risk.
  readonly missing_share: number;
  // Include U-shaped features, which a monotonic scorecard cannot fit fully.
  readonly non_monotone: boolean;
}

export interface SyntheticData {
  readonly dataset: Dataset;
  // The probability of bad each row was drawn from.
  readonly true_pd: Float64Array;
}

const category_effects = [-0.9, -0.4, 0, 0.3, 0.6, 1.1];
const intercept = -1.4;

// Feature j has one of five shapes, cycling: rising linear, falling logarithmic, U-shaped (or a
// step when non_monotone is off), categorical with six levels, and a step. Effects shrink as
// features are added so that the true AUC stays near 0.8 whatever the width.
export function syntheticCreditData(options: SyntheticOptions): SyntheticData {
  assert.ok(options.rows > 0 && options.features > 0, "rows and features must be positive");
  const rng = createRng(options.seed);
  const scale = 1 / Math.sqrt(Math.max(1, options.features / 5));
  const logit = new Float64Array(options.rows).fill(intercept);
  const features: FeatureColumn[] = [];
  for (let j = 0; j < options.features; j += 1) {
    const shape = j % 5;
    const with_missing = j % 2 === 1 && options.missing_share > 0;
    const name = `synthetic_${String(j).padStart(2, "0")}`;
    if (shape === 3) {
      const codes = new Int32Array(options.rows);
      codes.forEach((_, row) => {
        const code = randomInt(rng, category_effects.length);
        const missing = with_missing && rng() < options.missing_share;
        codes[row] = missing ? -1 : code;
        logit[row] = (logit[row] as number) + scale * (missing ? 0.5 : (category_effects[code] as number));
      });
      const levels = category_effects.map((_, code) => `level_${String.fromCharCode(70 - code)}`);
      features.push({ name, kind: "categorical", levels, codes });
      continue;
    }
    const values = new Float64Array(options.rows);
    values.forEach((_, row) => {
      const x = shape === 1 ? Math.exp(randomNormal(rng)) * 1000 : randomNormal(rng);
      const missing = with_missing && rng() < options.missing_share;
      values[row] = missing ? Number.NaN : x;
      logit[row] = (logit[row] as number) + scale * (missing ? 0.5 : effect(shape, x, options.non_monotone));
    });
    features.push({ name, kind: "numeric", values });
  }
  const target = new Uint8Array(options.rows);
  const true_pd = Float64Array.from(logit, sigmoid);
  true_pd.forEach((pd, row) => {
    target[row] = rng() < pd ? 1 : 0;
  });
  const dataset: Dataset = {
    features,
    target,
    target_name: "bad",
    bad_label: "1",
    row_count: options.rows,
    warnings: [],
    line_numbers: Int32Array.from({ length: options.rows }, (_, row) => row + 2),
  };
  return { dataset, true_pd };
}

function effect(shape: number, x: number, non_monotone: boolean): number {
  if (shape === 0) return 0.8 * x;
  if (shape === 1) return -0.6 * Math.log1p(x / 1000);
  if (shape === 2) return non_monotone ? 0.5 * (x * x - 1) : x > 0.5 ? 0.8 : 0;
  return x > 1 ? 1 : 0;
}
