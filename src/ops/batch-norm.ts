import { defineOp } from '../autograd/define-op.js';
import { LowbitError } from '../errors/lowbit-error.js';
import { f32, type Tensor } from '../tensor/tensor.js';

export interface BatchNormAttrs {
  training: boolean;
  eps: number;
  /** Eval mode: the running statistics to use. Train mode: receive the batch mean and invStd
   *  (fresh [features] tensors: backward reads invStd). */
  mean: Tensor;
  invStd: Tensor;
}

/** Batch norm over the last axis (features; NHWC channels): y = γ·(x - μ)·invStd + β.
 *  Train mode normalises with the batch statistics and writes them to attrs.mean / attrs.invStd
 *  (the layer folds them into running averages); eval mode uses the given statistics. */
const batchNormOp = defineOp<BatchNormAttrs>({
  name: 'batchNorm',
  forward: (ctx, [x, gamma, beta]) => {
    const ch = x!.shape[x!.rank - 1]!;
    if (gamma!.size !== ch || beta!.size !== ch) throw new LowbitError(`batchNorm: ${ch} channels but γ has ${gamma!.size} and β ${beta!.size}`);
    const rows = x!.size / ch, y = ctx.empty(x!.shape);
    const { kernels, attrs } = ctx;
    if (attrs.training) {
      if (rows < 2) throw new LowbitError('batchNorm: training needs a batch of at least 2 rows to estimate a variance');
      const xhat = ctx.empty(x!.shape);
      kernels.batchNormTrain(f32(x!), rows, ch, f32(gamma!), f32(beta!), attrs.eps, y.storage, xhat.storage, attrs.mean.storage, attrs.invStd.storage);
      ctx.saved.xhat = xhat;
    } else {
      kernels.batchNormEval(f32(x!), rows, ch, f32(gamma!), f32(beta!), attrs.mean.storage, attrs.invStd.storage, y.storage);
    }
    return y;
  },
  backward: ({ kernels, attrs, saved, empty }, dy, [x, gamma]) => {
    const ch = gamma!.size, rows = dy.size / ch;
    const dx = empty(dy.shape), dgamma = empty(gamma!.shape), dbeta = empty(gamma!.shape);
    if (attrs.training) {
      kernels.batchNormBackward(dy.storage, (saved.xhat as Tensor).storage, rows, ch, f32(gamma!), attrs.invStd.storage, dx.storage, dgamma.storage, dbeta.storage);
    } else { // statistics are constants in eval mode: y is affine in x
      kernels.batchNormEvalBackward(dy.storage, f32(x!), rows, ch, f32(gamma!), attrs.mean.storage, attrs.invStd.storage, dx.storage, dgamma.storage, dbeta.storage);
    }
    return [dx, dgamma, dbeta];
  },
});

/** @example batchNorm(x, gamma, beta, { training: true, eps: 1e-4, mean, invStd }) */
export const batchNorm = (x: Tensor, gamma: Tensor, beta: Tensor, attrs: BatchNormAttrs): Tensor =>
  batchNormOp([x, gamma, beta], attrs) as Tensor;
