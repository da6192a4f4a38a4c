// L2-regularised logistic regression fitted by Newton's method (IRLS) with step halving.
import assert from "node:assert/strict";

export interface LogisticFit {
  readonly intercept: number;
  readonly coefficients: Float64Array;
  readonly iterations: number;
}

const iterations_max = 200;
const step_halvings_max = 20;
// Newton's method stops when the loss decrease it predicts is this small relative to the loss: a
// summed loss carries about 1e-12 of rounding noise, so smaller decreases cannot be told apart,
// and at this point the coefficients are within about 1e-4 of the optimum.
const decrease_tolerance = 1e-10;
// Below this step size the Hessian barely changes between iterations, so the last one is reused
// and an iteration costs two passes over the data instead of one pass per pair of features.
const hessian_reuse_step_max = 1e-2;
// The Hessian is accumulated over an evenly strided sample of at most this many rows and scaled
// up. The gradient always uses every row, so the fit converges to the exact optimum; the sample
// only makes each step a little less than a full Newton step, at a fraction of the cost.
export const hessian_rows_max = 16_384;

// Row-major design matrix with a leading 1 for the intercept: the inner loops then walk memory in
// order, which is what makes the Hessian accumulation fast. Build it once for a path of l2 values.
export interface Design {
  readonly rows: number;
  readonly width: number;
  readonly values: Float64Array;
}

export function buildDesign(columns: readonly Float64Array[], rows: number): Design {
  const width = columns.length + 1;
  for (const column of columns) assert.equal(column.length, rows, "every column has one value per row");
  const values = new Float64Array(rows * width);
  for (let row = 0; row < rows; row += 1) values[row * width] = 1;
  columns.forEach((column, j) => {
    for (let row = 0; row < rows; row += 1) values[row * width + j + 1] = column[row] as number;
  });
  return { rows, width, values };
}

// Minimises sum(log-loss) + l2 / 2 * |coefficients|^2; the intercept is not penalised. columns
// are the predictors, each of length target.length. A warm start speeds up a path of l2 values.
export function fitLogistic(
  columns: readonly Float64Array[] | Design,
  target: Uint8Array,
  l2: number,
  start?: LogisticFit,
): LogisticFit {
  const rows = target.length;
  const prepared = Array.isArray(columns) ? buildDesign(columns, rows) : (columns as Design);
  assert.equal(prepared.rows, rows, "one design row per outcome");
  const { width } = prepared;
  const design = prepared.values;
  assert.ok(l2 >= 0, "l2 must not be negative");
  assert.ok(rows > 0, "logistic regression needs rows");
  let beta: Float64Array = new Float64Array(width);
  if (start !== undefined && start.coefficients.length === width - 1) {
    beta[0] = start.intercept;
    beta.set(start.coefficients, 1);
  } else {
    let bads = 0;
    for (const value of target) bads += value;
    const rate = Math.min(Math.max(bads / rows, 1e-6), 1 - 1e-6);
    beta[0] = Math.log(rate / (1 - rate));
  }
  const eta = new Float64Array(rows);
  let loss = penalisedLoss(design, target, beta, l2, eta);
  let hessian: Float64Array | undefined;
  let last_change = Number.POSITIVE_INFINITY;
  let iterations = 0;
  for (; iterations < iterations_max; iterations += 1) {
    const reuse = hessian !== undefined && last_change < hessian_reuse_step_max;
    const system = newtonSystem(design, target, beta, l2, eta, reuse ? undefined : width);
    hessian = system.hessian ?? hessian;
    const step = solveSymmetric(hessian as Float64Array, system.gradient, width);
    let predicted_decrease = 0;
    step.forEach((value, j) => {
      predicted_decrease += value * (system.gradient[j] as number);
    });
    if (predicted_decrease < decrease_tolerance * (1 + Math.abs(loss))) break;
    let scale = 1;
    let candidate = addScaled(beta, step, scale);
    let candidate_loss = penalisedLoss(design, target, candidate, l2, eta);
    for (let halving = 0; candidate_loss > loss && halving < step_halvings_max; halving += 1) {
      scale /= 2;
      candidate = addScaled(beta, step, scale);
      candidate_loss = penalisedLoss(design, target, candidate, l2, eta);
    }
    if (candidate_loss > loss) {
      if (!reuse) break;
      // A stale Hessian can point the wrong way; refresh it and try again.
      last_change = Number.POSITIVE_INFINITY;
      penalisedLoss(design, target, beta, l2, eta);
      continue;
    }
    last_change = maxAbs(step) * scale;
    beta = candidate;
    loss = candidate_loss;
  }
  return { intercept: beta[0] as number, coefficients: beta.slice(1), iterations };
}

// Fills eta with the linear predictor and returns the penalised negative log-likelihood.
function penalisedLoss(
  design: Float64Array,
  target: Uint8Array,
  beta: Float64Array,
  l2: number,
  eta: Float64Array,
): number {
  const width = beta.length;
  let loss = 0;
  let offset = 0;
  for (let row = 0; row < target.length; row += 1) {
    let value = 0;
    for (let j = 0; j < width; j += 1) value += (design[offset + j] as number) * (beta[j] as number);
    offset += width;
    eta[row] = value;
    loss += Math.max(value, 0) + Math.log1p(Math.exp(-Math.abs(value))) - (target[row] as number) * value;
  }
  for (let j = 1; j < width; j += 1) loss += (l2 / 2) * (beta[j] as number) ** 2;
  return loss;
}

