import type { Storage } from '../backends/kernels.js';
import { kernels } from '../backends/registry.js';
import { LowbitError } from '../errors/lowbit-error.js';
import type { Parameter } from '../nn/parameter.js';
import { ap2 } from '../backends/ap2.js';
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

  protected makeSlots(p: Parameter): Storage<'f32'>[] { return [this.zeros(p.size), this.zeros(p.size)]; }

  protected update(p: Parameter, grad: Storage<'f32'>, [m, v]: Storage<'f32'>[]): void {
    const torch = this.variant === 'torch';
    const step = ap2(this.lr / (1 - (torch ? this.beta1 ** this.t : this.beta1))) * p.lrScale;
    kernels().shiftAdaMaxStep(p.storage, grad, m!, v!, step, this.beta1, this.beta2, this.eps, torch, p.clip);
  }
}
