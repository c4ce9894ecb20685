import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random } from '../../tensor/random.js';
import { bitSerialLogGemm } from './bit-serial-log-gemm.js';
import { packRows } from './pack.js';
import { packLogPlanes } from './pack-log-planes.js';

// The bit-serial product against the float product of the same quantized values, computed
// directly in float64 (exact for these operands) and rounded once to float32: equal bit for bit.

function logValues(rng: Random, length: number, eMin: number, planes: number): Float32Array {
  return Float32Array.from({ length }, () => (rng.uniform() < 0.15 ? 0 : (rng.uniform() < 0.5 ? -1 : 1) * 2 ** (eMin + rng.int(planes))));
}

test('bitSerialLogGemm equals G·Sᵀ exactly, k not a multiple of 32, m = 1, 31 exponent planes', () => {
  const planes = 31;
  for (const [m, n, k] of [[1, 1, 1], [1, 5, 31], [1, 3, 33], [2, 7, 100], [4, 3, 257], [3, 1, 64]] as [number, number, number][]) {
    for (const eMin of [-40, -8]) {
      const seed = m * 1000 + n * 10 + k, rng = new Random(seed);
      const g = logValues(rng, m * k, eMin, planes), signs = Float32Array.from({ length: n * k }, () => (rng.uniform() < 0.5 ? -1 : 1));
      const scale = Int32Array.of(eMin, eMin + planes - 1), words = Math.ceil(k / 32), sign = new Uint32Array(m * words), planeBits = new Uint32Array(m * planes * words), s = new Uint32Array(n * words);
      packLogPlanes(g, m, k, scale, planes, sign, planeBits);
      packRows(signs, s, n, k);
      const got = new Float32Array(m * n);
      bitSerialLogGemm(sign, planeBits, planes, scale, s, got, m, n, k);
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
        let dot = 0;
        for (let p = 0; p < k; p++) dot += g[i * k + p]! * signs[j * k + p]!;
        assert.equal(got[i * n + j], Math.fround(dot), `seed ${seed} m=${m} n=${n} k=${k} eMin=${eMin} at [${i},${j}]`);
      }
    }
  }
});

test('packLogPlanes: one plane bit per nonzero value, sign bit for negatives, zeros set nothing', () => {
  const sign = new Uint32Array(1), planeBits = new Uint32Array(3);
  // eMin -1, 3 planes: 2^-1 → plane 0, 2^0 → plane 1, 2^1 → plane 2
  packLogPlanes(Float32Array.from([0.5, -1, 0, 2, -0.5]), 1, 5, Int32Array.of(-1, 1), 3, sign, planeBits);
  assert.equal(sign[0], 0b10010);
  assert.deepEqual([...planeBits], [0b10001, 0b00010, 0b01000]);
});
