import { defineOp } from '../autograd/define-op.js';
import { f32, type Tensor } from '../tensor/tensor.js';
import { broadcastStrides } from './shapes.js';

/** Inverted dropout: zero each element with probability p and scale the rest by 1/(1-p), using
 *  the uniforms given (the layer draws them from its seeded stream). */
const dropoutOp = defineOp<{ p: number; uniforms: Float32Array }>({
  name: 'dropout',
  forward: ({ kernels, attrs, saved, empty }, [x]) => {
    const out = empty(x!.shape), mask = empty(x!.shape);
    kernels.dropout(f32(x!), kernels.fromArray(attrs.uniforms), attrs.p, out.storage, mask.storage);
    saved.mask = mask;
    return out;
  },
  backward: ({ kernels, saved, empty }, dy) => {
    const mask = saved.mask as Tensor, dx = empty(dy.shape), strides = broadcastStrides(dy.shape, dy.shape);
    kernels.broadcastBinary('mul', dy.storage, strides, mask.storage, strides, dx.storage, dy.shape);
    return [dx];
  },
});

export const dropout = (x: Tensor, p: number, uniforms: Float32Array): Tensor => dropoutOp([x], { p, uniforms }) as Tensor;
