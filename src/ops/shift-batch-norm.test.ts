import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backward } from '../autograd/backward.js';
import { Random } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { batchNorm } from './batch-norm.js';
import { shiftBatchNorm } from './shift-batch-norm.js';

/** Statistics as a tensor over the array itself: on a CPU backend its storage is that array, so
 *  the kernels' writes are read back from it. */
const host = (v: Float32Array): Tensor => new Tensor(v, [v.length]);

const leaf = (data: Float32Array, shape: number[]): Tensor => { const t = new Tensor(data, shape); t.requiresGrad = true; return t; };

test('shiftBatchNorm: hand-computed column x = [0, 1, 3], γ = 3, β = 0.5 (QNN-SPEC §4.1)', () => {
  // μ = 4/3, c = [-4/3, -1/3, 5/3], AP2(c) = [-1, -1/4, 2], var = mean(AP2(c)·c) = 57/36,
  // 1/sqrt(var + ε) = 0.7947 → s = AP2 = 1, AP2(γ) = 4: y = 4c + 0.5
  const mean = new Float32Array(1), invStd = new Float32Array(1);
  const y = shiftBatchNorm(new Tensor(Float32Array.from([0, 1, 3]), [3, 1]), new Tensor(Float32Array.from([3]), [1]),
    new Tensor(Float32Array.from([0.5]), [1]), { training: true, eps: 1e-5, mean: host(mean), invStd: host(invStd) });
  const want = [-4 / 3, -1 / 3, 5 / 3].map((c) => 4 * c + 0.5);
  want.forEach((w, i) => assert.ok(Math.abs(y.dataSync()[i]! - w) < 1e-5, `y[${i}] = ${y.dataSync()[i]}, want ${w}`));
  assert.ok(Math.abs(mean[0]! - 4 / 3) < 1e-6);
  assert.ok(Math.abs(invStd[0]! - 1 / Math.sqrt(57 / 36 + 1e-5)) < 1e-6, `invStd ${invStd[0]} is the exact (pre-AP2) inverse std`);
});

test('shiftBatchNorm: where every AP2 is exact (c = ±1, γ = 1) forward and backward equal vanilla BN', () => {
  const rng = new Random(3), rows = 8, ch = 5;
  const xd = new Float32Array(rows * ch), dyd = new Float32Array(rows * ch);
  // each column: half μ+1, half μ-1 → c = ±1, var = 1, invStd ≈ 1 = AP2(invStd)
  for (let r = 0; r < rows; r++) for (let c = 0; c < ch; c++) xd[r * ch + c] = c * 0.75 - 2 + (r % 2 ? 1 : -1);
  for (let i = 0; i < dyd.length; i++) dyd[i] = rng.uniform() * 2 - 1;
  const run = (f: typeof batchNorm): Tensor[] => {
    const x = leaf(Float32Array.from(xd), [rows, ch]), gamma = leaf(new Float32Array(ch).fill(1), [ch]);
    const beta = leaf(Float32Array.from({ length: ch }, (_, c) => c / 10), [ch]);
    const y = f(x, gamma, beta, { training: true, eps: 1e-5, mean: host(new Float32Array(ch)), invStd: host(new Float32Array(ch)) });
    backward(y, new Tensor(Float32Array.from(dyd), [rows, ch]));
    return [y, x.grad!, gamma.grad!, beta.grad!];
  };
  const shifted = run(shiftBatchNorm), vanilla = run(batchNorm);
  ['y', 'dx', 'dγ', 'dβ'].forEach((what, k) => {
    const a = shifted[k]!.dataSync(), b = vanilla[k]!.dataSync();
    for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 1e-4, `${what}[${i}]: shift ${a[i]} vs vanilla ${b[i]} (seed 3, [${rows},${ch}])`);
  });
});

test('shiftBatchNorm: backward is Torch\'s rule with AP2 values, checked on random data', () => {
  const rng = new Random(5), rows = 6, ch = 3;
  const xd = Float32Array.from({ length: rows * ch }, () => rng.normal() * 3);
  const dyd = Float32Array.from({ length: rows * ch }, () => rng.normal());
  const g = Float32Array.from([0.7, -1.6, 2.9]);
  const x = leaf(Float32Array.from(xd), [rows, ch]), gamma = leaf(Float32Array.from(g), [ch]), beta = leaf(new Float32Array(ch), [ch]);
  backward(shiftBatchNorm(x, gamma, beta, { training: true, eps: 1e-5, mean: host(new Float32Array(ch)), invStd: host(new Float32Array(ch)) }), new Tensor(dyd, [rows, ch]));
  // the oracle: QNN-SPEC §4.1's formulas written out per column in float64
  const p2 = (v: number): number => (v === 0 ? 0 : Math.sign(v) * 2 ** Math.floor(Math.log2(Math.abs(v)) + 0.5));
  for (let c = 0; c < ch; c++) {
    const col = (a: Float32Array): number[] => Array.from({ length: rows }, (_, r) => a[r * ch + c]!);
    const xs = col(xd), dy = col(dyd), mu = xs.reduce((s, v) => s + v, 0) / rows;
    const cs = xs.map((v) => v - mu), cq = cs.map(p2);
    const s = p2(1 / Math.sqrt(cs.reduce((acc, v, i) => acc + v * cq[i]!, 0) / rows + 1e-5));
    const mdy = dy.reduce((a, v) => a + v, 0) / rows, mcdy = dy.reduce((a, v, i) => a + v * cq[i]!, 0) / rows;
    for (let r = 0; r < rows; r++) {
      const want = p2(g[c]!) * s * (dy[r]! - mdy - s * s * cq[r]! * mcdy);
      assert.ok(Math.abs(x.grad!.dataSync()[r * ch + c]! - want) < 1e-4 * (1 + Math.abs(want)), `dx[${r},${c}] ${x.grad!.dataSync()[r * ch + c]} vs ${want} (seed 5)`);
    }
    const dgamma = dy.reduce((a, v, i) => a + v * p2(cs[i]! * s), 0);
    assert.ok(Math.abs(gamma.grad!.dataSync()[c]! - dgamma) < 1e-4 * (1 + Math.abs(dgamma)), `dγ[${c}]`);
    assert.ok(Math.abs(beta.grad!.dataSync()[c]! - mdy * rows) < 1e-5, `dβ[${c}]`);
  }
});

test('shiftBatchNorm: eval uses the given statistics: (x - mean)·AP2(invStd)·AP2(γ) + β', () => {
  const y = shiftBatchNorm(new Tensor(Float32Array.from([2, -1]), [2, 1]), new Tensor(Float32Array.from([1.5]), [1]),
    new Tensor(Float32Array.from([0.25]), [1]), { training: false, eps: 1e-5, mean: host(Float32Array.from([0.5])), invStd: host(Float32Array.from([0.3])) });
  // AP2(0.3) = 0.25, AP2(1.5) = 2
  assert.deepEqual([...y.dataSync()], [(2 - 0.5) * 0.5 + 0.25, (-1 - 0.5) * 0.5 + 0.25]);
});
