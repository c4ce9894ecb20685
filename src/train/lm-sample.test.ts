import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initDefaultBackend } from '../backends/default-backend.js';
import { vocabularyOf } from '../data/ptb-vocabulary.js';
import { ptbLm } from '../models/ptb-lm.js';
import { asText, sampleIndex, sampleText } from './lm-sample.js';
import { fitLanguageModel } from './lm-trainer.js';

if (process.env['LOWBIT_BACKEND']) await initDefaultBackend();

test('sampleIndex: u walks the cumulative softmax of scores / temperature', () => {
  const scores = Float32Array.from([Math.log(1), Math.log(2), Math.log(7)]); // probabilities 0.1, 0.2, 0.7
  for (const [u, want] of [[0, 0], [0.099, 0], [0.101, 1], [0.299, 1], [0.301, 2], [0.999999, 2]] as const) assert.equal(sampleIndex(scores, 1, u), want, `u ${u}`);
  // temperature 0.5 squares the odds: 1 : 4 : 49
  assert.deepEqual([0.015, 0.02, 0.09, 0.095].map((u) => sampleIndex(scores, 0.5, u)), [0, 1, 1, 2]);
  // huge scores do not overflow
  assert.deepEqual([0.25, 0.75].map((u) => sampleIndex(Float32Array.from([3e38, 3e38]), 1, u)), [0, 1]);
});

test('asText: <eos> ends a line', () => {
  assert.equal(asText(['a', 'b', '<eos>', 'c', '<eos>', '<eos>', 'd']), 'a b\nc\n\nd');
});

test('sampleText: a model trained on a cycle continues it; seeded; prime words outside the vocabulary → <unk> or refused', async () => {
  const words = ['a', 'b', 'c', 'd', '<eos>', '<unk>'], vocabulary = vocabularyOf(words);
  const cycle = Int32Array.from({ length: 600 }, (_, i) => i % 5); // a b c d <eos> a b c d <eos> …
  const model = ptbLm({ vocabulary: 6, hidden: 12, seed: 3 });
  await fitLanguageModel(model, { train: cycle, validation: cycle.subarray(0, 100) }, { epochs: 6, batchSize: 4, steps: 8, lr: 0.03, clipNorm: 5, lrDecay: 0.5, evalBatch: 2, seed: 1 });
  const cold = await sampleText(model, vocabulary, { words: 10, temperature: 0.1, seed: 1, prime: 'b' });
  assert.deepEqual(cold.prime, ['b']);
  assert.equal(asText([...cold.prime, ...cold.words]), 'b c d\na b c d\na b', 'a cold sample follows the cycle');
  const [x, y] = [await sampleText(model, vocabulary, { words: 30, temperature: 3, seed: 7 }), await sampleText(model, vocabulary, { words: 30, temperature: 3, seed: 7 })];
  assert.deepEqual(x, y, 'the same seed, the same text');
  const z = await sampleText(model, vocabulary, { words: 30, temperature: 3, seed: 8 });
  assert.notDeepEqual(z.words, x.words, 'another seed, another text (30 words at temperature 3)');
  const unknown = await sampleText(model, vocabulary, { words: 2, prime: 'a zebra' });
  assert.deepEqual([unknown.prime, unknown.unknown], [['a', '<unk>'], ['zebra']]);
  const noUnk = vocabularyOf(['a', 'b', 'c', 'd', '<eos>', 'e']);
  await assert.rejects(sampleText(model, noUnk, { prime: 'a zebra okapi' }), /the prime words 'zebra', 'okapi' are not in the model's vocabulary, which has no <unk>/);
  await assert.rejects(sampleText(model, vocabulary, { temperature: 0 }), /temperature must be a finite number > 0, got 0/);
  await assert.rejects(sampleText(model, vocabulary, { words: 0 }), /words must be an integer in 1\.\.100000, got 0/);
});
