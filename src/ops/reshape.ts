import { defineOp } from '../autograd/define-op.js';
import { shapeMismatch } from '../errors/shape-error.js';
import { Tensor, sizeOf } from '../tensor/tensor.js';

/** The same data with a new shape of equal size. */
const reshapeOp = defineOp<readonly number[]>({
  name: 'reshape',
  forward: ({ attrs: shape }, [x]) => {
    if (sizeOf(shape) !== x!.size) throw shapeMismatch('reshape', x!.shape, shape, `sizes differ (${x!.size} vs ${sizeOf(shape)})`);
    return new Tensor(x!.data as Float32Array, shape);
  },
  backward: (_ctx, dy, [x]) => [new Tensor(dy.data, x!.shape)],
});

export const reshape = (x: Tensor, shape: readonly number[]): Tensor => reshapeOp([x], shape) as Tensor;
