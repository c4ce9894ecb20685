import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backward } from '../autograd/backward.js';
import { initDefaultBackend } from '../backends/default-backend.js';
import { batchify, windows } from '../data/ptb-batches.js';
import { ptbLm } from '../models/ptb-lm.js';
import { softmaxCrossEntropy } from '../ops/losses.js';
import { clipGradNorm } from './lm-clip.js';
import { fitLanguageModel, perplexity, timeMajor } from './lm-trainer.js';

if (process.env['LOWBIT_BACKEND']) await initDefaultBackend();

/** A stream that repeats 0 1 2 3 4 5 with every 7th word a 6: learnable, not trivial. */
const stream = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => (i % 7 === 6 ? 6 : i % 6));

test('perplexity: exp of the mean NLL per word over every window, the state carried', async () => {
  const model = ptbLm({ vocabulary: 7, hidden: 5, seed: 3 }), valid = stream(61), [batch, steps] = [3, 4];
  const got = await perplexity(model, valid, batch, steps);
  // the same from the logits, with a float64 log-softmax on the host
  model.resetState();
  let nll = 0, words = 0;
  for (const w of windows(batchify(valid, batch), steps)) {
    const logits = model.logits(timeMajor(w.inputs, batch, w.steps), w.steps, batch).dataSync(), targets = timeMajor(w.targets, batch, w.steps);
    for (let r = 0; r < targets.length; r++) {
      const row = [...logits.slice(r * 7, r * 7 + 7)], max = Math.max(...row);
      nll += Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0)) + max - row[targets[r]!]!;
      words++;
    }
  }
  assert.equal(words, 3 * 19); // batch × (length − 1): every word after a row's first
  assert.ok(Math.abs(got - Math.exp(nll / words)) < 1e-4 * got, `perplexity ${got} vs ${Math.exp(nll / words)}`);
});

test('clipGradNorm: scales all gradients together to the norm, leaves small ones alone', () => {
  const model = ptbLm({ vocabulary: 7, hidden: 4, seed: 1 });
  const loss = softmaxCrossEntropy(model.logits(Int32Array.from([0, 1, 2, 3]), 2, 2), Int32Array.from([1, 2, 3, 4]));
  backward(loss);
  const params = model.parameters(), before = params.map((p) => Float32Array.from(p.grad!.dataSync()));
  const norm = Math.sqrt(before.reduce((s, g) => s + g.reduce((t, v) => t + v * v, 0), 0));
  assert.ok(Math.abs(Math.sqrt(clipGradNorm(params, norm * 2).dataSync()[0]!) - norm) < 1e-5 * norm);
  params.forEach((p, i) => assert.deepEqual(p.grad!.dataSync(), before[i]), 'under the limit: unchanged');
  clipGradNorm(params, norm / 4);
  params.forEach((p, i) => p.grad!.dataSync().forEach((v, j) => assert.ok(Math.abs(v - before[i]![j]! / 4) <= 1e-6 * (1 + Math.abs(v)))));
  assert.throws(() => clipGradNorm(params, 0), /clipGradNorm: maxNorm must be a finite number > 0, got 0/);
});

test('fitLanguageModel: truncated BPTT learns a patterned stream (4-bit LSTM); the learning rate decays when validation stalls', async () => {
  const model = ptbLm({ vocabulary: 7, hidden: 16, bitsW: 4, bitsA: 4, seed: 2 });
  const config = { epochs: 4, batchSize: 4, steps: 6, lr: 0.02, clipNorm: 5, lrDecay: 0.5, evalBatch: 2, seed: 1 };
  const before = await perplexity(model, stream(120), 2, 6);
  const { history, bestState } = await fitLanguageModel(model, { train: stream(1200), validation: stream(120) }, config);
  const best = Math.min(...history.map((m) => m.validPerplexity));
  assert.ok(before > 4 && best < 2, `validation perplexity ${before} → ${best} (7 words, 6 of them fixed by the pattern)`);
  assert.equal(history[0]!.words, 4 * 299);
  for (let e = 1; e < history.length; e++) {
    const improved = history[e - 1]!.validPerplexity < Math.min(...history.slice(0, e - 1).map((m) => m.validPerplexity), Infinity);
    assert.equal(history[e]!.lr, history[e - 1]!.lr * (improved ? 1 : 0.5), `epoch ${e + 1}'s learning rate`);
  }
  model.loadStateDict(bestState);
  assert.ok(Math.abs(await perplexity(model, stream(120), 2, 6) - best) < 1e-4 * best, 'bestState is the best epoch\'s weights');
  // validation in the reverse order: training on the pattern makes it worse, so the rate halves
  const reverse = Int32Array.from({ length: 60 }, (_, i) => 5 - (i % 6));
  const stalled = await fitLanguageModel(ptbLm({ vocabulary: 7, hidden: 16, seed: 2 }), { train: stream(600), validation: reverse }, { ...config, epochs: 3 });
  assert.ok(stalled.history[1]!.validPerplexity > stalled.history[0]!.validPerplexity, 'validation got worse');
  assert.deepEqual(stalled.history.map((m) => m.lr), [0.02, 0.02, 0.01]);
  await assert.rejects(fitLanguageModel(model, { train: stream(100), validation: stream(50) }, { ...config, lrDecay: 0 }), /lrDecay must be in \(0, 1\], got 0/);
});
