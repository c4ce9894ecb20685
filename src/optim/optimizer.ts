import { kernels } from '../backends/registry.js';
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

  /** Update every parameter from its `.grad`, then clear the gradients. The gradients are
   *  consumed: one in the backend's own memory (Kernels.allocResident, e.g. a binary layer's
   *  weight gradient) goes back to the backend, so do not keep a gradient's data past step(). */
  step(): void {
    if (this.slots.length === 0) this.slots = this.params.map((p) => this.makeSlots(p));
    this.t++;
    this.params.forEach((p, i) => { if (p.grad) this.update(p, p.grad.data, this.slots[i]!); });
    this.zeroGrad();
  }

  /** Clear the gradients (consumed as by step()). */
  zeroGrad(): void {
    const k = kernels();
    const values = new Set(this.params.map((p) => p.data)); // never a parameter's own values
    for (const p of this.params) {
      if (k.freeResident && p.grad && !values.has(p.grad.data)) k.freeResident(p.grad.data);
      p.grad = null;
    }
  }

  protected abstract makeSlots(p: Parameter): Float32Array[];
  protected abstract update(p: Parameter, grad: Float32Array, slots: Float32Array[]): void;

  state(): OptimizerState { return { step: this.t, lr: this.lr, slots: this.slots }; }

  loadState(s: OptimizerState): void {
    if (s.slots.length !== 0 && s.slots.length !== this.params.length) {
      throw new LowbitError(`optimizer state holds ${s.slots.length} parameters, the model has ${this.params.length}`);
    }
    // copied into slots of our own making (resident ones where the backend offers them)
    const mine = s.slots.map((slots, i) => {
      const want = this.makeSlots(this.params[i]!);
      if (slots.length !== want.length || slots.some((a, j) => a.length !== want[j]!.length)) {
        throw new LowbitError(`optimizer state for parameter ${i} does not match its shape`);
      }
      want.forEach((own, j) => own.set(slots[j]!));
      return want;
    });
    this.t = s.step; this.lr = s.lr; this.slots = mine;
  }

  /** A zero-filled slot of n values, in the active backend's own memory where it offers that
   *  (Kernels.allocResident), so an update kernel uses it without copying it in and out. */
  protected zeros(n: number): Float32Array {
    return kernels().allocResident?.('f32', n) ?? new Float32Array(n);
  }
}

export function checkPositive(name: string, v: number): void {
  if (!(Number.isFinite(v) && v > 0)) throw new LowbitError(`optimizer: ${name} must be a finite number > 0, got ${v}`);
}

export function checkUnit(name: string, v: number): void {
  if (!(v >= 0 && v < 1)) throw new LowbitError(`optimizer: ${name} must be in [0, 1), got ${v}`);
}
