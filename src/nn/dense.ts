import type { LayerConfig } from './module.js';
import { QuantDense } from './quant-dense.js';

/** Float dense layer y = x·Wᵀ + b (Glorot-uniform init): the baseline twin of QuantDense.
 *  @example new Dense(784, 2048) */
export class Dense extends QuantDense {
  constructor(inFeatures: number, outFeatures: number, opts: { bias?: boolean; seed?: number } = {}) {
    super(inFeatures, outFeatures, { inputQuantizer: 'identity', kernelQuantizer: 'identity', bias: opts.bias ?? true, lrScale: 1, seed: opts.seed });
  }

  override config(): LayerConfig {
    const { inFeatures, outFeatures, bias, seed } = super.config();
    return { type: 'Dense', inFeatures, outFeatures, bias, seed };
  }
}
