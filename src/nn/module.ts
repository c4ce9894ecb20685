import { LowbitError } from '../errors/lowbit-error.js';
import { Random } from '../tensor/random.js';
import { kernels } from '../backends/registry.js';
import { Tensor } from '../tensor/tensor.js';
import { Parameter } from './parameter.js';

export type LayerConfig = { type: string } & Record<string, unknown>;

/** Base of every layer: named parameters and buffers, child modules, train/eval mode and a
 *  seeded random stream shared by the whole model (dropout, stochastic quantizers). */
export abstract class Module {
  training = true;
  /** Set for the whole tree by `useRandom`; the trainer saves its state in checkpoints. */
  rng = new Random(1);
  private readonly params = new Map<string, Parameter>();
  private readonly buffers = new Map<string, Tensor>();
  private readonly children = new Map<string, Module>();

  abstract forward(x: Tensor): Tensor;
  /** What `fromConfig` needs to build the same layer again. */
  abstract config(): LayerConfig;

  protected param(name: string, init: Tensor): Parameter {
    const p = new Parameter(init);
    this.params.set(name, p);
    return p;
  }

  /** A non-trainable tensor the checkpoint keeps (running statistics), in persistent storage. */
  protected buffer(name: string, values: Float32Array): Tensor {
    const k = kernels(), t = new Tensor(k.alloc('f32', values.length, true), [values.length], 'float32', k);
    k.write(t.storage, values);
    this.buffers.set(name, t);
    return t;
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
  namedTensors(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [...this.params].map(([n, p]): [string, Tensor] => [prefix + n, p]);
    for (const [n, b] of this.buffers) out.push([prefix + n, b]);
    for (const [n, c] of this.children) out.push(...c.namedTensors(`${prefix}${n}.`));
    return out;
  }

  /** Copies of every parameter and buffer by dotted path, once the kernels before have run.
   *  @example const state = await model.stateDict() */
  async stateDict(): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    for (const [name, t] of this.namedTensors()) out.set(name, Float32Array.from(await t.data()));
    return out;
  }

  /** The same at once, on a synchronous backend (reference, wasm). */
  stateDictSync(): Map<string, Float32Array> {
    return new Map(this.namedTensors().map(([name, t]) => [name, Float32Array.from(t.dataSync())]));
  }

  /** Copy values into this model's tensors; every name must exist with the same length. */
  loadStateDict(state: Map<string, Float32Array>, source = 'state'): void {
    const mine = new Map(this.namedTensors());
    for (const [name, target] of mine) {
      const v = state.get(name);
      if (!v) throw new LowbitError(`${source}: missing tensor '${name}'`);
      if (v.length !== target.size) throw new LowbitError(`${source}: tensor '${name}' has ${v.length} values, the model needs ${target.size}`);
    }
    for (const name of state.keys()) if (!mine.has(name)) throw new LowbitError(`${source}: unexpected tensor '${name}' (does the config match the weights?)`);
    for (const [name, target] of mine) target.backend.write(target.storage, state.get(name)!);
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
