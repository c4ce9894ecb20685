import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runConformance } from '../conformance.js';
import { loadWasmKernels } from './index.js';

const wasm = await loadWasmKernels();
after(() => wasm.close());

for (const threads of [1, 2]) {
  describe(`wasm with ${threads} thread(s)`, () => {
    before(() => wasm.setThreads(threads));
    runConformance(`wasm ×${threads}`, wasm);
  });
}

test('wasm: float results are bit-identical with 1 and 2 threads', async () => {
  const [m, n, k] = [37, 301, 517];
  let s = 7;
  const next = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 31) - 1;
  const a = Float32Array.from({ length: m * k }, next), b = Float32Array.from({ length: k * n }, next);
  const bits = Uint32Array.from({ length: n * Math.ceil(k / 32) }, () => (next() * 2 ** 31) >>> 0);
  const run = async (threads: number) => {
    await wasm.setThreads(threads);
    const c = new Float32Array(m * n), d = new Float32Array(m * n);
    wasm.gemm(a, b, c, m, n, k, false, false, false);
    wasm.gemmSignB(a, bits.map((w, i) => (i % Math.ceil(k / 32) === Math.ceil(k / 32) - 1 ? w & 0x1f : w)), d, m, n, k, false);
    return [c, d];
  };
  const one = await run(1), two = await run(2);
  assert.equal(wasm.threads, 2, 'the second worker came up');
  assert.deepEqual(one, two, `seed 7, m=${m} n=${n} k=${k}`);
});
