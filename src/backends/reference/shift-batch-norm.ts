import { ap2 } from '../ap2.js';

/** Shift-based batch norm over [rows, ch], as Torch7's BatchNormalizationShiftPow2 (QNN-SPEC
 *  §4.1, §10.8), per channel:
 *    train  μ = mean(x), c = x - μ, c̃ = AP2(c), var = mean(c̃ ⊙ c)   (a shift, not a square)
 *           s = AP2(1/sqrt(var + ε)), y = c·s·AP2(γ) + β              (β added as the code does)
 *    eval   y = (x - runningMean)·AP2(runningInvStd)·AP2(γ) + β
 *  Train writes the batch mean and inverse std before AP2 (as Torch averages it). */
export function shiftBatchNormTrain(x: Float32Array, rows: number, ch: number, gamma: Float32Array, beta: Float32Array, eps: number,
  y: Float32Array, mean: Float32Array, invStd: Float32Array, centred: Float32Array, centredAp2: Float32Array, shift: Float32Array): void {
  for (let c = 0; c < ch; c++) {
    let sum = 0;
    for (let r = 0; r < rows; r++) sum += x[r * ch + c]!;
    const mu = sum / rows;
    let variance = 0;
    for (let r = 0; r < rows; r++) {
      const i = r * ch + c, d = x[i]! - mu, dq = ap2(d);
      centred[i] = d; centredAp2[i] = dq; variance += dq * d;
    }
    const inv = 1 / Math.sqrt(variance / rows + eps), s = ap2(inv), gq = ap2(gamma[c]!);
    mean[c] = mu; invStd[c] = inv; shift[c] = s;
    for (let r = 0; r < rows; r++) y[r * ch + c] = centred[r * ch + c]! * s * gq + beta[c]!;
  }
}

export function shiftBatchNormEval(x: Float32Array, rows: number, ch: number, gamma: Float32Array, beta: Float32Array,
  mean: Float32Array, invStd: Float32Array, y: Float32Array): void {
  for (let c = 0; c < ch; c++) {
    const scale = ap2(invStd[c]!) * ap2(gamma[c]!);
    for (let r = 0; r < rows; r++) y[r * ch + c] = (x[r * ch + c]! - mean[c]!) * scale + beta[c]!;
  }
}

/** Torch's backward: the vanilla BN rule with the AP2 values in place of the exact ones (the
 *  AP2 steps themselves are passed straight through):
 *    dx = AP2(γ)·s·[dy - mean(dy) - s²·c̃·mean(c̃ ⊙ dy)],  dγ = Σ AP2(c·s) ⊙ dy,  dβ = Σ dy. */
export function shiftBatchNormBackward(dy: Float32Array, rows: number, ch: number, gamma: Float32Array, centred: Float32Array,
  centredAp2: Float32Array, shift: Float32Array, dx: Float32Array, dgamma: Float32Array, dbeta: Float32Array): void {
  for (let c = 0; c < ch; c++) {
    const s = shift[c]!, gq = ap2(gamma[c]!);
    let sumDy = 0, sumCqDy = 0, sumNormDy = 0;
    for (let r = 0; r < rows; r++) {
      const i = r * ch + c;
      sumDy += dy[i]!; sumCqDy += centredAp2[i]! * dy[i]!;
      sumNormDy += ap2(centred[i]! * s) * dy[i]!;
    }
    dgamma[c] = sumNormDy; dbeta[c] = sumDy;
    for (let r = 0; r < rows; r++) {
      const i = r * ch + c;
      dx[i] = gq * s * (dy[i]! - sumDy / rows - s * s * centredAp2[i]! * (sumCqDy / rows));
    }
  }
}

/** In eval mode the statistics are constants, so dx = dy·AP2(runningInvStd)·AP2(γ). */
export function shiftBatchNormEvalBackward(dy: Float32Array, x: Float32Array, rows: number, ch: number, gamma: Float32Array,
  mean: Float32Array, invStd: Float32Array, dx: Float32Array, dgamma: Float32Array, dbeta: Float32Array): void {
  dgamma.fill(0, 0, ch); dbeta.fill(0, 0, ch);
  for (let c = 0; c < ch; c++) {
    const s = ap2(invStd[c]!), gq = ap2(gamma[c]!);
    for (let r = 0; r < rows; r++) {
      const i = r * ch + c;
      dx[i] = dy[i]! * s * gq;
      dgamma[c]! += ap2((x[i]! - mean[c]!) * s) * dy[i]!; dbeta[c]! += dy[i]!;
    }
  }
}
