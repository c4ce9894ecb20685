import { defineOp } from '../autograd/define-op.js';
import { f32, type Tensor } from '../tensor/tensor.js';

/** Clamp to [-1, 1]. The gradient passes where the *input* was inside, and is 0 elsewhere. */
const hardtanhOp = defineOp({
  name: 'hardtanh',
  forward: ({ kernels, empty }, [x]) => {
    const out = empty(x!.shape);
    kernels.clamp(f32(x!), out.storage, -1, 1);
    return out;
  },
  backward: ({ kernels, empty }, dy, [x]) => {
    const dx = empty(dy.shape);
    kernels.passInside(dy.storage, f32(x!), dx.storage, -1, 1);
    return [dx];
  },
});

/** @example hardtanh(tensor([-2, 0.5])) // → [-1, 0.5] */
export const hardtanh = (x: Tensor): Tensor => hardtanhOp([x], undefined) as Tensor;
