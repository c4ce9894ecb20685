import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkGradient } from '../autograd/check-gradient.js';
import { initDefaultBackend } from '../backends/default-backend.js';
import { randn, tensor, uniform } from '../tensor/creation.js';
import { batchNorm } from './batch-norm.js';
import { Tensor } from '../tensor/tensor.js';

/** Statistics as a tensor over the array itself: on a CPU backend its storage is that array, so
 *  the kernels' writes are read back from it. */
const host = (v: Float32Array): Tensor => new Tensor(v, [v.length]);

if (process.env['LOWBIT_BACKEND']) await initDefaultBackend();

const EPS = 1e-4;

test('batchNorm (train): normalises each column with the batch statistics and reports them', () => {
  const x = tensor([[1, 10], [3, 10], [5, 40]]);
  const mean = new Float32Array(2), invStd = new Float32Array(2);
  const y = batchNorm(x, tensor([1, 2]), tensor([0, 1]), { training: true, eps: EPS, mean: host(mean), invStd: host(invStd) });
  // column 0: mean 3, biased var 8/3; column 1: mean 20, var 200
  assert.ok(Math.abs(mean[0]! - 3) < 1e-6 && Math.abs(mean[1]! - 20) < 1e-5, `mean ${mean}`);
  assert.ok(Math.abs(invStd[0]! - 1 / Math.sqrt(8 / 3 + EPS)) < 1e-6, `invStd ${invStd}`);
  assert.ok(Math.abs(invStd[1]! - 1 / Math.sqrt(200 + EPS)) < 1e-6, `invStd ${invStd}`);
  const want = [-2 / Math.sqrt(8 / 3), 1 + 2 * -10 / Math.sqrt(200), 0, 1 + 2 * -10 / Math.sqrt(200), 2 / Math.sqrt(8 / 3), 1 + 2 * 20 / Math.sqrt(200)];
  want.forEach((w, i) => assert.ok(Math.abs(y.dataSync()[i]! - w) < 1e-4, `y[${i}] ${y.dataSync()[i]} vs ${w}`));
});

test('batchNorm (train): gradients of x, γ and β match finite differences', () => {
  const seed = 3;
  const inputs = [randn([6, 4], { seed }), uniform([4], 0.5, 2, { seed: seed + 1 }), randn([4], { seed: seed + 2 })];
  checkGradient(([x, g, b]) => batchNorm(x!, g!, b!, { training: true, eps: EPS, mean: host(new Float32Array(4)), invStd: host(new Float32Array(4)) }),
    inputs, { seed });
});

test('batchNorm (eval): uses the given statistics; gradients of x, γ and β match finite differences', () => {
  const seed = 5;
  const mean = Float32Array.from([0.5, -1, 0]), invStd = Float32Array.from([2, 0.5, 1]);
  const y = batchNorm(tensor([[1.5, 1, 2]]), tensor([1, 1, 3]), tensor([0, 1, -1]), { training: false, eps: EPS, mean: host(mean), invStd: host(invStd) });
  assert.deepEqual([...y.dataSync()], [2, 2, 5]);
  const inputs = [randn([5, 3], { seed }), randn([3], { seed: seed + 1 }), randn([3], { seed: seed + 2 })];
  checkGradient(([x, g, b]) => batchNorm(x!, g!, b!, { training: false, eps: EPS, mean: host(mean), invStd: host(invStd) }), inputs, { seed });
});

test('batchNorm: γ of the wrong size is an error naming both sizes; one row cannot train', () => {
  assert.throws(() => batchNorm(randn([2, 3]), randn([4]), randn([3]), { training: false, eps: EPS, mean: host(new Float32Array(3)), invStd: host(new Float32Array(3)) }),
    /3 channels but γ has 4/);
  assert.throws(() => batchNorm(randn([1, 3]), randn([3]), randn([3]), { training: true, eps: EPS, mean: host(new Float32Array(3)), invStd: host(new Float32Array(3)) }),
    /at least 2 rows/);
});
