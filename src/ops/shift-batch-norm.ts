import { defineOp } from '../autograd/define-op.js';
import { LowbitError } from '../errors/lowbit-error.js';
import { ap2 } from '../backends/reference/ap2.js';
import type { BatchNormAttrs } from './batch-norm.js';
import { Tensor } from '../tensor/tensor.js';

/** As batch norm's: train mode receives the batch mean and inverse std 1/sqrt(var + eps)
 *  (before AP2, as Torch averages it); eval mode reads the running ones. */
type ShiftBatchNormAttrs = BatchNormAttrs;

/** Shift-based batch norm over the last axis, as Torch7's BatchNormalizationShiftPow2
 *  (QNN-SPEC §4.1, §10.8), per feature:
 *    train  μ = mean(x), c = x - μ, c̃ = AP2(c), var = mean(c̃ ⊙ c)   (a shift, not a square)
 *           s = AP2(1/sqrt(var + ε)), y = c·s·AP2(γ) + β              (β added as the code does)
 *    eval   y = (x - runningMean)·AP2(runningInvStd)·AP2(γ) + β
 *  Backward is Torch's, which is the vanilla BN rule with the AP2 values in place of the exact
 *  ones (the AP2 steps themselves are passed straight through):
 *    dx = AP2(γ)·s·[dy - mean(dy) - s²·c̃·mean(c̃ ⊙ dy)],  dγ = Σ AP2(c·s) ⊙ dy,  dβ = Σ dy.
 *  In eval mode the statistics are constants, so dx = dy·AP2(runningInvStd)·AP2(γ). */
const shiftBatchNormOp = defineOp<ShiftBatchNormAttrs>({
  name: 'shiftBatchNorm',
  forward: (ctx, [x, gamma, beta]) => {
    const ch = x!.shape[x!.rank - 1]!;
    if (gamma!.size !== ch || beta!.size !== ch) throw new LowbitError(`shiftBatchNorm: ${ch} channels but γ has ${gamma!.size} and β ${beta!.size}`);
    const rows = x!.size / ch, xs = x!.data as Float32Array, g = gamma!.data as Float32Array, b = beta!.data as Float32Array;
    const y = new Float32Array(xs.length);
    const { attrs } = ctx;
    if (!attrs.training) {
      for (let c = 0; c < ch; c++) {
        const scale = ap2(attrs.invStd[c]!) * ap2(g[c]!);
        for (let r = 0; r < rows; r++) y[r * ch + c] = (xs[r * ch + c]! - attrs.mean[c]!) * scale + b[c]!;
      }
      return new Tensor(y, x!.shape);
    }
    if (rows < 2) throw new LowbitError('shiftBatchNorm: training needs a batch of at least 2 rows to estimate a variance');
    const centred = new Float32Array(xs.length), centredAp2 = new Float32Array(xs.length), shift = new Float32Array(ch);
    for (let c = 0; c < ch; c++) {
      let sum = 0;
      for (let r = 0; r < rows; r++) sum += xs[r * ch + c]!;
      const mu = sum / rows;
      let variance = 0;
      for (let r = 0; r < rows; r++) {
        const i = r * ch + c, d = xs[i]! - mu, dq = ap2(d);
        centred[i] = d; centredAp2[i] = dq; variance += dq * d;
      }
      const inv = 1 / Math.sqrt(variance / rows + attrs.eps), s = ap2(inv), gq = ap2(g[c]!);
      attrs.mean[c] = mu; attrs.invStd[c] = inv; shift[c] = s;
      for (let r = 0; r < rows; r++) y[r * ch + c] = centred[r * ch + c]! * s * gq + b[c]!;
    }
    Object.assign(ctx.saved, { centred, centredAp2, shift });
    return new Tensor(y, x!.shape);
  },
  backward: ({ attrs, saved }, dy, [x, gamma]) => {
    const ch = gamma!.size, rows = dy.size / ch, g = gamma!.data as Float32Array, dys = dy.data;
    const dx = new Float32Array(dy.size), dgamma = new Float32Array(ch), dbeta = new Float32Array(ch);
    if (!attrs.training) {
      const xs = x!.data as Float32Array;
      for (let c = 0; c < ch; c++) {
        const s = ap2(attrs.invStd[c]!), gq = ap2(g[c]!);
        for (let r = 0; r < rows; r++) {
          const i = r * ch + c;
          dx[i] = dys[i]! * s * gq;
          dgamma[c]! += ap2((xs[i]! - attrs.mean[c]!) * s) * dys[i]!; dbeta[c]! += dys[i]!;
        }
      }
      return [new Tensor(dx, dy.shape), new Tensor(dgamma, gamma!.shape), new Tensor(dbeta, gamma!.shape)];
    }
    const centred = saved.centred as Float32Array, centredAp2 = saved.centredAp2 as Float32Array, shift = saved.shift as Float32Array;
    for (let c = 0; c < ch; c++) {
      const s = shift[c]!, gq = ap2(g[c]!);
      let sumDy = 0, sumCqDy = 0, sumNormDy = 0;
      for (let r = 0; r < rows; r++) {
        const i = r * ch + c;
        sumDy += dys[i]!; sumCqDy += centredAp2[i]! * dys[i]!;
        sumNormDy += ap2(centred[i]! * s) * dys[i]!;
      }
      dgamma[c] = sumNormDy; dbeta[c] = sumDy;
      for (let r = 0; r < rows; r++) {
        const i = r * ch + c;
        dx[i] = gq * s * (dys[i]! - sumDy / rows - s * s * centredAp2[i]! * (sumCqDy / rows));
      }
    }
    return [new Tensor(dx, dy.shape), new Tensor(dgamma, gamma!.shape), new Tensor(dbeta, gamma!.shape)];
  },
});

/** @example shiftBatchNorm(x, gamma, beta, { training: true, eps: 1e-5, mean, invStd }) */
export const shiftBatchNorm = (x: Tensor, gamma: Tensor, beta: Tensor, attrs: ShiftBatchNormAttrs): Tensor =>
  shiftBatchNormOp([x, gamma, beta], attrs) as Tensor;
