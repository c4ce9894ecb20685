import { LowbitError } from '../errors/lowbit-error.js';
import type { Parameter } from '../nn/parameter.js';

/** Optimizer state for checkpoints: the step count, the learning rate, and per-parameter
 *  slots (e.g. Adam's m and v) in parameter order. */
export interface OptimizerState {
  step: number;
  lr: number;
  slots: Float32Array[][];
}

/** Base of the optimizers: checks the learning rate, keeps per-parameter slots made on the first
 *  `step()`, applies each parameter's lrScale and clip (QNN-SPEC §2.2-2.3). */
export abstract class Optimizer {
  /** Steps taken so far (t in the bias corrections). */
  t = 0;
  protected slots: Float32Array[][] = [];

  constructor(readonly params: readonly Parameter[], public lr: number) {
    checkPositive('lr', lr);
  }

  /** Update every parameter from its `.grad`, then clear the gradients. */
  step(): void {
    if (this.slots.length === 0) this.slots = this.params.map((p) => this.makeSlots(p));
    this.t++;
    this.params.forEach((p, i) => {
      if (p.grad) this.update(p, p.grad.data, this.slots[i]!);
      p.grad = null;
    });
  }

  zeroGrad(): void { for (const p of this.params) p.grad = null; }

  protected abstract makeSlots(p: Parameter): Float32Array[];
  protected abstract update(p: Parameter, grad: Float32Array, slots: Float32Array[]): void;

  state(): OptimizerState { return { step: this.t, lr: this.lr, slots: this.slots }; }

  loadState(s: OptimizerState): void {
    if (s.slots.length !== 0 && s.slots.length !== this.params.length) {
      throw new LowbitError(`optimizer state holds ${s.slots.length} parameters, the model has ${this.params.length}`);
    }
    s.slots.forEach((slots, i) => {
      const want = this.makeSlots(this.params[i]!);
      if (slots.length !== want.length || slots.some((a, j) => a.length !== want[j]!.length)) {
        throw new LowbitError(`optimizer state for parameter ${i} does not match its shape`);
      }
    });
    this.t = s.step; this.lr = s.lr; this.slots = s.slots;
  }
}

export function checkPositive(name: string, v: number): void {
  if (!(Number.isFinite(v) && v > 0)) throw new LowbitError(`optimizer: ${name} must be a finite number > 0, got ${v}`);
}

export function checkUnit(name: string, v: number): void {
  if (!(v >= 0 && v < 1)) throw new LowbitError(`optimizer: ${name} must be in [0, 1), got ${v}`);
}