// The gradient of the penalised log-likelihood at eta and, when hessian_width is given, the
// Hessian of the penalised loss (the matrix Newton's method solves with).
function newtonSystem(
  design: Float64Array,
  target: Uint8Array,
  beta: Float64Array,
  l2: number,
  eta: Float64Array,
  hessian_width: number | undefined,
): { gradient: Float64Array; hessian: Float64Array | undefined } {
  const width = beta.length;
  const gradient = new Float64Array(width);
  // The upper triangle, packed row by row, so the innermost loop writes consecutive cells.
  const packed = hessian_width === undefined ? undefined : new Float64Array((width * (width + 1)) / 2);
  const x = new Float64Array(width);
  const stride = Math.ceil(target.length / hessian_rows_max);
  let sampled = 0;
  let offset = 0;
  for (let row = 0; row < target.length; row += 1) {
    const p = 1 / (1 + Math.exp(-(eta[row] as number)));
    const residual = (target[row] as number) - p;
    for (let j = 0; j < width; j += 1) {
      const value = design[offset + j] as number;
      x[j] = value;
      gradient[j] = (gradient[j] as number) + residual * value;
    }
    offset += width;
    if (packed === undefined || row % stride !== 0) continue;
    sampled += 1;
    const weight = p * (1 - p);
    let cell = 0;
    for (let j = 0; j < width; j += 1) {
      const wxj = weight * (x[j] as number);
      for (let k = j; k < width; k += 1) {
        packed[cell] = (packed[cell] as number) + wxj * (x[k] as number);
        cell += 1;
      }
    }
  }
  for (let j = 1; j < width; j += 1) gradient[j] = (gradient[j] as number) - l2 * (beta[j] as number);
  if (packed === undefined) return { gradient, hessian: undefined };
  const hessian = new Float64Array(width * width);
  let cell = 0;
  for (let j = 0; j < width; j += 1) {
    for (let k = j; k < width; k += 1) {
      const value = ((packed[cell] as number) * target.length) / sampled + (j === k && j > 0 ? l2 : 0);
      hessian[j * width + k] = value;
      hessian[k * width + j] = value;
      cell += 1;
    }
  }
  return { gradient, hessian };
}

// Solves A x = b for a symmetric positive (semi-)definite A by Cholesky factorisation; a tiny ridge
// is added to the diagonal when A is singular, as with a feature that is constant in a fold.
export function solveSymmetric(matrix: Float64Array, rhs: Float64Array, size: number): Float64Array {
  for (let ridge = 0; ; ridge = ridge === 0 ? 1e-10 : ridge * 100) {
    const factor = cholesky(matrix, size, ridge);
    if (factor !== undefined) return choleskySolve(factor, rhs, size);
    assert.ok(ridge < 1e6, "the Newton system stays singular");
  }
}

function cholesky(matrix: Float64Array, size: number, ridge: number): Float64Array | undefined {
  const lower = new Float64Array(size * size);
  for (let i = 0; i < size; i += 1) {
    for (let j = 0; j <= i; j += 1) {
      let sum = (matrix[i * size + j] as number) + (i === j ? ridge : 0);
      for (let k = 0; k < j; k += 1) sum -= (lower[i * size + k] as number) * (lower[j * size + k] as number);
      if (i === j) {
        if (!(sum > 1e-12)) return undefined;
        lower[i * size + i] = Math.sqrt(sum);
      } else {
        lower[i * size + j] = sum / (lower[j * size + j] as number);
      }
    }
  }
  return lower;
}

function choleskySolve(lower: Float64Array, rhs: Float64Array, size: number): Float64Array {
  const y = new Float64Array(size);
  for (let i = 0; i < size; i += 1) {
    let sum = rhs[i] as number;
    for (let k = 0; k < i; k += 1) sum -= (lower[i * size + k] as number) * (y[k] as number);
    y[i] = sum / (lower[i * size + i] as number);
  }
  const x = new Float64Array(size);
  for (let i = size - 1; i >= 0; i -= 1) {
    let sum = y[i] as number;
    for (let k = i + 1; k < size; k += 1) sum -= (lower[k * size + i] as number) * (x[k] as number);
    x[i] = sum / (lower[i * size + i] as number);
  }
  return x;
}

function addScaled(base: Float64Array, step: Float64Array, scale: number): Float64Array {
  const result = new Float64Array(base.length);
  for (let j = 0; j < base.length; j += 1) result[j] = (base[j] as number) + scale * (step[j] as number);
  return result;
}

function maxAbs(values: Float64Array): number {
  let maximum = 0;
  for (const value of values) maximum = Math.max(maximum, Math.abs(value));
  return maximum;
}

export function sigmoid(value: number): number {
  return value >= 0 ? 1 / (1 + Math.exp(-value)) : Math.exp(value) / (1 + Math.exp(value));
}
