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

  /** The initial values are copied into persistent storage of the active backend (in wasm's
   *  own memory, so its kernels read and update them where they are, uncopied). */
  constructor(init: Tensor | Float32Array, shape?: readonly number[]) {
    const k = kernels(), from = init instanceof Tensor ? init : new Tensor(init, shape ?? [init.length], 'float32', k);
    super(k.alloc('f32', from.size, true), from.shape, 'float32', k);
    k.copy(from.storage, 0, this.storage, 0, from.size);
    this.requiresGrad = true;
  }
}
