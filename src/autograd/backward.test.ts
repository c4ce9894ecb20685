import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LowbitError } from '../errors/lowbit-error.js';
import { add, mul } from '../ops/arithmetic.js';
import { sum } from '../ops/reduce.js';
import { randn, tensor } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { backward } from './backward.js';
import { checkGradient } from './check-gradient.js';

function leaf(t: Tensor): Tensor { t.requiresGrad = true; return t; }

test('backward: a tensor used twice accumulates both gradients (d(x·x)/dx = 2x)', () => {
  const x = leaf(tensor([1, -2, 3]));
  backward(sum(mul(x, x)));
  assert.deepEqual([...x.grad!.dataSync()], [2, -4, 6]);
});

test('backward: a diamond graph, z = Σ (x·w + x) · x, gives dz/dx = 2xw + 2x and dz/dw = x²', () => {
  const x = leaf(tensor([1, 2])), w = leaf(tensor([3, -1]));
  const h = add(mul(x, w), x); // x reaches z through three paths
  backward(sum(mul(h, x)));
  assert.deepEqual([...x.grad!.dataSync()], [2 * 1 * 3 + 2 * 1, 2 * 2 * -1 + 2 * 2]);
  assert.deepEqual([...w.grad!.dataSync()], [1, 4]);
});

test('backward: gradients accumulate across two backward calls until cleared', () => {
  const x = leaf(tensor([1, 2]));
  backward(sum(x));
  backward(sum(x));
  assert.deepEqual([...x.grad!.dataSync()], [2, 2]);
});

test('backward: shared subexpressions match finite differences', () =>
  checkGradient(([a, b]) => { const s = mul(a!, b!); return mul(add(s, a!), s); }, [randn([3, 4], { seed: 21 }), randn([3, 4], { seed: 22 })], { seed: 21 }));

test('backward: a non-scalar without a seed is an error naming its shape', () => {
  const x = leaf(randn([2, 3]));
  assert.throws(() => backward(mul(x, x)), (e: Error) => e instanceof LowbitError && e.message.includes('[2,3]') && /seed/.test(e.message));
});

test('backward: a tensor that needs no gradient is an error', () => {
  assert.throws(() => backward(sum(randn([3]))), LowbitError);
});
