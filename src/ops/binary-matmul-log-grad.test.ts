import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backward } from '../autograd/backward.js';
import { gradQuantLog } from '../quant/grad-quant-log.js';
import { Random } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { binaryMatmulTLogGrad } from './binary-matmul-log-grad.js';
import { quantizeGradient } from './quantize-gradient.js';

const signs = (rng: Random, shape: [number, number]): Tensor => {
  const t = new Tensor(Float32Array.from({ length: shape[0] * shape[1] }, () => (rng.uniform() < 0.5 ? -1 : 1)), shape);
  t.requiresGrad = true;
  return t;
};

test('binaryMatmulTLogGrad: da = Q(dy)·b and db = Q(dy)ᵀ·a exactly, on awkward sizes', () => {
  for (const [m, n, k] of [[1, 5, 33], [3, 40, 100], [37, 3, 31], [2, 1, 1]] as [number, number, number][]) {
    const seed = m * 10000 + n * 100 + k, rng = new Random(seed);
    const a = signs(rng, [m, k]), b = signs(rng, [n, k]);
    const dy = Float32Array.from({ length: m * n }, () => rng.normal() * 10 ** (rng.uniform() * 4 - 3));
    const y = binaryMatmulTLogGrad(a, b);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let p = 0; p < k; p++) dot += a.dataSync()[i * k + p]! * b.dataSync()[j * k + p]!;
      assert.equal(y.dataSync()[i * n + j], dot, `forward seed ${seed}`);
    }
    backward(y, new Tensor(Float32Array.from(dy), [m, n]));
    const g = gradQuantLog(dy).values;
    for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) {
      let want = 0;
      for (let j = 0; j < n; j++) want += g[i * n + j]! * b.dataSync()[j * k + p]!;
      assert.equal(a.grad!.dataSync()[i * k + p], Math.fround(want), `da[${i},${p}] seed ${seed} m=${m} n=${n} k=${k}`);
    }
    for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) {
      let want = 0;
      for (let i = 0; i < m; i++) want += g[i * n + j]! * a.dataSync()[i * k + p]!;
      assert.equal(b.grad!.dataSync()[j * k + p], Math.fround(want), `db[${j},${p}] seed ${seed} m=${m} n=${n} k=${k}`);
    }
  }
});

test('quantizeGradient: identity forward, the backward gradient is gradQuantLog(dy)', () => {
  const x = new Tensor(Float32Array.from([1, 2, 3]), [3]);
  x.requiresGrad = true;
  const y = quantizeGradient(x);
  assert.deepEqual([...y.dataSync()], [1, 2, 3]);
  backward(y, new Tensor(Float32Array.from([0.3, -0.7, 1e-12]), [3]));
  assert.deepEqual([...x.grad!.dataSync()], [0.25, -0.5, 0]);
});
