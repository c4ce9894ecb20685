import type { Random } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';

/** What a quantizer needs from its caller: train or eval mode, and a seeded stream for the
 *  stochastic ones. */
export interface QuantContext {
  training: boolean;
  rng: Random;
}

/** A quantizer with its gradient estimator. Its name is the estimator followed by the forward
 *  function (`steSign`); configs store `config()`, and `quantizer()` rebuilds it from that. */
export interface Quantizer {
  readonly name: string;
  /** Bits per value at run time (32 for identity). */
  readonly bits: number;
  /** Every output is exactly ±1, so products may run on packed bits. */
  readonly binary: boolean;
  apply(x: Tensor, ctx: QuantContext): Tensor;
  config(): QuantizerConfig;
}

export type QuantizerConfig = { name: string } & Record<string, unknown>;
