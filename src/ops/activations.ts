import { defineOp } from '../autograd/define-op.js';
import { f32, type Tensor } from '../tensor/tensor.js';

/** σ or tanh elementwise; backward reads the output (σ' = y(1 − y), tanh' = 1 − y²). */
const activationOp = defineOp<'sigmoid' | 'tanh'>({
  name: 'activation',
  forward: ({ kernels, attrs, empty }, [x]) => {
    const out = empty(x!.shape);
    kernels[attrs](f32(x!), out.storage);
    return out;
  },
  backward: ({ kernels, attrs, empty }, dy, _inputs, y) => {
    const dx = empty(dy.shape);
    kernels[attrs === 'sigmoid' ? 'sigmoidBackward' : 'tanhBackward'](dy.storage, f32(y), dx.storage);
    return [dx];
  },
});

/** Logistic sigmoid 1/(1 + e^−x). @example sigmoid(tensor([0]))  // → [0.5] */
export const sigmoid = (x: Tensor): Tensor => activationOp([x], 'sigmoid') as Tensor;
/** Hyperbolic tangent. @example tanh(tensor([0]))  // → [0] */
export const tanh = (x: Tensor): Tensor => activationOp([x], 'tanh') as Tensor;
