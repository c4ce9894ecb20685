import { defineOp } from '../autograd/define-op.js';
import { Tensor, f32 } from '../tensor/tensor.js';

/** Sum of all elements (a scalar [1]), times scale. */
const sumOp = defineOp<{ scale: number }>({
  name: 'sum',
  forward: ({ kernels, attrs, empty }, [x]) => {
    const out = empty([1]);
    kernels.reduceSum(f32(x!), [x!.size], [false], out.storage, attrs.scale);
    return out;
  },
  // dx = dy·scale everywhere: dy [1] broadcast against the scale [1] over x's shape
  backward: ({ kernels, attrs, empty }, dy, [x]) => {
    const dx = empty(x!.shape), zero = x!.shape.map(() => 0);
    kernels.broadcastBinary('mul', dy.storage, zero, new Tensor(new Float32Array([attrs.scale]), [1], 'float32', kernels).storage, zero, dx.storage, x!.shape);
    return [dx];
  },
});

export const sum = (x: Tensor): Tensor => sumOp([x], { scale: 1 }) as Tensor;
/** Mean of all elements (a scalar [1]). */
export const mean = (x: Tensor): Tensor => sumOp([x], { scale: 1 / Math.max(1, x.size) }) as Tensor;
