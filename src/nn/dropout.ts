import { LowbitError } from '../errors/lowbit-error.js';
import { dropout } from '../ops/dropout.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module, type LayerConfig } from './module.js';

/** Inverted dropout with drop probability p at train time; identity in eval mode.
 *  @example new Dropout(0.2) */
export class Dropout extends Module {
  constructor(readonly p: number) {
    super();
    if (!(p >= 0 && p < 1)) throw new LowbitError(`Dropout: p must be in [0, 1), got ${p}`);
  }

  forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) return x;
    return dropout(x, this.p, this.rng.fillUniform(new Float32Array(x.size)));
  }

  config(): LayerConfig { return { type: 'Dropout', p: this.p }; }
}
