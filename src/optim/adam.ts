import type { Storage } from '../backends/kernels.js';
import { kernels } from '../backends/registry.js';
import type { Parameter } from '../nn/parameter.js';
import { Optimizer, checkPositive, checkUnit } from './optimizer.js';

export interface AdamOptions { lr?: number; beta1?: number; beta2?: number; eps?: number }

/** Adam with per-parameter learning-rate scale and clipping: binary layers' latent weights get the
 *  Glorot-scaled step and stay in [-1, 1] (QNN-SPEC §2.4, §4.4). Defaults are Lasagne's.
 *  @example new Adam(model.parameters(), { lr: 0.003 }) */
export class Adam extends Optimizer {
  readonly beta1: number; readonly beta2: number; readonly eps: number;

  constructor(params: readonly Parameter[], opts: AdamOptions = {}) {
    super(params, opts.lr ?? 0.001);
    this.beta1 = opts.beta1 ?? 0.9; this.beta2 = opts.beta2 ?? 0.999; this.eps = opts.eps ?? 1e-8;
    checkUnit('beta1', this.beta1); checkUnit('beta2', this.beta2); checkPositive('eps', this.eps);
  }

  protected makeSlots(p: Parameter): Storage<'f32'>[] { return [this.zeros(p.size), this.zeros(p.size)]; }

  protected update(p: Parameter, grad: Storage<'f32'>, [m, v]: Storage<'f32'>[]): void {
    kernels().adamStep(p.storage, grad, m!, v!, this.lr * p.lrScale, this.beta1, this.beta2, this.eps, this.t, p.clip);
  }
}
