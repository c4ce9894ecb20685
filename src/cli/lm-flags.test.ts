import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadLmRecipe } from '../train/lm-recipe.js';
import { applyLmFlags, checkLmFlags } from './lm-flags.js';

test('language-model flags: bits, float and the schedule apply; image-only or impossible ones are refused', async () => {
  const r = await loadLmRecipe('ptb-gru');
  const q = applyLmFlags(r, { bitsW: 2, bitsA: 4, epochs: 3, limitWords: 1000, lr: 0.001, dropout: 0.1, seed: 7 });
  assert.deepEqual([q.model.bitsW, q.model.bitsA, q.model.dropout, q.model.seed, q.train.epochs, q.train.lr, q.train.seed, q.limitWords], [2, 4, 0.1, 7, 3, 0.001, 7, 1000]);
  assert.deepEqual([applyLmFlags(r, { bits: 4 }).model.bitsW, applyLmFlags(r, { bits: 4 }).model.bitsA], [4, 4]);
  assert.deepEqual([applyLmFlags(q, { float: true }).model.bitsW, applyLmFlags(q, { float: true }).model.bitsA], [32, 32]);
  assert.deepEqual(applyLmFlags(r, {}), r, 'no flags: the recipe as it is');
  const refused: [Record<string, unknown>, RegExp][] = [
    [{ width: 3, lrEnd: 1 }, /--width, --lr-end belong to the image recipes/],
    [{ bitsW: 1 }, /--bits-w 1: the recurrent layers take 2\.\.8 bits/],
    [{ bits: 9 }, /--bits 9/],
    [{ bits: 4, bitsA: 3 }, /give it or --bits-w\/--bits-a, not both/],
    [{ float: true, bitsW: 4 }, /--float trains the float32 model; drop --bits-w/],
    [{ augment: true }, /--augment belongs to the image recipes/],
    [{ augment: false }, /--no-augment belongs to the image recipes/],
  ];
  for (const [o, message] of refused) assert.throws(() => checkLmFlags('ptb-gru', o), (e: unknown) => e instanceof Error && e.name === 'UsageError' && message.test(e.message), String(message));
  assert.doesNotThrow(() => checkLmFlags('ptb-gru', { bitsW: 4, bitsA: 4, epochs: 2 }));
});
