import type { Tensor } from '../tensor/tensor.js';
import { Module, type LayerConfig } from './module.js';

/** Layers applied in order. @example new Sequential([new QuantDense(784, 10), new BatchNorm(10)]) */
export class Sequential extends Module {
  readonly layers: readonly Module[];

  constructor(layers: Module[]) {
    super();
    this.layers = layers;
    layers.forEach((l, i) => this.child(String(i), l));
  }

  forward(x: Tensor): Tensor {
    for (const l of this.layers) x = l.forward(x);
    return x;
  }

  config(): LayerConfig { return { type: 'Sequential', layers: this.layers.map((l) => l.config()) }; }
}
