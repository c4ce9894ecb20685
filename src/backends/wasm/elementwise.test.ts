import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { referenceKernels as ref } from '../reference/index.js';
import { loadWasmKernels } from './index.js';

const wasm = await loadWasmKernels();
after(() => wasm.setThreads(2));

/** The values where sign, clamp and the mask decide: the bounds, just past them, ±0, NaN, ±∞. */
const EDGES = [-1, 1, -1.0000001, 1.0000001, -0, 0, NaN, Infinity, -Infinity, 0.5, -0.5];

/** Long enough to be split across threads (2^15 elements and more), with a ragged tail. */
function values(seed: number, length: number): Float32Array {
  let s = seed;
  const next = (): number => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
  return Float32Array.from({ length }, () => (next() < 0.05 ? EDGES[Math.floor(next() * EDGES.length)]! : (next() * 2 - 1) * 3));
}

test('wasm sign, clamp and passInside equal the reference bit for bit on split and small lengths, 1 and 2 threads', async () => {
  for (const threads of [1, 2]) {
    await wasm.setThreads(threads);
    for (const [i, length] of [100_003, 1 << 15, 7].entries()) {
      const seed = 5300 + i, x = values(seed, length), dy = values(seed + 1, length), where = `seed ${seed} length ${length} threads ${threads}`;
      const want = new Float32Array(length), got = new Float32Array(length).fill(7);
      ref.sign(x, want); wasm.sign(x, got);
      assert.deepEqual(got, want, `sign ${where}`);
      for (const [lo, hi] of [[-1, 1], [-0.3, 0.7]] as const) {
        got.fill(7); ref.clamp(x, want, lo, hi); wasm.clamp(x, got, lo, hi);
        assert.deepEqual(got, want, `clamp [${lo}, ${hi}] ${where}`);
        got.fill(7); ref.passInside(dy, x, want, lo, hi); wasm.passInside(dy, x, got, lo, hi);
        assert.deepEqual(got, want, `passInside [${lo}, ${hi}] ${where}`);
      }
    }
  }
});
