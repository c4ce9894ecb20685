import { defineOp } from '../autograd/define-op.js';
import { Tensor } from '../tensor/tensor.js';

/** Sum of all elements (a scalar [1]). */
const sumOp = defineOp<{ scale: number }>({
  name: 'sum',
  forward: ({ kernels, attrs }, [x]) => {
    const out = new Float32Array(1);
    kernels.reduceSum(x!.data as Float32Array, [x!.size], [false], out);
    out[0]! *= attrs.scale;
    return new Tensor(out, [1]);
  },
  backward: ({ attrs }, dy, [x]) => [new Tensor(new Float32Array(x!.size).fill(dy.data[0]! * attrs.scale), x!.shape)],
});

export const sum = (x: Tensor): Tensor => sumOp([x], { scale: 1 }) as Tensor;
/** Mean of all elements (a scalar [1]). */
export const mean = (x: Tensor): Tensor => sumOp([x], { scale: 1 / Math.max(1, x.size) }) as Tensor;
