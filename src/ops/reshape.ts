import { defineOp } from '../autograd/define-op.js';
import { shapeMismatch } from '../errors/shape-error.js';
import { Tensor, f32, sizeOf } from '../tensor/tensor.js';

/** The same storage with a new shape of equal size. */
const reshapeOp = defineOp<readonly number[]>({
  name: 'reshape',
  forward: ({ kernels, attrs: shape }, [x]) => {
    if (sizeOf(shape) !== x!.size) throw shapeMismatch('reshape', x!.shape, shape, `sizes differ (${x!.size} vs ${sizeOf(shape)})`);
    return new Tensor(f32(x!), shape, 'float32', kernels);
  },
  backward: ({ kernels }, dy, [x]) => [new Tensor(dy.storage, x!.shape, 'float32', kernels)],
});

export const reshape = (x: Tensor, shape: readonly number[]): Tensor => reshapeOp([x], shape) as Tensor;
