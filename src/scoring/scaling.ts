// Scaling from log odds to points: base score at base odds, a fixed number of points to double the odds.
import { DomainError } from "./errors.ts";

export interface Scaling {
  // The score given at base_odds (goods per bad).
  readonly base_score: number;
  readonly base_odds: number;
  // Points to double the odds of good.
  readonly pdo: number;
  // Every score is clipped to [score_min, score_max].
  readonly score_min: number;
  readonly score_max: number;
}

export const default_scaling: Scaling = {
  base_score: 600,
  base_odds: 50,
  pdo: 20,
  score_min: 300,
  score_max: 900,
};

export function checkScaling(scaling: Scaling): Scaling {
  const finite = [
    scaling.base_score,
    scaling.base_odds,
    scaling.pdo,
    scaling.score_min,
    scaling.score_max,
  ].every(Number.isFinite);
  const valid =
    finite &&
    scaling.base_odds > 0 &&
    scaling.pdo > 0 &&
    Number.isInteger(scaling.score_min) &&
    Number.isInteger(scaling.score_max) &&
    scaling.score_min < scaling.score_max;
  if (!valid) {
    throw new DomainError(
      "SCALING_INVALID",
      "scaling needs positive base odds and PDO and integer score bounds with min < max",
      { ...scaling },
    );
  }
  return scaling;
}

// score = offset + factor * ln(odds of good).
export function scalingFactor(scaling: Scaling): number {
  return scaling.pdo / Math.LN2;
}

export function scalingOffset(scaling: Scaling): number {
  return scaling.base_score - scalingFactor(scaling) * Math.log(scaling.base_odds);
}
