import { test } from 'node:test';
import assert from 'node:assert/strict';
import { datasetFromArrays } from './from-arrays.js';
import { symmetricEigen } from './symmetric-eigen.js';
import { applyWhitening, fitWhitening, GCN_SCALE, whitenSplits, ZCA_FILTER_BIAS } from './whiten.js';
import { Random } from '../tensor/random.js';

/** n correlated random "images" of f bytes: a few shared factors plus noise, seeded. */
function correlated(n: number, f: number, seed: number) {
  const rng = new Random(seed), images = new Uint8Array(n * f);
  for (let i = 0; i < n; i++) {
    const a = rng.normal(), b = rng.normal();
    for (let j = 0; j < f; j++) images[i * f + j] = Math.max(0, Math.min(255, Math.round(128 + 40 * a * Math.sin(j) + 30 * b * (j % 3) + 15 * rng.normal())));
  }
  return datasetFromArrays(`corr-${seed}`, images, Array.from({ length: n }, (_, i) => i % 10), [2, 2, 3]);
}

test('symmetricEigen: V·diag(λ)·Vᵀ rebuilds random symmetric matrices, V orthonormal, λ ascending', () => {
  for (const [n, seed] of [[1, 1], [2, 2], [7, 3], [40, 4]] as const) {
    const rng = new Random(seed), a = new Float64Array(n * n);
    for (let r = 0; r < n; r++) for (let c = r; c < n; c++) { const v = rng.normal(); a[r * n + c] = v; a[c * n + r] = v; }
    const { values, vectors: v } = symmetricEigen(a, n);
    for (let i = 1; i < n; i++) assert.ok(values[i - 1]! <= values[i]!, `n ${n} seed ${seed}: ascending`);
    for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) {
      let rebuilt = 0, dot = 0;
      for (let k = 0; k < n; k++) { rebuilt += v[r * n + k]! * values[k]! * v[c * n + k]!; dot += v[k * n + r]! * v[k * n + c]!; }
      assert.ok(Math.abs(rebuilt - a[r * n + c]!) < 1e-9, `n ${n} seed ${seed}: a[${r},${c}]`);
      assert.ok(Math.abs(dot - (r === c ? 1 : 0)) < 1e-9, `n ${n} seed ${seed}: VᵀV[${r},${c}]`);
    }
  }
});

test('gcnZca: whitened training data has about identity covariance (up to the filter bias), deterministic', () => {
  const n = 3000, f = 12, train = correlated(n, f, 7);
  const y = applyWhitening(fitWhitening(train), train);
  const w = fitWhitening(train);
  // the exact covariance of the whitened set is C(C + bias)⁻¹: eigenvalues λ/(λ + bias) ≤ 1, so
  // directions with variance ≫ bias come out at 1; compare with that, not a loose "about 1"
  const cov = new Float64Array(f * f), mean = new Float64Array(f);
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) mean[j] = mean[j]! + y[i * f + j]! / n;
  for (let i = 0; i < n; i++) for (let r = 0; r < f; r++) for (let c = 0; c < f; c++) cov[r * f + c] = cov[r * f + c]! + (y[i * f + r]! - mean[r]!) * (y[i * f + c]! - mean[c]!) / n;
  for (let j = 0; j < f; j++) assert.ok(Math.abs(mean[j]!) < 1e-4, `mean ${j}: ${mean[j]}`);
  const eig = symmetricEigen(cov, f).values;
  // GCN removes one direction (each image's own mean): one eigenvalue is 0, the rest near 1
  assert.ok(Math.abs(eig[0]!) < 1e-3, `the GCN direction: ${eig[0]}`);
  for (let k = 1; k < f; k++) assert.ok(eig[k]! > 0.99 && eig[k]! < 1 + 1e-4, `eigenvalue ${k} of the whitened covariance: ${eig[k]} (bias ${ZCA_FILTER_BIAS}, scale ${GCN_SCALE})`);
  for (let r = 0; r < f; r++) for (let c = 0; c < f; c++) if (r !== c) assert.ok(Math.abs(cov[r * f + c]!) < 0.1, `cov[${r},${c}] = ${cov[r * f + c]}`);
  assert.deepEqual(applyWhitening(w, train), y, 'deterministic');
});

test('gcnZca: fitted on train only, applied to every split as float32; images kept', () => {
  const train = correlated(500, 12, 1), test = correlated(200, 12, 2);
  const out = whitenSplits({ train, test }, 'gcnZca');
  assert.ok(out.test.values instanceof Float32Array && out.test.values.length === 200 * 12);
  assert.deepEqual(out.test.values, applyWhitening(fitWhitening(train), test));
  assert.notDeepEqual(out.test.values, applyWhitening(fitWhitening(test), test), 'the test split does not fit its own whitening');
  assert.equal(out.train.images, train.images);
});
