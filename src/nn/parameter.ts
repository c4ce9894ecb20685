import { kernels } from '../backends/registry.js';
import { Tensor } from '../tensor/tensor.js';

/** A trainable tensor, with what the optimizer needs to treat it as the paper does:
 *  its own learning-rate factor (Glorot scaling of binary weights, QNN-SPEC §2.3) and a clip
 *  range applied after every step (latent binary weights stay in [-1, 1], §2.2). */
export class Parameter extends Tensor {
  /** Multiplies the optimizer's learning rate for this tensor. */
  lrScale = 1;
  /** After each update the values are clipped to [-clip, clip]; 0 means never. */
  clip = 0;

  /** `data` is copied into the active backend's own memory when it offers that
   *  (Kernels.allocResident: wasm), so its kernels read and update the values where they are
   *  instead of copying them in and out every step; otherwise it is used as given. */
  constructor(data: Float32Array, shape: readonly number[]) {
    super(resident(data), shape);
    this.requiresGrad = true;
  }
}

function resident(data: Float32Array): Float32Array {
  const own = kernels().allocResident?.('f32', data.length);
  if (!own) return data;
  own.set(data);
  return own;
}
