import { LowbitError } from '../errors/lowbit-error.js';
import { Random } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { Parameter } from './parameter.js';

export type LayerConfig = { type: string } & Record<string, unknown>;

/** Base of every layer: named parameters and buffers, child modules, train/eval mode and a
 *  seeded random stream shared by the whole model (dropout, stochastic quantizers). */
export abstract class Module {
  training = true;
  /** Set for the whole tree by `useRandom`; the trainer saves its state in checkpoints. */
  rng = new Random(1);
  private readonly params = new Map<string, Parameter>();
  private readonly buffers = new Map<string, Float32Array>();
  private readonly children = new Map<string, Module>();

  abstract forward(x: Tensor): Tensor;
  /** What `fromConfig` needs to build the same layer again. */
  abstract config(): LayerConfig;

  protected param(name: string, init: Tensor): Parameter {
    const p = new Parameter(init.data, init.shape);
    this.params.set(name, p);
    return p;
  }

  protected buffer(name: string, data: Float32Array): Float32Array {
    this.buffers.set(name, data);
    return data;
  }

  protected child<M extends Module>(name: string, m: M): M {
    this.children.set(name, m);
    return m;
  }

  /** Every parameter of the tree with its dotted path, in a stable order. */
  namedParameters(prefix = ''): [string, Parameter][] {
    const out: [string, Parameter][] = [...this.params].map(([n, p]) => [prefix + n, p]);
    for (const [n, c] of this.children) out.push(...c.namedParameters(`${prefix}${n}.`));
    return out;
  }

  parameters(): Parameter[] { return this.namedParameters().map(([, p]) => p); }

  /** Parameters and buffers (running statistics) by dotted path: what a checkpoint stores. */
  stateDict(prefix = ''): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    for (const [n, p] of this.params) out.set(prefix + n, p.data);
    for (const [n, b] of this.buffers) out.set(prefix + n, b);
    for (const [n, c] of this.children) for (const [k, v] of c.stateDict(`${prefix}${n}.`)) out.set(k, v);
    return out;
  }

  /** Copy values into this model's tensors; every name must exist with the same length. */
  loadStateDict(state: Map<string, Float32Array>, source = 'state'): void {
    const mine = this.stateDict();
    for (const [name, target] of mine) {
      const v = state.get(name);
      if (!v) throw new LowbitError(`${source}: missing tensor '${name}'`);
      if (v.length !== target.length) throw new LowbitError(`${source}: tensor '${name}' has ${v.length} values, the model needs ${target.length}`);
      target.set(v);
    }
    for (const name of state.keys()) if (!mine.has(name)) throw new LowbitError(`${source}: unexpected tensor '${name}' (does the config match the weights?)`);
  }

  train(): this { this.setMode(true); return this; }
  eval(): this { this.setMode(false); return this; }
  private setMode(training: boolean): void {
    this.training = training;
    for (const c of this.children.values()) c.setMode(training);
  }

  /** Share one seeded stream across the tree. */
  useRandom(rng: Random): this {
    this.rng = rng;
    for (const c of this.children.values()) c.useRandom(rng);
    return this;
  }

  /** Direct children in order (Sequential's layers, for summaries and compilers). */
  modules(): Module[] { return [...this.children.values()]; }
}
