import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkGradient } from '../autograd/check-gradient.js';
import { initDefaultBackend } from '../backends/default-backend.js';
import { ShapeError } from '../errors/shape-error.js';
import { randn, tensor } from '../tensor/creation.js';
import { matmul, matmulT } from './matmul.js';

if (process.env['LOWBIT_BACKEND']) await initDefaultBackend();

test('matmul: [2,3]·[3,2] by hand', () => {
  const y = matmul(tensor([[1, 2, 3], [4, 5, 6]]), tensor([[1, 0], [0, 1], [1, 1]]));
  assert.deepEqual(y.shape, [2, 2]);
  assert.deepEqual([...y.dataSync()], [4, 5, 10, 11]);
});

test('matmulT: a·bᵀ equals matmul with b transposed by hand', () => {
  const y = matmulT(tensor([[1, 2, 3], [4, 5, 6]]), tensor([[1, 0, 1], [0, 1, 1]]));
  assert.deepEqual([...y.dataSync()], [4, 5, 10, 11]);
});

for (const [m, k, n, seed] of [[3, 4, 5, 1], [1, 7, 2, 2], [6, 1, 3, 3]] as const) {
  test(`matmul: gradient matches finite differences, [${m},${k}]·[${k},${n}] (seed ${seed})`, () =>
    checkGradient(([a, b]) => matmul(a!, b!), [randn([m, k], { seed }), randn([k, n], { seed: seed + 100 })], { seed }));
  test(`matmulT: gradient matches finite differences, [${m},${k}]·[${n},${k}]ᵀ (seed ${seed})`, () =>
    checkGradient(([a, b]) => matmulT(a!, b!), [randn([m, k], { seed }), randn([n, k], { seed: seed + 100 })], { seed }));
}

test('matmul / matmulT: inner dims must agree (ShapeError with both shapes)', () => {
  assert.throws(() => matmul(randn([2, 3]), randn([4, 2])), (e: Error) => e instanceof ShapeError && /\[2,3\].*\[4,2\]/.test(e.message));
  assert.throws(() => matmulT(randn([2, 3]), randn([2, 4])), ShapeError);
});
