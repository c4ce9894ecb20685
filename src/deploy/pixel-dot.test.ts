import assert from 'node:assert/strict';
import { test } from 'node:test';
import { packRows } from '../backends/reference/pack.js';
import { xnorGemm } from '../backends/reference/xnor-gemm.js';
import { Random } from '../tensor/random.js';
import { combinePlanes } from '../backends/reference/combine-planes.js';
import { packPlanes } from '../backends/reference/pack-planes.js';
import { pixelSum, PLANES, rowSums, scaledDot } from './pixel-dot.js';

test('QNN-SPEC §11 bit planes: for random 8-bit x and ±1 w the plane sums give x·w exactly', () => {
  const rng = new Random(3);
  for (const [k, count, n] of [[784, 3, 5], [33, 2, 4], [1, 1, 1], [64, 4, 3]] as const) {
    const pixels = new Uint8Array(count * k).map(() => (rng.uniform() < 0.3 ? 0 : rng.int(256)));
    const w = new Float32Array(n * k).map(() => (rng.uniform() < 0.5 ? -1 : 1));
    const words = Math.ceil(k / 32), packed = new Uint32Array(n * words);
    packRows(w, packed, n, k);
    const planes = new Uint32Array(count * PLANES * words), c = new Int32Array(count * PLANES * n), d = new Int32Array(count * n);
    packPlanes(pixels, count, k, planes);
    xnorGemm(planes, packed, c, count * PLANES, n, k);
    combinePlanes(c, count, PLANES, n, 1, d);
    const sums = rowSums(packed, n, k);
    for (let img = 0; img < count; img++) for (let j = 0; j < n; j++) {
      let dot = 0, sumW = 0;
      for (let i = 0; i < k; i++) { dot += pixels[img * k + i]! * w[j * k + i]!; sumW += w[j * k + i]!; }
      assert.equal(sums[j], sumW, `seed 3 k=${k} row ${j}`);
      assert.equal(pixelSum(d[img * n + j]!, sums[j]!), dot, `seed 3 k=${k} image ${img} unit ${j}`);
      let sym = 0;
      for (let i = 0; i < k; i++) sym += ((2 * pixels[img * k + i]!) / 255 - 1) * w[j * k + i]!;
      assert.ok(Math.abs(scaledDot('symmetric', dot, sumW) - sym) < 1e-9, 'x = 2p/255 − 1 folds to (2/255)·S − Σw');
    }
  }
});
