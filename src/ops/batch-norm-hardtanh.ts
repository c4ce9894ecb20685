import { defineOp } from '../autograd/define-op.js';
import { LowbitError } from '../errors/lowbit-error.js';
import { f32, type Tensor } from '../tensor/tensor.js';
import type { BatchNormAttrs } from './batch-norm.js';

/** Train mode only: the batch statistics are written to attrs.mean / attrs.invStd. */
export type BatchNormHardtanhAttrs = Omit<BatchNormAttrs, 'training'>;

/** hardtanh(batchNorm(x)) in train mode as one op, the pair that follows each hidden layer of the
 *  paper's nets: out = clamp(γ·(x - μ)·invStd + β, -1, 1). Backward: the norm's backward of
 *  dout·1{-1 <= y <= 1}, y the norm's output (saved). The fused kernels give exactly what
 *  batchNormTrain then clamp, and passInside then batchNormBackward give (WebGPU runs those pairs). */
const batchNormHardtanhOp = defineOp<BatchNormHardtanhAttrs>({
  name: 'batchNormHardtanh',
  forward: ({ kernels, attrs, saved, output }, [x, gamma, beta]) => {
    const ch = x!.shape[x!.rank - 1]!;
    if (gamma!.size !== ch || beta!.size !== ch) throw new LowbitError(`batchNormHardtanh: ${ch} channels but γ has ${gamma!.size} and β ${beta!.size}`);
    const rows = x!.size / ch;
    if (rows < 2) throw new LowbitError('batchNormHardtanh: training needs a batch of at least 2 rows to estimate a variance');
    const y = output(x!.shape), out = output(x!.shape), xhat = output(x!.shape);
    const [mean, invStd] = [attrs.mean.storage, attrs.invStd.storage];
    kernels.batchNormTrainHardtanh(f32(x!), rows, ch, f32(gamma!), f32(beta!), attrs.eps, y.storage, out.storage, xhat.storage, mean, invStd);
    saved.y = y; saved.xhat = xhat;
    return out;
  },
  backward: ({ kernels, attrs, saved, empty, output }, dout, [, gamma]) => {
    const ch = gamma!.size, rows = dout.size / ch, y = (saved.y as Tensor).storage, xhat = (saved.xhat as Tensor).storage;
    const dx = output(dout.shape), dgamma = empty(gamma!.shape), dbeta = empty(gamma!.shape);
    kernels.batchNormHardtanhBackward(dout.storage, y, xhat, rows, ch, f32(gamma!), attrs.invStd.storage, dx.storage, dgamma.storage, dbeta.storage);
    return [dx, dgamma, dbeta];
  },
});

/** @example batchNormHardtanh(x, gamma, beta, { eps: 1e-4, mean, invStd }) // = hardtanh(batchNorm(x, …, training)) */
export const batchNormHardtanh = (x: Tensor, gamma: Tensor, beta: Tensor, attrs: BatchNormHardtanhAttrs): Tensor =>
  batchNormHardtanhOp([x, gamma, beta], attrs) as Tensor;
