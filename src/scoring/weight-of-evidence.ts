// Weight of evidence, information value and the chi-square test that decides whether two bins differ.
import assert from "node:assert/strict";

// Counts of one bin and the weight of evidence derived from them.
export interface BinStats {
  readonly count: number;
  readonly bad: number;
  readonly woe: number;
}

// WoE is the log odds of good in the bin minus the log odds of good overall (so positive is safer),
// which equals ln(share of goods / share of bads). The bin's bad rate is shrunk toward the overall
// rate by prior_count pseudo-rows, so a small bin (or an empty one) cannot produce an extreme or
// infinite value: an empty bin gets WoE 0, the population average.
export function smoothedWoe(
  bad: number,
  count: number,
  overall_bad_rate: number,
  prior_count: number,
): number {
  assert.ok(prior_count > 0, "the WoE prior must be positive");
  assert.ok(
    overall_bad_rate > 0 && overall_bad_rate < 1,
    "the overall bad rate must be strictly between 0 and 1",
  );
  const rate = (bad + prior_count * overall_bad_rate) / (count + prior_count);
  return Math.log((1 - rate) / rate) - Math.log((1 - overall_bad_rate) / overall_bad_rate);
}

// IV = sum over bins of (share of goods - share of bads) * WoE.
export function informationValue(bins: readonly BinStats[], bads_total: number, goods_total: number): number {
  let iv = 0;
  for (const bin of bins) {
    iv += ((bin.count - bin.bad) / goods_total - bin.bad / bads_total) * bin.woe;
  }
  return iv;
}

// Pearson chi-square statistic of the 2x2 table (bin, outcome) for two bins.
export function chiSquare2x2(count_a: number, bad_a: number, count_b: number, bad_b: number): number {
  const good_a = count_a - bad_a;
  const good_b = count_b - bad_b;
  const bads = bad_a + bad_b;
  const goods = good_a + good_b;
  const denominator = count_a * count_b * bads * goods;
  if (denominator === 0) return 0;
  const cross = bad_a * good_b - good_a * bad_b;
  return ((count_a + count_b) * cross * cross) / denominator;
}

// Upper tail probability of a chi-square variable with one degree of freedom.
export function chiSquarePValue(statistic: number): number {
  return complementaryErrorFunction(Math.sqrt(statistic / 2));
}

// Chebyshev fit from Numerical Recipes (erfcc), fractional error below 1.2e-7 everywhere.
export function complementaryErrorFunction(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const polynomial =
    -z * z -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t *
                      (0.27886807 +
                        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const result = t * Math.exp(polynomial);
  return x >= 0 ? result : 2 - result;
}

// Pearson chi-square test of independence between bin membership and outcome over the non-empty
// bins; returns the p-value (1 when fewer than two bins are non-empty).
export function binsPValue(bins: readonly { count: number; bad: number }[]): number {
  const used = bins.filter((bin) => bin.count > 0);
  if (used.length < 2) return 1;
  let rows = 0;
  let bads = 0;
  for (const bin of used) {
    rows += bin.count;
    bads += bin.bad;
  }
  const rate = bads / rows;
  if (rate === 0 || rate === 1) return 1;
  let statistic = 0;
  for (const bin of used) {
    const expected = bin.count * rate;
    statistic += (bin.bad - expected) ** 2 / (expected * (1 - rate));
  }
  return upperRegularisedGamma((used.length - 1) / 2, statistic / 2);
}

// Q(a, x), the upper regularised incomplete gamma function (Numerical Recipes gammq): a series
// below x = a + 1 and a continued fraction above.
export function upperRegularisedGamma(a: number, x: number): number {
  assert.ok(a > 0 && x >= 0, "gamma arguments in range");
  if (x === 0) return 1;
  const log_prefix = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 500; n += 1) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return 1 - sum * Math.exp(log_prefix);
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let n = 1; n < 500; n += 1) {
    const an = -n * (n - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.exp(log_prefix) * h;
}

// Lanczos approximation (g = 7, n = 9), accurate to about 15 digits for positive arguments.
const lanczos = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

export function logGamma(value: number): number {
  if (value < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * value)) - logGamma(1 - value);
  const z = value - 1;
  let sum = lanczos[0] as number;
  for (let i = 1; i < lanczos.length; i += 1) sum += (lanczos[i] as number) / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}
