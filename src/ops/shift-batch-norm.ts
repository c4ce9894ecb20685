import { defineOp } from '../autograd/define-op.js';
import { LowbitError } from '../errors/lowbit-error.js';
import type { BatchNormAttrs } from './batch-norm.js';
import { f32, type Tensor } from '../tensor/tensor.js';

/** As batch norm's: train mode receives the batch mean and inverse std 1/sqrt(var + eps)
 *  (before AP2, as Torch averages it); eval mode reads the running ones. */
type ShiftBatchNormAttrs = BatchNormAttrs;

/** Shift-based batch norm over the last axis, as Torch7's BatchNormalizationShiftPow2
 *  (QNN-SPEC §4.1, §10.8), per feature:
 *    train  μ = mean(x), c = x - μ, c̃ = AP2(c), var = mean(c̃ ⊙ c)   (a shift, not a square)
 *           s = AP2(1/sqrt(var + ε)), y = c·s·AP2(γ) + β              (β added as the code does)
 *    eval   y = (x - runningMean)·AP2(runningInvStd)·AP2(γ) + β
 *  Backward is Torch's, the vanilla BN rule with the AP2 values in place of the exact ones
 *  (kernels: backends/reference/shift-batch-norm.ts). */
const shiftBatchNormOp = defineOp<ShiftBatchNormAttrs>({
  name: 'shiftBatchNorm',
  forward: (ctx, [x, gamma, beta]) => {
    const ch = x!.shape[x!.rank - 1]!;
    if (gamma!.size !== ch || beta!.size !== ch) throw new LowbitError(`shiftBatchNorm: ${ch} channels but γ has ${gamma!.size} and β ${beta!.size}`);
    const rows = x!.size / ch, y = ctx.empty(x!.shape);
    const { kernels, attrs } = ctx;
    if (!attrs.training) {
      kernels.shiftBatchNormEval(f32(x!), rows, ch, f32(gamma!), f32(beta!), attrs.mean.storage, attrs.invStd.storage, y.storage);
      return y;
    }
    if (rows < 2) throw new LowbitError('shiftBatchNorm: training needs a batch of at least 2 rows to estimate a variance');
    const centred = ctx.empty(x!.shape), centredAp2 = ctx.empty(x!.shape), shift = ctx.empty([ch]);
    kernels.shiftBatchNormTrain(f32(x!), rows, ch, f32(gamma!), f32(beta!), attrs.eps, y.storage, attrs.mean.storage, attrs.invStd.storage,
      centred.storage, centredAp2.storage, shift.storage);
    Object.assign(ctx.saved, { centred, centredAp2, shift });
    return y;
  },
  backward: ({ kernels, attrs, saved, empty }, dy, [x, gamma]) => {
    const ch = gamma!.size, rows = dy.size / ch;
    const dx = empty(dy.shape), dgamma = empty(gamma!.shape), dbeta = empty(gamma!.shape);
    if (!attrs.training) {
      kernels.shiftBatchNormEvalBackward(dy.storage, f32(x!), rows, ch, f32(gamma!), attrs.mean.storage, attrs.invStd.storage,
        dx.storage, dgamma.storage, dbeta.storage);
    } else {
      const s = saved as { centred: Tensor; centredAp2: Tensor; shift: Tensor };
      kernels.shiftBatchNormBackward(dy.storage, rows, ch, f32(gamma!), s.centred.storage, s.centredAp2.storage, s.shift.storage,
        dx.storage, dgamma.storage, dbeta.storage);
    }
    return [dx, dgamma, dbeta];
  },
});

/** @example shiftBatchNorm(x, gamma, beta, { training: true, eps: 1e-5, mean, invStd }) */
export const shiftBatchNorm = (x: Tensor, gamma: Tensor, beta: Tensor, attrs: ShiftBatchNormAttrs): Tensor =>
  shiftBatchNormOp([x, gamma, beta], attrs) as Tensor;
