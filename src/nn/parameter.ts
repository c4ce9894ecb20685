import { Tensor } from '../tensor/tensor.js';

/** A trainable tensor, with what the optimizer needs to treat it as the paper does:
 *  its own learning-rate factor (Glorot scaling of binary weights, QNN-SPEC §2.3) and a clip
 *  range applied after every step (latent binary weights stay in [-1, 1], §2.2). */
export class Parameter extends Tensor {
  /** Multiplies the optimizer's learning rate for this tensor. */
  lrScale = 1;
  /** After each update the values are clipped to [-clip, clip]; 0 means never. */
  clip = 0;

  constructor(data: Float32Array, shape: readonly number[]) {
    super(data, shape);
    this.requiresGrad = true;
  }
}
