import { defineOp } from '../autograd/define-op.js';
import { Tensor } from '../tensor/tensor.js';

/** Clamp to [-1, 1]. The gradient passes where the *input* was inside, and is 0 elsewhere. */
const hardtanhOp = defineOp({
  name: 'hardtanh',
  forward: ({ kernels }, [x]) => {
    const out = new Float32Array(x!.size);
    kernels.clamp(x!.data as Float32Array, out, -1, 1);
    return new Tensor(out, x!.shape);
  },
  backward: ({ kernels }, dy, [x]) => {
    const dx = new Float32Array(dy.size);
    kernels.passInside(dy.data, x!.data as Float32Array, dx, -1, 1);
    return [new Tensor(dx, dy.shape)];
  },
});

/** @example hardtanh(tensor([-2, 0.5])) // → [-1, 0.5] */
export const hardtanh = (x: Tensor): Tensor => hardtanhOp([x], undefined) as Tensor;
