import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { packSlices, SLICE, slicedWords, xnorGemmSliced } from './xnor-gemm-sliced.js';
import { xnorGemm } from './xnor-gemm.js';

const rows = (bits: boolean[][], k: number): Uint32Array => {
  const words = Math.ceil(k / 32), out = new Uint32Array(bits.length * words);
  bits.forEach((r, i) => r.forEach((b, p) => { if (b) out[i * words + (p >>> 5)]! |= 1 << (p & 31); }));
  return out;
};

test('packSlices: popcounts first, then bit p of row r at word 128 + 4p + r/32, bit r%32', () => {
  const k = 3, words = 1;
  const b = new Uint32Array(130 * words);
  b[0] = 0b101; b[33] = 0b010; b[129] = 0b111; // rows 0, 33 and 129 (the second slice's row 1)
  const t = packSlices(b, 130, k);
  assert.equal(t.length, slicedWords(130, k));
  assert.equal(t.length, 2 * (SLICE + 4 * k));
  assert.deepEqual([t[0], t[33], t[1]], [2, 1, 0]);
  assert.equal(t[SLICE + 0], 1); // p = 0: row 0
  assert.equal(t[SLICE + 4 * 1 + 1], 1 << 1); // p = 1: row 33 (word 1, bit 1)
  assert.equal(t[SLICE + 4 * 2], 1); // p = 2: row 0
  const second = SLICE + 4 * k;
  assert.equal(t[second + 1], 3);
  for (let p = 0; p < k; p++) assert.equal(t[second + SLICE + 4 * p], 1 << 1);
});

test('xnorGemmSliced equals xnorGemm on random shapes around the slice and word sizes', () => {
  fc.assert(fc.property(
    fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 70 }), fc.integer(),
    (m, n, k, seed) => {
      let s = seed >>> 0;
      const bit = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 16) % 3 === 0;
      const a = rows(Array.from({ length: m }, () => Array.from({ length: k }, bit)), k);
      const b = rows(Array.from({ length: n }, () => Array.from({ length: k }, bit)), k);
      const got = new Int32Array(m * n), want = new Int32Array(m * n);
      xnorGemmSliced(a, packSlices(b, n, k), got, m, n, k);
      xnorGemm(a, b, want, m, n, k);
      assert.deepEqual(got, want);
    }), { numRuns: 60 });
});
