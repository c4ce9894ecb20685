import { LowbitError } from '../errors/lowbit-error.js';
import { add } from '../ops/arithmetic.js';
import { gruGates, gruHidden } from '../ops/gru-cell.js';
import { matmulT } from '../ops/matmul.js';
import { reshape } from '../ops/reshape.js';
import { concatRows, sliceRows } from '../ops/rows.js';
import type { Quantizer } from '../quant/quantizer.js';
import { quantizer } from '../quant/registry.js';
import { zeros } from '../tensor/creation.js';
import { Random } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { uniformInit } from './init.js';
import { Module, type LayerConfig } from './module.js';
import type { Parameter } from './parameter.js';
import { checkSequence, checkState, detach, GateQuantizer, type RecurrentQuantOptions } from './quant-lstm-gates.js';

/** GRU layer with quantized weights, gates and hidden state (QNN-SPEC §6.5):
 *    xp = x·qW(Wx)ᵀ + bx,  hp = h·qW(Wh)ᵀ + bh
 *    r = σ(xr + hr), z = σ(xz + hz), n = tanh(xn + r⊙hn)   (the gates, then qGates)
 *    h = qTanh((1 − z)⊙n + z⊙hPrev)
 *  Where §6.5 is silent we read: r enters n inside the fused gate kernel in float (the quantized
 *  gates are those that reach h: z through `sigmoidQuantizer`, n through `tanhQuantizer`); biases
 *  stay float; the input is taken as it comes; weights start uniform in ±1/sqrt(hidden) and,
 *  quantized, stay clipped to [−1, 1]. h is carried across calls, detached, until `resetState()`.
 *  Shapes: x [steps, batch, inputSize] → [steps, batch, hidden], time-major.
 *  @example new QuantGRU(300, 300, { kernelQuantizer: { name: 'steLinear', bits: 4 } }) */
export class QuantGRU extends Module {
  readonly weightIh: Parameter;
  readonly weightHh: Parameter;
  readonly biasIh: Parameter;
  readonly biasHh: Parameter;
  readonly kernelQuantizer: Quantizer;
  readonly gateQuantizer: GateQuantizer;
  private state: Tensor | null = null;

  constructor(readonly inputSize: number, readonly hidden: number, private readonly opts: RecurrentQuantOptions = {}) {
    super();
    for (const [what, v] of [['inputSize', inputSize], ['hidden', hidden]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new LowbitError(`QuantGRU: ${what} must be a positive integer, got ${v}`);
    }
    this.kernelQuantizer = quantizer(opts.kernelQuantizer ?? 'identity');
    this.gateQuantizer = new GateQuantizer([true, true, false], hidden, opts);
    const rng = new Random(opts.seed ?? 1), limit = 1 / Math.sqrt(hidden);
    this.weightIh = this.param('weightIh', uniformInit([3 * hidden, inputSize], limit, rng));
    this.weightHh = this.param('weightHh', uniformInit([3 * hidden, hidden], limit, rng));
    this.biasIh = this.param('biasIh', zeros([3 * hidden]));
    this.biasHh = this.param('biasHh', zeros([3 * hidden]));
    if (this.kernelQuantizer.bits < 32) this.weightIh.clip = this.weightHh.clip = 1;
  }

  /** Forget the carried state: the next call starts from zeros. */
  resetState(): void { this.state = null; }

  forward(x: Tensor): Tensor {
    const [steps, batch] = checkSequence('QuantGRU', x, this.inputSize);
    checkState('QuantGRU', this.state, batch);
    const ctx = { training: this.training, rng: this.rng };
    const wx = this.kernelQuantizer.apply(this.weightIh, ctx), wh = this.kernelQuantizer.apply(this.weightHh, ctx);
    const proj = add(matmulT(reshape(x, [steps * batch, this.inputSize]), wx), this.biasIh);
    let h = this.state ?? zeros([batch, this.hidden]);
    const hs: Tensor[] = [];
    for (let t = 0; t < steps; t++) {
      const gates = this.gateQuantizer.apply(gruGates(sliceRows(proj, t * batch, batch), add(matmulT(h, wh), this.biasHh)), ctx);
      h = this.gateQuantizer.tanh.apply(gruHidden(gates, h), ctx);
      hs.push(h);
    }
    this.state = detach(h);
    return reshape(concatRows(hs), [steps, batch, this.hidden]);
  }

  config(): LayerConfig {
    return {
      type: 'QuantGRU', inputSize: this.inputSize, hidden: this.hidden, kernelQuantizer: this.kernelQuantizer.config(),
      sigmoidQuantizer: this.gateQuantizer.sigmoid.config(), tanhQuantizer: this.gateQuantizer.tanh.config(), seed: this.opts.seed ?? 1,
    };
  }
}
