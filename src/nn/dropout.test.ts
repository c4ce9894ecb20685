import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noGrad } from '../autograd/grad-mode.js';
import { LowbitError } from '../errors/lowbit-error.js';
import { full, randn } from '../tensor/creation.js';
import { Random } from '../tensor/random.js';
import { Dropout } from './dropout.js';

test('Dropout: eval mode is the identity; train mode zeroes about p and scales the rest by 1/(1-p)', () => {
  const seed = 12, n = 10_000, p = 0.3, drop = new Dropout(p).useRandom(new Random(seed));
  const x = full([n], 2);
  assert.equal(drop.eval().forward(x), x);
  const y = noGrad(() => drop.train().forward(x));
  let zeros = 0;
  for (const v of y.dataSync()) {
    if (v === 0) zeros++;
    else assert.equal(v, Math.fround(2 * Math.fround(1 / (1 - p))));
  }
  const sigma = Math.sqrt((p * (1 - p)) / n);
  assert.ok(Math.abs(zeros / n - p) < 5 * sigma, `dropped ${zeros / n}, expected ${p} (seed ${seed}, [${n}])`);
});

test('Dropout: the same seed gives the same mask', () => {
  const x = randn([50], { seed: 1 });
  const run = () => noGrad(() => new Dropout(0.5).useRandom(new Random(77)).forward(x)).dataSync();
  assert.deepEqual(run(), run());
});

test('Dropout: p outside [0, 1) is a LowbitError', () => {
  assert.throws(() => new Dropout(1), LowbitError);
  assert.throws(() => new Dropout(-0.1), LowbitError);
  assert.throws(() => new Dropout(NaN), LowbitError);
});
