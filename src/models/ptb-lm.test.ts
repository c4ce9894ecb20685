import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initDefaultBackend } from '../backends/default-backend.js';
import { QuantGRU } from '../nn/quant-gru.js';
import { randn } from '../tensor/creation.js';
import { summarize } from '../train/summary.js';
import { buildModel } from './registry.js';
import { ptbLm, PtbLm } from './ptb-lm.js';

if (process.env['LOWBIT_BACKEND']) await initDefaultBackend();

test('ptb-lm: logits per word; quantizers by bits (σ gates on [0, 1]); float output by default', () => {
  const model = ptbLm({ vocabulary: 11, hidden: 6, layers: 2, embed: 5, bitsW: 2, bitsA: 3 });
  assert.deepEqual(model.logits(Int32Array.from([1, 2, 3, 4, 5, 6]), 3, 2).shape, [6, 11]);
  const [first, second] = model.recurrent;
  assert.equal(first!.inputSize, 5);
  assert.equal(second!.inputSize, 6);
  assert.deepEqual(first!.kernelQuantizer.config(), { name: 'steLinear', bits: 2, lo: -1, hi: 1 });
  assert.deepEqual(first!.gateQuantizer.sigmoid.config(), { name: 'steLinear', bits: 3, lo: 0, hi: 1 });
  assert.deepEqual(first!.gateQuantizer.tanh.config(), { name: 'steLinear', bits: 3, lo: -1, hi: 1 });
  assert.equal(model.output.kernelQuantizer.name, 'identity');
  assert.ok(buildModel('ptb-lm', { vocabulary: 4, cell: 'gru' }) instanceof PtbLm);
  assert.ok((buildModel('ptb-lm', { vocabulary: 4, cell: 'gru' }) as PtbLm).recurrent[0] instanceof QuantGRU);
});

test('ptb-lm: bad options and inputs are errors that say what to pass', () => {
  assert.throws(() => ptbLm({ vocabulary: 5, bitsW: 1 }), /bitsW must be 2..8 \(LinearQuantK, QNN-SPEC §6.5\) or 32 \(float\), got 1/);
  assert.throws(() => ptbLm({ vocabulary: 5, cell: 'rnn' as never }), /cell must be 'lstm' or 'gru', got 'rnn'/);
  assert.throws(() => ptbLm({ vocabulary: 5, layers: 0 }), /layers must be a positive integer/);
  const model = ptbLm({ vocabulary: 5, hidden: 3 });
  assert.throws(() => model.logits(Int32Array.from([1, 2, 3]), 2, 2), /3 ids do not make 2 steps of a batch of 2/);
  assert.throws(() => model.logits(Int32Array.from([1, 9]), 1, 2), /id 9 at position 1 is outside the vocabulary 0..4/);
  assert.throws(() => model.forward(randn([2, 3])), /call logits\(ids, steps, batch\)/);
});

test('ptb-lm summary: the embedding, both products of each recurrent layer and the output layer, per word', () => {
  // the paper's 1×300 LSTM on PTB: 3.72 M multiply-adds per word, 3 M of them in the output layer
  const { layers, total } = summarize(ptbLm({ vocabulary: 10_000, hidden: 300, embed: 300, bitsW: 4, bitsA: 4 }));
  assert.deepEqual(layers.map((l) => [l.layer, l.inputBits, l.weightBits, l.params, l.otherMacs]), [
    ['Embedding 10000×300', 32, 32, 3_000_000, 0],
    ['QuantLSTM 300→300 input', 32, 4, 361_200, 360_000],
    ['QuantLSTM 300→300 recurrent', 4, 4, 360_000, 360_000],
    ['QuantDense 300→10000', 32, 32, 3_010_000, 3_000_000],
  ]);
  assert.equal(total.otherMacs, 3_720_000);
  const gru = summarize(ptbLm({ vocabulary: 50, hidden: 8, embed: 5, layers: 2, cell: 'gru', bitsW: 2, bitsA: 3 })).layers;
  assert.deepEqual(gru.slice(1, 5).map((l) => [l.layer, l.inputBits, l.params]), [
    ['QuantGRU 5→8 input', 32, 3 * 8 * 5 + 48], ['QuantGRU 8→8 recurrent', 3, 3 * 8 * 8],
    ['QuantGRU 8→8 input', 3, 3 * 8 * 8 + 48], ['QuantGRU 8→8 recurrent', 3, 3 * 8 * 8],
  ]);
});
