import { LowbitError } from '../errors/lowbit-error.js';
import { reshape } from '../ops/reshape.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module, type LayerConfig } from './module.js';

/** [batch, ...] → [batch, product of the rest] (NHWC order: a conv's output to a dense layer).
 *  @example new Flatten() // [b, 4, 4, 256] → [b, 4096] */
export class Flatten extends Module {
  forward(x: Tensor): Tensor {
    if (x.rank < 1) throw new LowbitError('Flatten: input needs a batch dimension, got a scalar');
    return x.rank === 2 ? x : reshape(x, [x.shape[0]!, x.shape.slice(1).reduce((a, d) => a * d, 1)]);
  }

  config(): LayerConfig { return { type: 'Flatten' }; }
}

/** [batch, features] → [batch, ...shape] (features = the product of shape): flat samples as the
 *  batches hold them to NHWC images; an input already [batch, ...shape] passes as it is.
 *  @example new Unflatten([32, 32, 3]) // [b, 3072] → [b, 32, 32, 3] */
export class Unflatten extends Module {
  readonly shape: readonly number[];

  constructor(shape: readonly number[]) {
    super();
    if (!Array.isArray(shape) || !shape.length || !shape.every((d) => Number.isInteger(d) && d >= 1)) {
      throw new LowbitError(`Unflatten: shape must be positive integers, e.g. [32, 32, 3], got ${JSON.stringify(shape)}`);
    }
    this.shape = [...shape];
  }

  forward(x: Tensor): Tensor {
    const features = this.shape.reduce((a, d) => a * d, 1), batch = x.shape[0] ?? 0;
    if (x.rank === this.shape.length + 1 && this.shape.every((d, i) => x.shape[i + 1] === d)) return x;
    if (x.rank !== 2 || x.shape[1] !== features) {
      throw new LowbitError(`Unflatten([${this.shape}]): input must be [batch, ${features}] or [batch, ${this.shape}], got [${x.shape}]`);
    }
    return reshape(x, [batch, ...this.shape]);
  }

  config(): LayerConfig { return { type: 'Unflatten', shape: [...this.shape] }; }
}
