import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { referenceKernels as ref } from '../reference/index.js';
import { loadWasmKernels } from './index.js';
import { packRowLists, rowListWords } from './row-lists.js';
import { rowSlicedPays } from './xnor-threshold-row-sliced.js';

const wasm = await loadWasmKernels();
after(() => wasm.setThreads(2));

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
}
/** m packed rows of k bits, each bit 1 with probability `density` (bits past k 0). */
function rows(next: () => number, m: number, k: number, density: number): Uint32Array {
  const words = Math.ceil(k / 32), out = new Uint32Array(m * words);
  for (let r = 0; r < m; r++) for (let p = 0; p < k; p++) if (next() < density) out[r * words + (p >>> 5)]! |= 1 << (p & 31);
  return out;
}

test('packRowLists: each pair\'s header, then its shared positions (a multiple of 8) and each row\'s own, at the fixed stride', () => {
  // k = 5: row 0 = 0b00101 (2 ones: listed), row 1 = 0b11101 (4 ones: its zero at p = 1 listed); nothing shared
  // each own list padded to a multiple of 8 with 16·32·ceil(k/32) = 512, the kernel's zero row
  const lists = packRowLists(new Uint32Array([0b00101, 0b11101]), 2, 5);
  assert.equal(lists.length, rowListWords(2, 5));
  assert.deepEqual([...lists.subarray(0, 8)], [0, 0, 1, 2, 1, 0b10, 0, 0]);
  assert.deepEqual([...lists.subarray(8, 24)], [0, 32, ...new Array(6).fill(512), 16, ...new Array(7).fill(512)]);
  // k = 32: row 0 lists 0..15, row 1 0..7 and 16..23, row 2 1..16; row 0 shares 15 with row 2
  // (8 with row 1), so they pair on 1..8, and row 1 is left alone
  const offsets = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => 16 * (from + i));
  const three = packRowLists(new Uint32Array([0x0000ffff, 0x00ff00ff, 0x0001fffe]), 3, 32);
  assert.equal(three.length, rowListWords(3, 32));
  assert.deepEqual([...three.subarray(0, 16)], [8, 0, 2, 8, 8, 0, 0, 0, 0, 1, 0xffffffff, 16, 0, 0, 0, 0]);
  assert.deepEqual([...three.subarray(16, 40)], [...offsets(1, 8), 0, ...offsets(9, 15), ...offsets(9, 16)]);
  assert.deepEqual([...three.subarray(64, 80)], [...offsets(0, 7), ...offsets(16, 23)]);
});

test('binaryThreshold on many rows (the row-sliced kernel) equals thresholdPack of xnorGemm: ragged slices, '
  + 'dense and sparse rows, extreme thresholds, 1 and 2 threads', async () => {
  // m around the 128-row slices and the 32-row groups of the transposes, n around words, k around
  // words and CNV's conv depths; weight rows mostly 1 or mostly 0 so both list modes occur
  const shapes: [number, number, number][] = [
    [96, 1, 1], [100, 33, 31], [255, 64, 576], [300, 31, 33], [511, 130, 64], [640, 5, 1152], [1000, 96, 75], [256, 256, 2], [2100, 300, 33],
  ];
  for (const threads of [1, 2]) {
    await wasm.setThreads(threads);
    for (const [i, [m, n, k]] of shapes.entries()) {
      assert.ok(rowSlicedPays(m, n), `${m} × ${n} takes the row-sliced kernel`);
      const next = lcg(1000 * threads + i), density = [0.5, 0.9, 0.1, 1, 0][i % 5]!;
      const a = rows(next, m, k, [0.5, 0.2, 0.8][i % 3]!), b = rows(next, n, k, density);
      // odd shapes: weight rows near one row or its negation (pairs that share most positions,
      // across list modes)
      if (i % 2 === 1) {
        const words = Math.ceil(k / 32), base = rows(next, 1, k, 0.5), noise = rows(next, n, k, 0.05);
        for (let j = 0; j < n; j++) for (let q = 0; q < words; q++) {
          const valid = q === words - 1 && k % 32 !== 0 ? 2 ** (k % 32) - 1 : 0xffffffff;
          b[j * words + q] = (((j % 3 === 0 ? ~base[q]! : base[q]!) ^ noise[j * words + q]!) & valid) >>> 0;
        }
      }
      const lim = Int32Array.from({ length: n }, () => {
        const r = next();
        return r < 0.05 ? 0x7fffffff : r < 0.1 ? -0x80000000 : r < 0.15 ? k + 1 : r < 0.2 ? -k : Math.round((next() * 2.2 - 1.1) * k);
      });
      const words = Math.ceil(n / 32), flip = rows(next, 1, n, 0.5), c = new Int32Array(m * n), want = new Uint32Array(m * words);
      ref.xnorGemm(a, b, c, m, n, k);
      ref.thresholdPack(c, m, n, null, 1, lim, flip, want);
      const w = wasm.prepareBinaryWeights(b, n, k), t = wasm.prepareBinaryThreshold(w, lim, flip);
      const got = new Uint32Array(m * words).fill(0xdeadbeef);
      wasm.binaryThreshold(a, t, got, m);
      assert.deepEqual(got, want, `threads ${threads} m=${m} n=${n} k=${k} density ${density}`);
      wasm.freePrepared(t);
      wasm.freePrepared(w);
    }
  }
});
