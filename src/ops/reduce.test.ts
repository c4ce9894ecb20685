import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkGradient } from '../autograd/check-gradient.js';
import { initDefaultBackend } from '../backends/default-backend.js';
import { randn, tensor } from '../tensor/creation.js';
import { mean, sum } from './reduce.js';

if (process.env['LOWBIT_BACKEND']) await initDefaultBackend();

test('sum and mean: values', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual([...sum(x).dataSync()], [21]);
  assert.deepEqual([...mean(x).dataSync()], [3.5]);
});

test('sum: gradient matches finite differences', () => checkGradient(([x]) => sum(x!), [randn([3, 5], { seed: 1 })], { seed: 1 }));
test('mean: gradient matches finite differences', () => checkGradient(([x]) => mean(x!), [randn([2, 3, 4], { seed: 2 })], { seed: 2 }));
