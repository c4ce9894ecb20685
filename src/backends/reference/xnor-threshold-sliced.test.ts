import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { thresholdPack } from './threshold-pack.js';
import { packSlices } from './xnor-gemm-sliced.js';
import { packThresholdSlices, thresholdPlanes, xnorThresholdSliced } from './xnor-threshold-sliced.js';
import { xnorGemm } from './xnor-gemm.js';

test('thresholdPlanes: room for [−k − 1, 3k + 1] in two\'s complement', () => {
  for (const k of [1, 2, 5, 31, 784, 2048, 4096]) {
    const w = thresholdPlanes(k);
    assert.ok(3 * k + 1 < 2 ** (w - 1) && -k - 1 >= -(2 ** (w - 1)), `k ${k}: W ${w}`);
    assert.ok(3 * k + 1 >= 2 ** (w - 2), `k ${k}: W ${w} is one more than needed`);
  }
});

test('packThresholdSlices: D = clamp(lim) + 2·pop with the sign bit flipped, plane by plane', () => {
  const k = 2, w = thresholdPlanes(k); // 3k + 1 = 7: W = 4, values −8..7, stored as v + 8
  assert.equal(w, 4);
  const b = new Uint32Array([0b11, 0b01]); // pops 2 and 1
  const th = packThresholdSlices(packSlices(b, 2, k), new Int32Array([1, 0x7fffffff]), 2, k);
  // unit 0: D = 1 + 4 = 5 → 13 = 1101₂, E = 4 − 1 = 3 → 11 = 1011₂; unit 1: lim → k + 1 = 3,
  // D = 3 + 2 = 5 → 1101₂, E = 2 − 3 = −1 → 7 = 0111₂
  const bit = (plane: number, r: number) => (th[plane * 4]! >>> r) & 1;
  assert.deepEqual([0, 1, 2, 3].map((p) => bit(p, 0)), [1, 0, 1, 1]);
  assert.deepEqual([4, 5, 6, 7].map((p) => bit(p, 0)), [1, 1, 0, 1]);
  assert.deepEqual([0, 1, 2, 3].map((p) => bit(p, 1)), [1, 0, 1, 1]);
  assert.deepEqual([4, 5, 6, 7].map((p) => bit(p, 1)), [1, 1, 1, 0]);
});

test('xnorThresholdSliced equals thresholdPack of xnorGemm on random shapes, thresholds and flips', () => {
  fc.assert(fc.property(
    fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 260 }), fc.integer({ min: 1, max: 70 }), fc.integer(),
    (m, n, k, seed) => {
      let s = seed >>> 0;
      const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
      const rows = (count: number) => {
        const words = Math.ceil(k / 32), out = new Uint32Array(count * words);
        for (let r = 0; r < count; r++) for (let p = 0; p < k; p++) if (next() < 0.4) out[r * words + (p >>> 5)]! |= 1 << (p & 31);
        return out;
      };
      const a = rows(m), b = rows(n), words = Math.ceil(n / 32);
      const lim = Int32Array.from({ length: n }, () => (next() < 0.1 ? 0x7fffffff : Math.round((next() * 2.4 - 1.2) * k)));
      const flip = new Uint32Array(words);
      for (let j = 0; j < n; j++) if (next() < 0.5) flip[j >>> 5]! |= 1 << (j & 31);
      const t = packSlices(b, n, k), got = new Uint32Array(m * words), want = new Uint32Array(m * words), c = new Int32Array(m * n);
      xnorThresholdSliced(a, t, packThresholdSlices(t, lim, n, k), flip, got, m, n, k);
      xnorGemm(a, b, c, m, n, k);
      thresholdPack(c, m, n, null, 1, lim, flip, want);
      assert.deepEqual(got, want);
    }), { numRuns: 60 });
});
