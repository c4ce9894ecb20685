import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backward } from '../autograd/backward.js';
import { Tensor } from '../tensor/tensor.js';
import { logQuantSte } from './log-quant-ste.js';

const leaf = (values: number[]): Tensor => { const t = new Tensor(Float32Array.from(values), [values.length]); t.requiresGrad = true; return t; };

test('logQuantSte: powers of two, underflow to 0, saturation at 2^eMax', () => {
  const y = logQuantSte(leaf([0.3, -0.7, 0.75, 3, -5, 0.05, 0]), -3, 1);
  assert.deepEqual([...y.dataSync()], [0.25, -0.5, 1, 2, -2, 0, 0]);
});

test('logQuantSte: identity STE by default, exactly dy', () => {
  const x = leaf([0.3, -9, 0.01]);
  backward(logQuantSte(x, -3, 0), new Tensor(Float32Array.from([1, 2, 3]), [3]));
  assert.deepEqual([...x.grad!.dataSync()], [1, 2, 3]);
});

test('logQuantSte: cancelOutside zeroes the gradient exactly where |x| > 2^eMax', () => {
  const x = leaf([0.3, -9, 2, 2.01, -2]);
  backward(logQuantSte(x, -3, 1, true), new Tensor(Float32Array.from([1, 2, 3, 4, 5]), [5]));
  assert.deepEqual([...x.grad!.dataSync()], [1, 0, 3, 0, 5]);
});
