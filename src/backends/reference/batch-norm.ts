import { clamp, passInside } from './elementwise.js';

/** Batch norm over x [rows, ch], per channel. Statistics in float64 for a clean oracle. */
export function batchNormTrain(x: Float32Array, rows: number, ch: number, gamma: Float32Array, beta: Float32Array,
  eps: number, y: Float32Array, xhat: Float32Array, mean: Float32Array, invStd: Float32Array): void {
  for (let c = 0; c < ch; c++) {
    let sum = 0;
    for (let r = 0; r < rows; r++) sum += x[r * ch + c]!;
    const mu = sum / rows;
    let sq = 0;
    for (let r = 0; r < rows; r++) { const d = x[r * ch + c]! - mu; sq += d * d; }
    const inv = 1 / Math.sqrt(sq / rows + eps);
    mean[c] = mu; invStd[c] = inv;
    for (let r = 0; r < rows; r++) {
      const h = (x[r * ch + c]! - mu) * inv;
      xhat[r * ch + c] = h;
      y[r * ch + c] = gamma[c]! * h + beta[c]!;
    }
  }
}

export function batchNormEval(x: Float32Array, rows: number, ch: number, gamma: Float32Array, beta: Float32Array,
  mean: Float32Array, invStd: Float32Array, y: Float32Array): void {
  for (let r = 0; r < rows; r++) for (let c = 0; c < ch; c++) {
    y[r * ch + c] = gamma[c]! * (x[r * ch + c]! - mean[c]!) * invStd[c]! + beta[c]!;
  }
}

/** dx = gamma·invStd·(dy - mean(dy) - xhat·mean(dy·xhat)), the usual batch-norm backward. */
export function batchNormBackward(dy: Float32Array, xhat: Float32Array, rows: number, ch: number, gamma: Float32Array,
  invStd: Float32Array, dx: Float32Array, dgamma: Float32Array, dbeta: Float32Array): void {
  for (let c = 0; c < ch; c++) {
    let sdy = 0, sdyx = 0;
    for (let r = 0; r < rows; r++) { sdy += dy[r * ch + c]!; sdyx += dy[r * ch + c]! * xhat[r * ch + c]!; }
    dgamma[c] = sdyx; dbeta[c] = sdy;
    const scale = gamma[c]! * invStd[c]!;
    for (let r = 0; r < rows; r++) {
      dx[r * ch + c] = scale * (dy[r * ch + c]! - sdy / rows - xhat[r * ch + c]! * sdyx / rows);
    }
  }
}

/** The hardtanh after the norm, fused (kernels.ts): by definition the two kernels in turn. */
export function batchNormTrainHardtanh(x: Float32Array, rows: number, ch: number, gamma: Float32Array, beta: Float32Array,
  eps: number, y: Float32Array, out: Float32Array, xhat: Float32Array, mean: Float32Array, invStd: Float32Array): void {
  batchNormTrain(x, rows, ch, gamma, beta, eps, y, xhat, mean, invStd);
  clamp(y.subarray(0, rows * ch), out, -1, 1);
}

export function batchNormHardtanhBackward(dout: Float32Array, y: Float32Array, xhat: Float32Array, rows: number, ch: number,
  gamma: Float32Array, invStd: Float32Array, dx: Float32Array, dgamma: Float32Array, dbeta: Float32Array): void {
  const dy = new Float32Array(rows * ch);
  passInside(dout, y.subarray(0, rows * ch), dy, -1, 1);
  batchNormBackward(dy, xhat, rows, ch, gamma, invStd, dx, dgamma, dbeta);
}

export function batchNormEvalBackward(dy: Float32Array, x: Float32Array, rows: number, ch: number, gamma: Float32Array,
  mean: Float32Array, invStd: Float32Array, dx: Float32Array, dgamma: Float32Array, dbeta: Float32Array): void {
  dgamma.fill(0, 0, ch); dbeta.fill(0, 0, ch);
  for (let r = 0; r < rows; r++) for (let c = 0; c < ch; c++) {
    const i = r * ch + c, xhat = (x[i]! - mean[c]!) * invStd[c]!;
    dx[i] = dy[i]! * gamma[c]! * invStd[c]!;
    dgamma[c]! += dy[i]! * xhat; dbeta[c]! += dy[i]!;
  }
}
