import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initDefaultBackend } from '../backends/default-backend.js';
import { randn } from '../tensor/creation.js';
import { Embedding } from './embedding.js';

if (process.env['LOWBIT_BACKEND']) await initDefaultBackend();

test('Embedding: lookup returns the table rows; forward on floats and bad sizes are errors', () => {
  const e = new Embedding(5, 3, { seed: 2 }), table = e.weight.dataSync();
  assert.deepEqual([...e.lookup(Int32Array.from([4, 0])).dataSync()], [...table.slice(12, 15), ...table.slice(0, 3)]);
  assert.ok(table.every((v) => Math.abs(v) <= 0.1));
  assert.throws(() => e.forward(randn([2, 3])), /Embedding: forward takes no float tensor.*lookup\(ids\)/);
  assert.throws(() => e.lookup(Int32Array.from([5])), /id 5 at position 0 is outside the vocabulary 0..4/);
  assert.throws(() => new Embedding(0, 3), /vocabulary must be a positive integer/);
  assert.deepEqual(e.config(), { type: 'Embedding', vocabulary: 5, dim: 3, initRange: 0.1, seed: 2 });
});
