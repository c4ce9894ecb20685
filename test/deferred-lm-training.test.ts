import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeDeferredBackend } from '../src/backends/deferred/deferred-backend.js';
import { setKernels } from '../src/backends/registry.js';
import { referenceKernels } from '../src/backends/reference/index.js';
import { ptbLm, type PtbLmOptions } from '../src/models/ptb-lm.js';
import { fitLanguageModel, perplexity } from '../src/train/lm-trainer.js';

// As test/deferred-training.test.ts for the recurrent layers: a language-model run on a backend
// that finishes every kernel later equals the reference's exactly (perplexities, learning rates,
// weights), so nothing between the kernels of an LSTM/GRU step reads a number.

const stream = (n: number, seed: number): Int32Array => {
  let s = seed;
  return Int32Array.from({ length: n }, (_, i) => { s = (s * 1103515245 + 12345) >>> 0; return i % 5 === 4 ? 5 + (s >>> 28) % 3 : i % 5; });
};

async function run(which: 'reference' | 'deferred', opts: PtbLmOptions) {
  setKernels(which === 'reference' ? referenceKernels : makeDeferredBackend());
  try {
    const model = ptbLm(opts);
    const config = { epochs: 2, batchSize: 3, steps: 5, lr: 0.01, clipNorm: 1, lrDecay: 0.5, evalBatch: 2, seed: 4 };
    const result = await fitLanguageModel(model, { train: stream(240, 1), validation: stream(60, 2) }, config);
    const history = result.history.map(({ seconds: _s, wordsPerSec: _r, ...m }) => m);
    return { history, test: await perplexity(model, stream(60, 3), 2, 5), state: await model.stateDict() };
  } finally {
    setKernels(referenceKernels);
  }
}

const RUNS: [string, PtbLmOptions][] = [
  ['float LSTM, dropout', { vocabulary: 8, hidden: 6, dropout: 0.2, seed: 5 }],
  ['LSTM 4/4 bits, quantized output', { vocabulary: 8, hidden: 6, bitsW: 4, bitsA: 4, quantizeOutput: true, dropout: 0.2, seed: 5 }],
  ['GRU 2/3 bits', { vocabulary: 8, hidden: 6, cell: 'gru', bitsW: 2, bitsA: 3, seed: 5 }],
];
for (const [label, opts] of RUNS) {
  test(`deferred backend: a language-model run (${label}) equals the reference's exactly`, async () => {
    const [ref, deferred] = [await run('reference', opts), await run('deferred', opts)];
    assert.deepEqual(deferred.history, ref.history, 'per-epoch perplexities and learning rate');
    assert.equal(deferred.test, ref.test);
    assert.deepEqual(deferred.state, ref.state, 'weights after the run');
    assert.ok(ref.history.every((m) => Number.isFinite(m.trainPerplexity)), 'the run trained');
  });
}
