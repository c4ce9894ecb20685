import { LowbitError } from '../errors/lowbit-error.js';
import { signSte } from '../ops/sign-ste.js';
import { SIGN_LEVELS } from './levels.js';
import type { Quantizer } from './quantizer.js';

export interface SignOptions {
  /** The gradient is cancelled where |x| > clip (QNN-SPEC §2.1). Default 1. */
  clip?: number;
}

function checkClip(name: string, clip: number): number {
  if (!(clip > 0)) throw new LowbitError(`${name}: clip must be > 0 (Infinity passes every gradient), got ${clip}`);
  return clip;
}

/** Binarize to ±1 with the straight-through estimator.
 *   forward   q(x) = x >= 0 ? +1 : -1         (sign(0) = +1)
 *   backward  ∂q/∂x = |x| <= clip ? 1 : 0     (gradient cancelled outside the clip)
 * bits: 1 · method: paper/QNN-SPEC.md §1.1, §2.1
 * @example steSign().apply(tensor([-0.3, 0, 2]), ctx)  // → [-1, 1, 1] */
export function steSign(opts: SignOptions = {}): Quantizer {
  const clip = checkClip('steSign', opts.clip ?? 1);
  return {
    name: 'steSign', bits: 1, binary: true, levels: SIGN_LEVELS, signClip: clip,
    apply: (x) => signSte(x, clip),
    config: () => ({ name: 'steSign', clip }),
  };
}

/** Stochastic binarization at train time: +1 with probability hardSigmoid(x) = clip((x+1)/2, 0, 1),
 *  deterministic sign in eval mode; same STE. The Torch7 setting for activations (QNN-SPEC §1.2).
 * bits: 1 · @example steStochasticSign() */
export function steStochasticSign(opts: SignOptions = {}): Quantizer {
  const clip = checkClip('steStochasticSign', opts.clip ?? 1);
  return {
    // eval mode gives the sign, so it packs as one; training draws, so no fused sign
    name: 'steStochasticSign', bits: 1, binary: true, levels: SIGN_LEVELS, signClip: null,
    apply: (x, ctx) => {
      if (!ctx.training) return signSte(x, clip);
      const u = ctx.rng.fillUniform(new Float32Array(x.size));
      return signSte(x, clip, u);
    },
    config: () => ({ name: 'steStochasticSign', clip }),
  };
}
