import type { Tensor } from '../tensor/tensor.js';
import { BatchNorm } from './batch-norm.js';
import { HardTanh } from './hard-tanh.js';
import { Module, type LayerConfig } from './module.js';

/** Layers applied in order. @example new Sequential([new QuantDense(784, 10), new BatchNorm(10)]) */
export class Sequential extends Module {
  readonly layers: readonly Module[];

  constructor(layers: Module[]) {
    super();
    this.layers = layers;
    layers.forEach((l, i) => this.child(String(i), l));
  }

  /** A BatchNorm followed by a HardTanh runs as one (BatchNorm.forwardHardtanh): the same
   *  numbers, a pass and a gradient mask fewer in training. */
  forward(x: Tensor): Tensor {
    for (let i = 0; i < this.layers.length; i++) {
      const l = this.layers[i]!;
      if (l instanceof BatchNorm && this.layers[i + 1] instanceof HardTanh) { x = l.forwardHardtanh(x); i++; } else x = l.forward(x);
    }
    return x;
  }

  config(): LayerConfig { return { type: 'Sequential', layers: this.layers.map((l) => l.config()) }; }
}
