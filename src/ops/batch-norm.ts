import { defineOp } from '../autograd/define-op.js';
import { LowbitError } from '../errors/lowbit-error.js';
import { Tensor } from '../tensor/tensor.js';

export interface BatchNormAttrs {
  training: boolean;
  eps: number;
  /** Eval mode: the running statistics to use. Train mode: receive the batch mean and invStd. */
  mean: Float32Array;
  invStd: Float32Array;
}

/** Batch norm over the last axis (features; NHWC channels): y = γ·(x - μ)·invStd + β.
 *  Train mode normalises with the batch statistics and writes them to attrs.mean / attrs.invStd
 *  (the layer folds them into running averages); eval mode uses the given statistics. */
const batchNormOp = defineOp<BatchNormAttrs>({
  name: 'batchNorm',
  forward: (ctx, [x, gamma, beta]) => {
    const ch = x!.shape[x!.rank - 1]!;
    if (gamma!.size !== ch || beta!.size !== ch) throw new LowbitError(`batchNorm: ${ch} channels but γ has ${gamma!.size} and β ${beta!.size}`);
    const rows = x!.size / ch, y = new Float32Array(x!.size);
    const { kernels, attrs } = ctx;
    if (attrs.training) {
      if (rows < 2) throw new LowbitError('batchNorm: training needs a batch of at least 2 rows to estimate a variance');
      const xhat = new Float32Array(x!.size);
      kernels.batchNormTrain(x!.data as Float32Array, rows, ch, gamma!.data as Float32Array, beta!.data as Float32Array, attrs.eps, y, xhat, attrs.mean, attrs.invStd);
      ctx.saved.xhat = xhat;
      ctx.saved.invStd = Float32Array.from(attrs.invStd);
    } else {
      kernels.batchNormEval(x!.data as Float32Array, rows, ch, gamma!.data as Float32Array, beta!.data as Float32Array, attrs.mean, attrs.invStd, y);
    }
    return new Tensor(y, x!.shape);
  },
  backward: ({ kernels, attrs, saved }, dy, [x, gamma]) => {
    const ch = gamma!.size, rows = dy.size / ch;
    const dx = new Float32Array(dy.size), dgamma = new Float32Array(ch), dbeta = new Float32Array(ch);
    if (attrs.training) {
      kernels.batchNormBackward(dy.data, saved.xhat as Float32Array, rows, ch, gamma!.data as Float32Array, saved.invStd as Float32Array, dx, dgamma, dbeta);
    } else {
      // statistics are constants in eval mode: y is affine in x
      const xs = x!.data as Float32Array, g = gamma!.data as Float32Array;
      for (let r = 0; r < rows; r++) for (let c = 0; c < ch; c++) {
        const i = r * ch + c, xhat = (xs[i]! - attrs.mean[c]!) * attrs.invStd[c]!;
        dx[i] = dy.data[i]! * g[c]! * attrs.invStd[c]!;
        dgamma[c]! += dy.data[i]! * xhat; dbeta[c]! += dy.data[i]!;
      }
    }
    return [new Tensor(dx, dy.shape), new Tensor(dgamma, gamma!.shape), new Tensor(dbeta, gamma!.shape)];
  },
});

/** @example batchNorm(x, gamma, beta, { training: true, eps: 1e-4, mean, invStd }) */
export const batchNorm = (x: Tensor, gamma: Tensor, beta: Tensor, attrs: BatchNormAttrs): Tensor =>
  batchNormOp([x, gamma, beta], attrs) as Tensor;
