import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Random } from '../../tensor/random.js';
import { referenceKernels as ref } from '../reference/index.js';
import { gradQuantLog } from '../reference/grad-quant-log.js';
import { loadWasmKernels } from './index.js';

// What conformance (wasm.test.ts) leaves out for these two kernels: k past the i8 flush (> 31
// v128s), 127 planes (8-bit gradients: the float64 sum is no longer exact, so only following the
// reference's order gives the same bits), subnormal exponents, and a real gradient's narrow band.

const wasm = await loadWasmKernels();
after(() => wasm.close());

function check(g: Float32Array, m: number, n: number, k: number, eMin: number, planes: number, seed: number): void {
  const rng = new Random(seed), words = Math.ceil(k / 32), scale = Int32Array.of(eMin, eMin + planes - 1);
  const s = Uint32Array.from({ length: n * words }, (_, i) => (rng.uniform() * 2 ** 32) >>> (i % words === words - 1 ? 32 - (k - 32 * (words - 1)) : 0));
  const pack = (kernels: typeof ref) => {
    const sign = new Uint32Array(m * words), planeBits = new Uint32Array(m * planes * words);
    kernels.packLogPlanes(g, m, k, scale, planes, sign, planeBits);
    return [sign, planeBits] as const;
  };
  const [sign, planeBits] = pack(ref), [wSign, wPlanes] = pack(wasm);
  assert.deepEqual(wSign, sign, `packLogPlanes sign, seed ${seed} m=${m} k=${k}`);
  assert.deepEqual(wPlanes, planeBits, `packLogPlanes planes, seed ${seed} m=${m} k=${k}`);
  const want = new Float32Array(m * n), got = new Float32Array(m * n).fill(NaN);
  ref.bitSerialLogGemm(sign, planeBits, planes, scale, s, want, m, n, k);
  wasm.bitSerialLogGemm(sign, planeBits, planes, scale, s, got, m, n, k);
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) assert.fail(`seed ${seed} m=${m} n=${n} k=${k} planes=${planes}: index ${i} is ${got[i]}, reference ${want[i]}`);
  }
}

function logValues(rng: Random, length: number, eMin: number, planes: number, zeros = 0.1): Float32Array {
  return Float32Array.from({ length }, () => (rng.uniform() < zeros ? 0 : (rng.uniform() < 0.5 ? -1 : 1) * 2 ** (eMin + rng.int(planes))));
}

for (const threads of [1, 2]) {
  test(`wasm bitSerialLogGemm ×${threads}: k past the flush, 127 planes, subnormals, a real gradient`, async () => {
    await wasm.setThreads(threads);
    check(logValues(new Random(1), 3 * 4100, -12, 31), 3, 21, 4100, -12, 31, 1);
    check(logValues(new Random(2), 5 * 2000, -100, 127), 5, 9, 2000, -100, 127, 2);
    check(logValues(new Random(3), 4 * 70, -149, 31), 4, 7, 70, -149, 31, 3);
    check(logValues(new Random(4), 2 * 33, -12, 31, 1), 2, 5, 33, -12, 31, 4); // all zero
    const rng = new Random(5), raw = Float32Array.from({ length: 100 * 256 }, () => rng.normal() * 1e-3 * Math.exp(2 * rng.normal()));
    const q = new Float32Array(raw.length), scale = new Int32Array(2);
    gradQuantLog(raw, 6, q, scale);
    check(q, 100, 256, 256, scale[0]!, 31, 5);
    check(q, 256, 100, 100, scale[0]!, 31, 6); // the dW shape: rows of Gᵀ of the same size
  });
}
