import { LowbitError } from '../errors/lowbit-error.js';
import { maxPool2d } from '../ops/max-pool.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module, type LayerConfig } from './module.js';

/** Max-pooling over size × size windows of NHWC images, moved by stride (default size), windows
 *  inside the image. In the paper's nets it pools the conv's pre-activations before BN + sign
 *  (DESIGN.md: never the signs, since a negative BN scale flips the threshold's direction).
 *  Shapes: x [batch, H, W, C] → [batch, floor((H − size)/stride) + 1, …, C].
 *  @example new MaxPool2d(2) // [b, 32, 32, c] → [b, 16, 16, c] */
export class MaxPool2d extends Module {
  readonly stride: number;

  constructor(readonly size: number, stride?: number) {
    super();
    this.stride = stride ?? size;
    for (const [what, v] of [['size', size], ['stride', this.stride]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new LowbitError(`MaxPool2d: ${what} must be a positive integer, got ${v}`);
    }
  }

  forward(x: Tensor): Tensor { return maxPool2d(x, this.size, this.stride); }

  config(): LayerConfig { return { type: 'MaxPool2d', size: this.size, stride: this.stride }; }
}
