import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkGradient } from '../autograd/check-gradient.js';
import { initDefaultBackend } from '../backends/default-backend.js';
import { randn, tensor } from '../tensor/creation.js';
import { sigmoid, tanh } from './activations.js';
import { concatRows, sliceRows } from './rows.js';

if (process.env['LOWBIT_BACKEND']) await initDefaultBackend();

test('sigmoid and tanh: values', () => {
  const x = [-3, -0.5, 0, 0.5, 3];
  sigmoid(tensor(x)).dataSync().forEach((v, i) => assert.ok(Math.abs(v - 1 / (1 + Math.exp(-x[i]!))) < 1e-7));
  tanh(tensor(x)).dataSync().forEach((v, i) => assert.ok(Math.abs(v - Math.tanh(x[i]!)) < 1e-7));
});

test('sigmoid and tanh: gradients match finite differences', () => {
  checkGradient(([x]) => sigmoid(x!), [randn([3, 5], { seed: 1, scale: 2 })], { seed: 1 });
  checkGradient(([x]) => tanh(x!), [randn([3, 5], { seed: 2, scale: 2 })], { seed: 2 });
});

test('sliceRows and concatRows: pieces and their gradients; bad ranges are errors', () => {
  const x = tensor([[1, 2], [3, 4], [5, 6]]);
  assert.deepEqual([...sliceRows(x, 1, 2).dataSync()], [3, 4, 5, 6]);
  assert.deepEqual([...concatRows([sliceRows(x, 2, 1), sliceRows(x, 0, 1)]).dataSync()], [5, 6, 1, 2]);
  checkGradient(([a, b]) => concatRows([sliceRows(a!, 1, 2), b!, sliceRows(a!, 0, 1)]), [randn([3, 2], { seed: 3 }), randn([1, 2], { seed: 4 })], { seed: 3 });
  assert.throws(() => sliceRows(x, 2, 2), /sliceRows: rows 2..3 are not inside a tensor of shape \[3,2\]/);
  assert.throws(() => concatRows([x, randn([1, 3])]), /concatRows: shapes \[3,2\] and \[1,3\]/);
  assert.throws(() => concatRows([]), /at least one/);
});
