// Platt calibration: a logistic map from the model's raw log odds to a probability of default.
import { fitLogistic } from "./logistic-regression.ts";

export interface PlattCalibration {
  readonly a: number;
  readonly b: number;
}

// A whisper of ridge keeps the fit finite when held-out predictions separate the classes.
const platt_l2 = 1e-6;

// Fits P(bad) = sigmoid(a + b * raw_logit) on held-out raw logits. A slope below zero means the
// model ranks worse than chance on held-out data; it is floored at zero (every subject then gets
// the average PD) and flagged by the caller.
export function fitPlatt(
  raw_logits: Float64Array,
  target: Uint8Array,
): PlattCalibration & { floored: boolean } {
  const fit = fitLogistic([raw_logits], target, platt_l2);
  const b = fit.coefficients[0] as number;
  if (b >= 0) return { a: fit.intercept, b, floored: false };
  const intercept_only = fitLogistic([], target, 0);
  return { a: intercept_only.intercept, b: 0, floored: true };
}
