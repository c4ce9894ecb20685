import assert from 'node:assert/strict';
import { test } from 'node:test';
import { packRows } from './pack.js';
import { xnorGemm } from './xnor-gemm.js';

// The reference kernels against hand-computed values (QNN-SPEC §11), not against themselves.

// §11 writes the example in BinaryNet's convention (bit 1 = +1): a → 1001₂ = 9, w → 0011₂ = 3.
// Ours is the complement (bit 1 = -1, the float sign bit; DESIGN.md): a → 0110₂ = 6,
// w → 1100₂ = 12. The XOR is the same either way, 1010₂, so popcount 2 and dot 4 - 2·2 = 0.
test('xnor dot, QNN-SPEC §11: a=[+1,-1,-1,+1], w=[+1,+1,-1,-1] → XOR 1010₂, dot 0', () => {
  const a = new Uint32Array(1), w = new Uint32Array(1);
  packRows(new Float32Array([1, -1, -1, 1]), a, 1, 4);
  packRows(new Float32Array([1, 1, -1, -1]), w, 1, 4);
  assert.equal(a[0], ~9 & 0xf);
  assert.equal(w[0], ~3 & 0xf);
  assert.equal(a[0]! ^ w[0]!, 9 ^ 3);
  const c = new Int32Array(1);
  xnorGemm(a, w, c, 1, 1, 4);
  assert.equal(c[0], 0);
});

test('packRows: sign(0) = +1, and -0 packs as +1 (bit 0)', () => {
  const out = new Uint32Array(1);
  packRows(new Float32Array([0, -0, -1e-30, 1e-30]), out, 1, 4);
  assert.equal(out[0], 0b0100);
});

test('xnor dot equals the true dot of random ±1 vectors, K in {1,31,32,33,100,784,4096}', () => {
  let s = 12345; // LCG: the values only need to be arbitrary and repeatable
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (const k of [1, 31, 32, 33, 100, 784, 4096]) {
    const x = Float32Array.from({ length: k }, () => (next() < 0.5 ? -1 : 1));
    const y = Float32Array.from({ length: k }, () => (next() < 0.5 ? -1 : 1));
    let dot = 0;
    for (let i = 0; i < k; i++) dot += x[i]! * y[i]!;
    const words = Math.ceil(k / 32);
    const px = new Uint32Array(words), py = new Uint32Array(words), c = new Int32Array(1);
    packRows(x, px, 1, k);
    packRows(y, py, 1, k);
    xnorGemm(px, py, c, 1, 1, k);
    assert.equal(c[0], dot, `seed 12345, K=${k}`);
  }
});
