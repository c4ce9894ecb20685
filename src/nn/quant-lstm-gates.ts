import { LowbitError } from '../errors/lowbit-error.js';
import { add, mul } from '../ops/arithmetic.js';
import type { Quantizer, QuantContext } from '../quant/quantizer.js';
import { quantizer, type QuantizerSpec } from '../quant/registry.js';
import type { Kernels } from '../backends/kernels.js';
import { Tensor } from '../tensor/tensor.js';

/** The quantizers of a recurrent layer (QNN-SPEC §6.5). */
export interface RecurrentQuantOptions {
  /** Input→gates and recurrent weights, each through it (default identity: float). A quantized
   *  kernel keeps latent float weights clipped to [−1, 1]. */
  kernelQuantizer?: QuantizerSpec;
  /** The σ gates' outputs, in [0, 1] (e.g. steLinear on lo 0, hi 1); default identity. */
  sigmoidQuantizer?: QuantizerSpec;
  /** The tanh gate's output and the hidden state, in [−1, 1] (e.g. steLinear); default identity. */
  tanhQuantizer?: QuantizerSpec;
  seed?: number;
}

/** Quantizes a gate block [batch, G·hidden] whose column blocks are σ or tanh outputs: each block
 *  through its own quantizer. Both quantizers run on the whole block and a constant 0/1 mask per
 *  column picks each one's columns, so gradients pass each block's own STE and nothing else. */
export class GateQuantizer {
  readonly sigmoid: Quantizer;
  readonly tanh: Quantizer;
  private mask: { backend: Kernels; sig: Tensor; tanh: Tensor } | null = null;

  /** blocks[j]: whether gate block j is a σ output. */
  constructor(private readonly blocks: readonly boolean[], private readonly hidden: number, opts: RecurrentQuantOptions) {
    this.sigmoid = quantizer(opts.sigmoidQuantizer ?? 'identity');
    this.tanh = quantizer(opts.tanhQuantizer ?? 'identity');
  }

  apply(gates: Tensor, ctx: QuantContext): Tensor {
    const floatSig = this.sigmoid.bits >= 32, floatTanh = this.tanh.bits >= 32;
    if (floatSig && floatTanh) return gates;
    const m = this.masks(gates.backend);
    return add(mul(floatSig ? gates : this.sigmoid.apply(gates, ctx), m.sig), mul(floatTanh ? gates : this.tanh.apply(gates, ctx), m.tanh));
  }

  private masks(backend: Kernels): { sig: Tensor; tanh: Tensor } {
    if (this.mask?.backend !== backend) {
      const width = this.blocks.length * this.hidden;
      const sig = Float32Array.from({ length: width }, (_, j) => (this.blocks[Math.floor(j / this.hidden)] ? 1 : 0));
      this.mask = { backend, sig: new Tensor(sig, [1, width], 'float32', backend), tanh: new Tensor(sig.map((v) => 1 - v), [1, width], 'float32', backend) };
    }
    return this.mask;
  }
}

/** The same storage without its graph: state carried to the next window is a constant there. */
export const detach = (t: Tensor): Tensor => new Tensor(t.storage, t.shape, 'float32', t.backend);

/** A recurrent layer's input must be [steps, batch, inputSize], steps and batch at least 1. */
export function checkSequence(layer: string, x: Tensor, inputSize: number): [number, number] {
  if (x.rank !== 3 || x.shape[2] !== inputSize || x.shape[0] === 0 || x.shape[1] === 0) throw new LowbitError(`${layer}: input must be [steps >= 1, batch >= 1, ${inputSize}], got [${x.shape}]`);
  return [x.shape[0]!, x.shape[1]!];
}

/** Carried state must have the batch of the new window. */
export function checkState(layer: string, state: Tensor | null, batch: number): void {
  if (state && state.shape[0] !== batch) {
    throw new LowbitError(`${layer}: the carried state is for a batch of ${state.shape[0]} but this input has ${batch}; call resetState() between streams of different batch sizes`);
  }
}
