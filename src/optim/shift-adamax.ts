import { LowbitError } from '../errors/lowbit-error.js';
import type { Parameter } from '../nn/parameter.js';
import { ap2 } from '../backends/reference/ap2.js';
import { Optimizer, checkPositive, checkUnit } from './optimizer.js';

export interface ShiftAdaMaxOptions {
  lr?: number; beta1?: number; beta2?: number; eps?: number;
  /** Which text to follow where the paper and Torch7 differ (QNN-SPEC §4.3, §10.9):
   *  'torch' (default, adaMax_binary_clip_shift.lua): step = AP2(lr/(1 - β1^t)), and v is
   *    overwritten in place by AP2(v) + ε every step (so ε accumulates in the state);
   *  'paper' (the printed algorithm): the bias correction is the printed (1 - β1), not (1 - β1^t),
   *    and v keeps its exact value; the division is by AP2(v) + ε at use only. */
  variant?: 'torch' | 'paper';
}

/** Shift-based AdaMax (QNN-SPEC §4.3): AdaMax whose step size and normaliser are powers of two, so
 *  the update is a shift. Per parameter p, with g its gradient and GLR = p.lrScale (§2.3):
 *    m ← β1·m + (1 - β1)·g;  v ← max(β2·v, |g|);  θ ← θ - AP2(lr/(1 - β1^t))·GLR·m/(AP2(v) + ε)
 *  then θ is clipped to [-p.clip, p.clip] when p.clip > 0. Defaults are Torch's: β1 0.9,
 *  β2 0.999, ε 2^-27 (its MNIST script passes lr 2^-6). Slots per parameter: [m, v].
 *  @example new ShiftAdaMax(model.parameters(), { lr: 2 ** -6 }) */
export class ShiftAdaMax extends Optimizer {
  readonly beta1: number; readonly beta2: number; readonly eps: number;
  readonly variant: 'torch' | 'paper';

  constructor(params: readonly Parameter[], opts: ShiftAdaMaxOptions = {}) {
    super(params, opts.lr ?? 2 ** -6);
    this.beta1 = opts.beta1 ?? 0.9; this.beta2 = opts.beta2 ?? 0.999; this.eps = opts.eps ?? 2 ** -27;
    this.variant = opts.variant ?? 'torch';
    checkUnit('beta1', this.beta1); checkUnit('beta2', this.beta2); checkPositive('eps', this.eps);
    if (this.variant !== 'torch' && this.variant !== 'paper') throw new LowbitError(`ShiftAdaMax: variant must be 'torch' or 'paper', got '${String(this.variant)}'`);
  }

  protected makeSlots(p: Parameter): Float32Array[] { return [new Float32Array(p.size), new Float32Array(p.size)]; }

  // An elementwise rule with two AP2s per value; it stays here rather than in the kernel contract
  // until a backend has a reason to own it (the products, not the update, dominate a step).
  protected update(p: Parameter, grad: Float32Array, [m, v]: Float32Array[]): void {
    const { beta1, beta2, eps } = this, torch = this.variant === 'torch';
    const step = ap2(this.lr / (1 - (torch ? beta1 ** this.t : beta1))) * p.lrScale;
    const theta = p.data, clip = p.clip;
    for (let i = 0; i < theta.length; i++) {
      const g = grad[i]!;
      const mi = m![i] = beta1 * m![i]! + (1 - beta1) * g;
      const vi = Math.max(beta2 * v![i]!, Math.abs(g));
      let denom: number;
      if (torch) { denom = v![i] = ap2(vi) + eps; } else { v![i] = vi; denom = ap2(vi) + eps; }
      let t = theta[i]! - step * mi / denom;
      if (clip > 0) t = Math.min(clip, Math.max(-clip, t));
      theta[i] = t;
    }
  }
}
