import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkGradient } from '../autograd/check-gradient.js';
import { initDefaultBackend } from '../backends/default-backend.js';
import { randn, tensor } from '../tensor/creation.js';
import { embedding } from './embedding.js';

if (process.env['LOWBIT_BACKEND']) await initDefaultBackend();

test('embedding: gathers rows by id', () => {
  const table = tensor([[1, 2], [3, 4], [5, 6]]);
  assert.deepEqual([...embedding(table, Int32Array.from([2, 0, 2])).dataSync()], [5, 6, 1, 2, 5, 6]);
});

test('embedding: the table gradient sums repeated ids (finite differences)', () =>
  checkGradient(([t]) => embedding(t!, Int32Array.from([1, 3, 1, 0, 1])), [randn([4, 3], { seed: 1 })], { seed: 2 }));

test('embedding: an id outside the vocabulary or a table of the wrong rank is an error', () => {
  assert.throws(() => embedding(randn([4, 3]), Int32Array.from([0, 4])), /embedding: id 4 at position 1 is outside the vocabulary 0..3/);
  assert.throws(() => embedding(randn([4, 3]), Int32Array.from([-1])), /id -1/);
  assert.throws(() => embedding(randn([12]), Int32Array.from([0])), /\[vocabulary, dim\], got \[12\]/);
});
