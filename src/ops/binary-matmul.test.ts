import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backward } from '../autograd/backward.js';
import { initDefaultBackend } from '../backends/default-backend.js';
import { Random } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { checkGradient } from '../autograd/check-gradient.js';
import { binaryMatmulT, signWeightMatmulSteT } from './binary-matmul.js';
import { matmulT } from './matmul.js';

if (process.env['LOWBIT_BACKEND']) await initDefaultBackend();

// binaryMatmulT only accepts ±1 inputs, where finite differences mean nothing: its forward and
// backward are checked against matmulT (float GEMM) on the same ±1 tensors instead.

function plusMinusOne(shape: [number, number], rng: Random): Tensor {
  const t = new Tensor(new Float32Array(shape[0] * shape[1]).map(() => (rng.uniform() < 0.5 ? -1 : 1)), shape);
  t.requiresGrad = true;
  return t;
}

/** Gradients of Σ f(a, b) ⊙ r for fresh leaf copies of a and b. */
function grads(f: (a: Tensor, b: Tensor) => Tensor, a: Tensor, b: Tensor, r: Float32Array): [Tensor, Float32Array, Float32Array] {
  const leaf = (t: Tensor) => { const c = new Tensor(Float32Array.from(t.dataSync()), t.shape); c.requiresGrad = true; return c; };
  const la = leaf(a), lb = leaf(b), y = f(la, lb);
  backward(y, new Tensor(r, y.shape));
  return [y, la.grad!.dataSync(), lb.grad!.dataSync()];
}

// m, n across a word of packed columns (the backward packs along m and n), k around word edges
const SHAPES: [number, number, number][] = [[1, 1, 1], [3, 5, 31], [4, 2, 32], [2, 6, 33], [35, 40, 100], [2, 3, 784]];

for (const [i, [m, n, k]] of SHAPES.entries()) {
  test(`binaryMatmulT: forward and backward equal matmulT on ±1 inputs, m=${m} n=${n} k=${k}`, () => {
    const seed = 50 + i, rng = new Random(seed), what = `seed ${seed}, a [${m},${k}], b [${n},${k}]`;
    const a = plusMinusOne([m, k], rng), b = plusMinusOne([n, k], rng);
    const r = new Float32Array(m * n).map(() => rng.uniform() * 2 - 1);
    const [yBin, daBin, dbBin] = grads(binaryMatmulT, a, b, r);
    const [yFloat, daFloat, dbFloat] = grads(matmulT, a, b, r);
    assert.deepEqual(yBin.shape, [m, n]);
    assert.deepEqual(yBin.dataSync(), yFloat.dataSync(), `forward: ${what}`); // integers: exact
    // sums of ±r in float32: the two kernels may round in a different order on a fast backend
    for (const [got, want, name] of [[daBin, daFloat, 'da'], [dbBin, dbFloat, 'db']] as const) {
      for (let j = 0; j < want.length; j++) {
        assert.ok(Math.abs(got[j]! - want[j]!) <= 1e-5 * (1 + Math.abs(want[j]!)), `${name}[${j}]: ${got[j]} vs ${want[j]} (${what})`);
      }
    }
  });
}

test('binaryMatmulT: inner dims must agree', () => {
  const rng = new Random(3);
  assert.throws(() => binaryMatmulT(plusMinusOne([2, 3], rng), plusMinusOne([2, 4], rng)), /binaryMatmulT.*\[2,3\].*\[2,4\]/);
});

// signWeightMatmulSteT: float x times sign(w)ᵀ. Its forward is linear in x, so finite differences
// check dx; dw is the straight-through one: matmulT's gradient wrt sign(w), cancelled where |w| > clip.
const SIGN_WEIGHT_SHAPES: [number, number, number][] = [[1, 1, 1], [3, 70, 33], [9, 65, 100], [2, 3, 784]];
for (const [i, [m, n, k]] of SIGN_WEIGHT_SHAPES.entries()) {
  test(`signWeightMatmulSteT: forward, dx and the STE dw, m=${m} n=${n} k=${k}`, () => {
    const seed = 70 + i, rng = new Random(seed), what = `seed ${seed}, x [${m},${k}], w [${n},${k}]`;
    const x = new Tensor(new Float32Array(m * k).map(() => rng.uniform() * 2 - 1), [m, k]);
    // latent weights, some outside [-1, 1] so the cancelling shows
    const w = new Tensor(new Float32Array(n * k).map(() => rng.uniform() * 3 - 1.5), [n, k]);
    const signs = new Tensor(w.dataSync().map((v) => (v >= 0 ? 1 : -1)), [n, k]);
    const r = new Float32Array(m * n).map(() => rng.uniform() * 2 - 1);
    const [y, dx, dw] = grads((a, b) => signWeightMatmulSteT(a, b, 1), x, w, r);
    const [yFloat, dxFloat, dsFloat] = grads(matmulT, x, signs, r);
    const near = (got: ArrayLike<number>, want: ArrayLike<number>, name: string) => {
      for (let j = 0; j < want.length; j++) {
        assert.ok(Math.abs(got[j]! - want[j]!) <= 1e-5 * (k + Math.abs(want[j]!)), `${name}[${j}]: ${got[j]} vs ${want[j]} (${what})`);
      }
    };
    near(y.dataSync(), yFloat.dataSync(), 'y');
    near(dx, dxFloat, 'dx');
    near(dw, dsFloat.map((g, j) => (Math.abs(w.dataSync()[j]!) <= 1 ? g : 0)), 'dw');
    assert.ok(dw.some((g, j) => Math.abs(w.dataSync()[j]!) > 1 && g === 0 && dsFloat[j] !== 0) || m * n * k < 4, `some gradient cancelled (${what})`);
    checkGradient(([a]) => signWeightMatmulSteT(a!, w, 1), [x], { seed });
  });
}
