import type { Random } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Levels } from './levels.js';

/** What a quantizer needs from its caller: train or eval mode, and a seeded stream for the
 *  stochastic ones. */
export interface QuantContext {
  training: boolean;
  rng: Random;
}

/** A quantizer with its gradient estimator. Its name is the estimator followed by the forward
 *  function (`steSign`); configs store `config()`, and `quantizer()` rebuilds it from that.
 *  It is the one source of its levels, bits and clip: layers and the compiler ask it, and nothing
 *  branches on its name. */
export interface Quantizer {
  readonly name: string;
  /** Bits per value at run time (32 for identity). */
  readonly bits: number;
  /** Every output is exactly ±1, so products may run on packed bits (isBinary(levels)). */
  readonly binary: boolean;
  /** Its eval-mode outputs as codes (levels.ts), what the packed engine stores; null where they
   *  are no uniform code (identity: float; steLog: powers of two). */
  readonly levels: Levels | null;
  /** Set where the forward is the deterministic sign (sign(0) = +1) in training and eval alike
   *  and the gradient passes where |x| <= signClip: a layer may then fuse the sign into its
   *  product. Null otherwise (stochastic, k-bit, float). */
  readonly signClip: number | null;
  apply(x: Tensor, ctx: QuantContext): Tensor;
  config(): QuantizerConfig;
}

export type QuantizerConfig = { name: string } & Record<string, unknown>;
