import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backward } from '../autograd/backward.js';
import { Tensor } from '../tensor/tensor.js';
import { linearQuantSte } from './linear-quant-ste.js';

const leaf = (values: number[]): Tensor => { const t = new Tensor(Float32Array.from(values), [values.length]); t.requiresGrad = true; return t; };

test('linearQuantSte: QNN-SPEC §3.2 example, 2 bits on [-1, 1]: 0.2 → 1/3', () => {
  const y = linearQuantSte(leaf([0.2, -0.2, 0.9, -3, 3, 0]), 4);
  const want = [1 / 3, -1 / 3, 1, -1, 1, 1 / 3];
  want.forEach((w, i) => assert.ok(Math.abs(y.dataSync()[i]! - w) < 1e-6, `element ${i}: ${y.dataSync()[i]} vs ${w}`));
});

test('linearQuantSte: the STE mask is exactly 1{lo <= x <= hi}, boundaries included', () => {
  const x = leaf([-1.5, -1, -0.3, 0, 0.7, 1, 1.01, 2]);
  const dy = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
  backward(linearQuantSte(x, 8), new Tensor(dy, [8]));
  assert.deepEqual([...x.grad!.dataSync()], [0, 2, 3, 4, 5, 6, 0, 0]);
});

test('linearQuantSte: a custom range [0, 2] with 3 levels {0, 1, 2}, mask follows the range', () => {
  const x = leaf([-0.5, 0.4, 0.5, 1.6, 2.5]);
  const y = linearQuantSte(x, 3, 0, 2);
  assert.deepEqual([...y.dataSync()], [0, 0, 1, 2, 2]);
  backward(y, new Tensor(new Float32Array(5).fill(1), [5]));
  assert.deepEqual([...x.grad!.dataSync()], [0, 1, 1, 1, 0]);
});

test('linearQuantSte: rejects 1 level and an empty range', () => {
  assert.throws(() => linearQuantSte(leaf([0]), 1), /levels/);
  assert.throws(() => linearQuantSte(leaf([0]), 4, 1, 1), /lo < hi/);
});
