import type { Storage } from '../backends/kernels.js';
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
 *  `step()` in the backend's persistent storage, applies each parameter's lrScale and clip
 *  (QNN-SPEC §2.2-2.3). Every update is a kernel: a step reads no numbers. */
export abstract class Optimizer {
  /** Steps taken so far (t in the bias corrections). */
  t = 0;
  protected slots: Storage<'f32'>[][] = [];

  constructor(readonly params: readonly Parameter[], public lr: number) {
    checkPositive('lr', lr);
  }

  /** Update every parameter from its `.grad`, then clear the gradients. The gradients are
   *  consumed: their storage goes back to the backend (a binary layer's weight gradient lives in
   *  wasm's own memory), so do not keep a gradient past step(). */
  step(): void {
    if (this.slots.length === 0) this.slots = this.params.map((p) => this.makeSlots(p));
    this.t++;
    this.params.forEach((p, i) => { if (p.grad) this.update(p, p.grad.storage, this.slots[i]!); });
    this.zeroGrad();
  }

  /** Clear the gradients (consumed as by step()). */
  zeroGrad(): void {
    const values = new Set<unknown>(this.params.map((p) => p.storage)); // never a parameter's own values
    for (const p of this.params) {
      if (p.grad && !values.has(p.grad.storage)) p.backend.free(p.grad.storage);
      p.grad = null;
    }
  }

  protected abstract makeSlots(p: Parameter): Storage<'f32'>[];
  protected abstract update(p: Parameter, grad: Storage<'f32'>, slots: Storage<'f32'>[]): void;

  /** The state for a checkpoint, read back once the updates before have run. */
  async state(): Promise<OptimizerState> {
    const k = kernels();
    const slots = await Promise.all(this.slots.map((s) => Promise.all(s.map(async (b) => Float32Array.from(await k.read(b))))));
    return { step: this.t, lr: this.lr, slots };
  }

  loadState(s: OptimizerState): void {
    if (s.slots.length !== 0 && s.slots.length !== this.params.length) {
      throw new LowbitError(`optimizer state holds ${s.slots.length} parameters, the model has ${this.params.length}`);
    }
    const k = kernels();
    // written into slots of our own making (persistent storage)
    const mine = s.slots.map((slots, i) => {
      const p = this.params[i]!, want = this.makeSlots(p);
      if (slots.length !== want.length || slots.some((a) => a.length !== p.size)) {
        throw new LowbitError(`optimizer state for parameter ${i} does not match its shape`);
      }
      want.forEach((own, j) => k.write(own, slots[j]!));
      return want;
    });
    this.t = s.step; this.lr = s.lr; this.slots = mine;
  }

  /** A zero-filled slot of n values in the active backend's persistent storage, so an update
   *  kernel uses it where it is. */
  protected zeros(n: number): Storage<'f32'> {
    return kernels().alloc('f32', n, true);
  }
}

export function checkPositive(name: string, v: number): void {
  if (!(Number.isFinite(v) && v > 0)) throw new LowbitError(`optimizer: ${name} must be a finite number > 0, got ${v}`);
}

export function checkUnit(name: string, v: number): void {
  if (!(v >= 0 && v < 1)) throw new LowbitError(`optimizer: ${name} must be in [0, 1), got ${v}`);
}
