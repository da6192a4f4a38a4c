// Population stability (PSI) of scores and characteristic stability of each feature between two samples.
import type { ScorecardModel } from "./model-schema.ts";

// Empty bands would make the PSI infinite; shares are floored at this value first.
const share_floor = 1e-4;
const score_band_count = 10;

// PSI = sum over bands of (actual - expected) * ln(actual / expected). Rules of thumb: below 0.1
// stable, 0.1 to 0.25 worth a look, above 0.25 the population has shifted.
export function populationStabilityIndex(expected: readonly number[], actual: readonly number[]): number {
  let psi = 0;
  expected.forEach((share, index) => {
    const e = Math.max(share, share_floor);
    const a = Math.max(actual[index] ?? 0, share_floor);
    psi += (a - e) * Math.log(a / e);
  });
  return psi;
}

export interface CharacteristicStability {
  readonly feature: string;
  // PSI of the feature's bin distribution.
  readonly psi: number;
  // Change in average points from this feature: sum of (actual - expected share) * points.
  readonly points_shift: number;
  readonly bins: readonly {
    readonly label: string;
    readonly expected_share: number;
    readonly actual_share: number;
    readonly points: number;
  }[];
}

export function shares(counts: ArrayLike<number>): number[] {
  let total = 0;
  for (let index = 0; index < counts.length; index += 1) total += counts[index] as number;
  return Array.from(counts, (count) => (total === 0 ? 0 : count / total));
}

export function binCounts(bins: Int32Array, bin_count: number): number[] {
  const counts = new Array<number>(bin_count).fill(0);
  for (const bin of bins) counts[bin] = (counts[bin] as number) + 1;
  return counts;
}

// Per feature, compares two bin distributions: expected_counts[f] and actual_counts[f] hold the
// count of each bin of model feature f, missing bin last.
export function characteristicStability(
  model: ScorecardModel,
  expected_counts: readonly (readonly number[])[],
  actual_counts: readonly (readonly number[])[],
): CharacteristicStability[] {
  return model.features.map((feature, index) => {
    const all_bins = [...feature.bins, feature.missing];
    const expected = shares(expected_counts[index] ?? []);
    const actual = shares(actual_counts[index] ?? []);
    let points_shift = 0;
    const bins = all_bins.map((bin, bin_index) => {
      const expected_share = expected[bin_index] ?? 0;
      const actual_share = actual[bin_index] ?? 0;
      points_shift += (actual_share - expected_share) * bin.points;
      return { label: bin.label, expected_share, actual_share, points: bin.points };
    });
    return { feature: feature.name, psi: populationStabilityIndex(expected, actual), points_shift, bins };
  });
}

// The training bin counts stored in the model, as the expected side of a comparison.
export function trainingBinCounts(model: ScorecardModel): number[][] {
  return model.features.map((feature) => [...feature.bins, feature.missing].map((bin) => bin.count));
}

// Share of scores in each band: band i holds scores <= upper_edges[i], the last band the rest.
export function bandShares(scores: ArrayLike<number>, upper_edges: readonly number[]): number[] {
  const counts = new Array<number>(upper_edges.length + 1).fill(0);
  for (let index = 0; index < scores.length; index += 1) {
    const score = scores[index] as number;
    let band = 0;
    while (band < upper_edges.length && score > (upper_edges[band] as number)) band += 1;
    counts[band] = (counts[band] as number) + 1;
  }
  return counts.map((count) => count / scores.length);
}

// Score deciles of a reference sample (band upper edges) and the share in each band, for the PSI.
export function scoreBands(scores: Int32Array): { upper_edges: number[]; shares: number[] } {
  const sorted = Int32Array.from(scores).sort();
  const upper_edges: number[] = [];
  for (let band = 1; band < score_band_count; band += 1) {
    const edge = sorted[Math.floor((band * sorted.length) / score_band_count)] as number;
    if (
      edge < (sorted[sorted.length - 1] as number) &&
      (upper_edges.length === 0 || edge > (upper_edges.at(-1) as number))
    ) {
      upper_edges.push(edge);
    }
  }
  return { upper_edges, shares: bandShares(scores, upper_edges) };
}
