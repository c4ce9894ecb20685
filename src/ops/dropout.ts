import { defineOp } from '../autograd/define-op.js';
import { Tensor } from '../tensor/tensor.js';

/** Inverted dropout: zero each element with probability p and scale the rest by 1/(1-p), using
 *  the uniforms given (the layer draws them from its seeded stream). */
const dropoutOp = defineOp<{ p: number; uniforms: Float32Array }>({
  name: 'dropout',
  forward: ({ kernels, attrs, saved }, [x]) => {
    const out = new Float32Array(x!.size), mask = new Float32Array(x!.size);
    kernels.dropout(x!.data as Float32Array, attrs.uniforms, attrs.p, out, mask);
    saved.mask = mask;
    return new Tensor(out, x!.shape);
  },
  backward: ({ saved }, dy) => {
    const mask = saved.mask as Float32Array, dx = new Float32Array(dy.size);
    for (let i = 0; i < dx.length; i++) dx[i] = dy.data[i]! * mask[i]!;
    return [new Tensor(dx, dy.shape)];
  },
});

export const dropout = (x: Tensor, p: number, uniforms: Float32Array): Tensor => dropoutOp([x], { p, uniforms }) as Tensor;
