import { LowbitError } from '../errors/lowbit-error.js';
import { Dropout } from '../nn/dropout.js';
import { Embedding } from '../nn/embedding.js';
import { Module, type LayerConfig } from '../nn/module.js';
import { QuantDense } from '../nn/quant-dense.js';
import { QuantGRU } from '../nn/quant-gru.js';
import { QuantLSTM } from '../nn/quant-lstm.js';
import type { RecurrentQuantOptions } from '../nn/quant-lstm-gates.js';
import { reshape } from '../ops/reshape.js';
import { quantizerForBits } from '../quant/by-bits.js';
import type { Tensor } from '../tensor/tensor.js';

export interface PtbLmOptions {
  vocabulary: number;
  cell?: 'lstm' | 'gru';
  /** Units per recurrent layer (QNN-SPEC §6.5: one layer of 300). */
  hidden?: number;
  layers?: number;
  /** Word-vector size; default `hidden`. */
  embed?: number;
  /** Weight / activation bits of the recurrent layers: 2..8 (LinearQuantK), 32 float (default). */
  bitsW?: number;
  bitsA?: number;
  /** Dropout after the embedding, between layers and before the output layer (default 0). */
  dropout?: number;
  /** Quantize the output layer's weights with bitsW too (default false: float, as the softmax). */
  quantizeOutput?: boolean;
  seed?: number;
}

/** A word-level language model: Embedding → Dropout → [QuantLSTM | QuantGRU → Dropout] × layers →
 *  output layer (logits for the float softmax). Quantizers by bits as QNN-SPEC §6.5 reads:
 *  weights LinearQuantK on [−1, 1], σ gates on [0, 1], the tanh gate and h on [−1, 1].
 *  Input: word ids [steps·batch] time-major; output: logits [steps·batch, vocabulary].
 *  @example ptbLm({ vocabulary: 10_000, cell: 'lstm', bitsW: 4, bitsA: 4 }).logits(ids, 35, 20) */
export class PtbLm extends Module {
  readonly embedding: Embedding;
  readonly recurrent: (QuantLSTM | QuantGRU)[];
  readonly output: QuantDense;
  private readonly drop: Dropout;

  constructor(private readonly opts: PtbLmOptions) {
    super();
    const hidden = opts.hidden ?? 300, layers = opts.layers ?? 1, embed = opts.embed ?? hidden, seed = opts.seed ?? 1;
    if (!Number.isInteger(layers) || layers < 1) throw new LowbitError(`ptb-lm: layers must be a positive integer, got ${layers}`);
    if (opts.cell !== undefined && opts.cell !== 'lstm' && opts.cell !== 'gru') throw new LowbitError(`ptb-lm: cell must be 'lstm' or 'gru', got '${String(opts.cell)}'`);
    const bitsW = opts.bitsW ?? 32, bitsA = opts.bitsA ?? 32;
    for (const [what, bits] of [['bitsW', bitsW], ['bitsA', bitsA]] as const) {
      if (!(bits === 32 || (Number.isInteger(bits) && bits >= 2 && bits <= 8))) {
        throw new LowbitError(`ptb-lm: ${what} must be 2..8 (LinearQuantK, QNN-SPEC §6.5) or 32 (float), got ${bits}`);
      }
    }
    const act = quantizerForBits(bitsA);
    const quant: RecurrentQuantOptions = {
      kernelQuantizer: quantizerForBits(bitsW), tanhQuantizer: act,
      sigmoidQuantizer: bitsA === 32 ? act : { ...act, lo: 0, hi: 1 },
    };
    this.embedding = this.child('embedding', new Embedding(opts.vocabulary, embed, { seed }));
    this.drop = this.child('dropout', new Dropout(opts.dropout ?? 0));
    const Cell = opts.cell === 'gru' ? QuantGRU : QuantLSTM;
    this.recurrent = Array.from({ length: layers }, (_, l) => this.child(`rnn${l}`, new Cell(l === 0 ? embed : hidden, hidden, { ...quant, seed: seed + 1 + l })));
    this.output = this.child('output', new QuantDense(hidden, opts.vocabulary, {
      inputQuantizer: 'identity', kernelQuantizer: opts.quantizeOutput ? quantizerForBits(bitsW) : 'identity', bias: true, seed: seed + 1 + layers,
    }));
  }

  /** Logits of the next word after each of `ids` ([steps·batch] time-major: step t's batch at
   *  t·batch …), with the recurrent state carried from the previous call. */
  logits(ids: Int32Array, steps: number, batch: number): Tensor {
    if (!(Number.isInteger(steps) && Number.isInteger(batch) && steps >= 1 && batch >= 1 && ids.length === steps * batch)) {
      throw new LowbitError(`ptb-lm: ${ids.length} ids do not make ${steps} steps of a batch of ${batch}`);
    }
    let x = this.drop.forward(this.embedding.lookup(ids));
    for (const layer of this.recurrent) {
      x = this.drop.forward(reshape(layer.forward(reshape(x, [steps, batch, x.shape[1]!])), [steps * batch, layer.hidden]));
    }
    return this.output.forward(x);
  }

  /** Forget the carried state of every layer (a new stream, or a new batch size). */
  resetState(): void { for (const layer of this.recurrent) layer.resetState(); }

  /** A language model takes word ids: call `logits(ids, steps, batch)`. */
  forward(x: Tensor): Tensor {
    throw new LowbitError(`ptb-lm: forward takes no float tensor (got [${x.shape}]); call logits(ids, steps, batch)`);
  }

  config(): LayerConfig { return { type: 'PtbLm', ...this.opts }; }
}

/** @example ptbLm({ vocabulary: 10_000 }) // float LSTM 1×300 */
export const ptbLm = (opts: PtbLmOptions): PtbLm => new PtbLm(opts);
