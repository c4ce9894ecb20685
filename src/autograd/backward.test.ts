import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LowbitError } from '../errors/lowbit-error.js';
import { add, mul } from '../ops/arithmetic.js';
import { sum } from '../ops/reduce.js';
import { concatRows, sliceRows } from '../ops/rows.js';
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

test('backward: a sum handed on as it is is never added into afterwards (d/dx Σ 2x·3x + 2(2x + 3x) = 12x + 10)', () => {
  // s's gradient is a sum of two; add's backward hands that tensor to both p and q, and then
  // p·q's gradients arrive: added in place, p's and q's would be one tensor (dx = 25x + 10)
  const x = leaf(tensor([1, 2])), p = mul(x, tensor([2])), q = mul(x, tensor([3])), s = add(p, q);
  backward(sum(add(mul(p, q), add(s, s))));
  assert.deepEqual([...x.grad!.dataSync()], [22, 34]);
});

test('backward: row slices add into one gradient: overlapping, of a leaf and of an op, across two calls', () => {
  const x = leaf(tensor([[1, 2], [3, 4], [5, 6], [7, 8]]));
  const y = () => { const d = mul(x, tensor([2])); return sum(concatRows([sliceRows(x, 0, 2), sliceRows(x, 1, 2), sliceRows(d, 1, 3), x])); };
  backward(y());
  assert.deepEqual([...x.grad!.dataSync()], [2, 2, 5, 5, 4, 4, 3, 3]); // each row's uses: 1+0+0+1, 1+1+2+1, 0+1+2+1, 0+0+2+1
  backward(y());
  assert.deepEqual([...x.grad!.dataSync()], [4, 4, 10, 10, 8, 8, 6, 6]);
  checkGradient(([a]) => concatRows([sliceRows(a!, 1, 2), sliceRows(mul(a!, a!), 0, 3), sliceRows(a!, 2, 1)]), [randn([3, 2], { seed: 23 })], { seed: 23 });
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
