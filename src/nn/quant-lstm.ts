import { LowbitError } from '../errors/lowbit-error.js';
import { add } from '../ops/arithmetic.js';
import { lstmCellState, lstmGates, lstmHidden, recurrentWeightGrad } from '../ops/lstm-cell.js';
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

/** LSTM layer with quantized weights, gates and hidden state (QNN-SPEC §6.5):
 *    [i f g o] = qGates(act(x·qW(Wx)ᵀ + h·qW(Wh)ᵀ + b))   act = σ, σ, tanh, σ
 *    c = f⊙cPrev + i⊙g   (float)        h = qTanh(o⊙tanh(c))
 *  Where §6.5 is silent we read: the bias b stays float; the σ gates go through
 *  `sigmoidQuantizer` (levels on [0, 1]) and g and h through `tanhQuantizer` (levels on [−1, 1]);
 *  the layer's input is taken as it comes (the embedding's or the previous layer's h); weights
 *  start uniform in ±1/sqrt(hidden) (as the usual LSTM init) and, quantized, stay clipped to
 *  [−1, 1]. State (h, c) is carried from one call to the next, detached (truncated BPTT), until
 *  `resetState()`. Shapes: x [steps, batch, inputSize] → [steps, batch, hidden], time-major.
 *  @example new QuantLSTM(300, 300, { kernelQuantizer: { name: 'steLinear', bits: 4 } }) */
export class QuantLSTM extends Module {
  readonly weightIh: Parameter;
  readonly weightHh: Parameter;
  readonly bias: Parameter;
  readonly kernelQuantizer: Quantizer;
  readonly gateQuantizer: GateQuantizer;
  private state: { h: Tensor; c: Tensor } | null = null;

  constructor(readonly inputSize: number, readonly hidden: number, private readonly opts: RecurrentQuantOptions = {}) {
    super();
    for (const [what, v] of [['inputSize', inputSize], ['hidden', hidden]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new LowbitError(`QuantLSTM: ${what} must be a positive integer, got ${v}`);
    }
    this.kernelQuantizer = quantizer(opts.kernelQuantizer ?? 'identity');
    this.gateQuantizer = new GateQuantizer([true, true, false, true], hidden, opts);
    const rng = new Random(opts.seed ?? 1), limit = 1 / Math.sqrt(hidden);
    this.weightIh = this.param('weightIh', uniformInit([4 * hidden, inputSize], limit, rng));
    this.weightHh = this.param('weightHh', uniformInit([4 * hidden, hidden], limit, rng));
    this.bias = this.param('bias', zeros([4 * hidden]));
    if (this.kernelQuantizer.bits < 32) this.weightIh.clip = this.weightHh.clip = 1;
  }

  /** Forget the carried state: the next call starts from zeros. */
  resetState(): void { this.state = null; }

  forward(x: Tensor): Tensor {
    const [steps, batch] = checkSequence('QuantLSTM', x, this.inputSize);
    checkState('QuantLSTM', this.state?.h ?? null, batch);
    const ctx = { training: this.training, rng: this.rng };
    const wx = this.kernelQuantizer.apply(this.weightIh, ctx), wh = this.kernelQuantizer.apply(this.weightHh, ctx);
    // the input's share of every step's gates in one product
    let h = this.state?.h ?? zeros([batch, this.hidden]), c = this.state?.c ?? zeros([batch, this.hidden]);
    const hs: Tensor[] = [], h0 = h, whStep = detach(wh);
    // Wh's gradient over every step in one product (recurrentWeightGrad), not one per step
    const proj = recurrentWeightGrad(add(matmulT(reshape(x, [steps * batch, this.inputSize]), wx), this.bias), wh,
      () => concatRows([h0, ...hs.slice(0, -1)]));
    // Every gate product is a float GEMM, k-bit operands included: at [20, 300]·[1200, 300]ᵀ the
    // bit-plane route (k ±1 planes of h and Wh, k² plane products, combined) measured about even
    // for 2 bits (−20 % to +7 % between runs) and 1.7–5x slower for 3 and 4 (bench/ptb-lstm-training.ts:
    // packing h's planes and combining k² products outweigh the product), before counting the
    // planes' making, and it is ~2 % of a step; only this forward product could take it:
    // the input's share has float word vectors, and the backward products float gradients.
    for (let t = 0; t < steps; t++) {
      const gates = this.gateQuantizer.apply(lstmGates(add(sliceRows(proj, t * batch, batch), matmulT(h, whStep))), ctx);
      c = lstmCellState(gates, c);
      h = this.gateQuantizer.tanh.apply(lstmHidden(gates, c), ctx);
      hs.push(h);
    }
    this.state = { h: detach(h), c: detach(c) };
    return reshape(concatRows(hs), [steps, batch, this.hidden]);
  }

  config(): LayerConfig {
    return {
      type: 'QuantLSTM', inputSize: this.inputSize, hidden: this.hidden, kernelQuantizer: this.kernelQuantizer.config(),
      sigmoidQuantizer: this.gateQuantizer.sigmoid.config(), tanhQuantizer: this.gateQuantizer.tanh.config(), seed: this.opts.seed ?? 1,
    };
  }
}
