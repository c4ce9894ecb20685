import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runConformance } from '../conformance.js';
import { runEngineConformance } from '../conformance-engine.js';
import { opaque } from '../registry.js';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadWasmKernels } from './index.js';
import { hasRelaxedSimd } from './wasm-runtime.js';

const wasm = await loadWasmKernels();
after(() => wasm.close());

for (const threads of [1, 2]) {
  describe(`wasm with ${threads} thread(s)`, () => {
    before(() => wasm.setThreads(threads));
    runConformance(`wasm ×${threads}`, opaque(wasm));
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

test('wasm: adamStep, passInside, packRows, packCols split across 2 threads equal the reference bit for bit', async () => {
  const [rows, k] = [67, 1029]; // above MIN_PARALLEL_ELEMENTS, odd sizes so chunks end mid-line
  let s = 11;
  const next = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 31) - 1;
  const x = Float32Array.from({ length: rows * k }, () => 1.5 * next());
  const g = Float32Array.from({ length: rows * k }, next), v = g.map((e) => Math.abs(e) * 0.01);
  const ref = (await import('../reference/index.js')).referenceKernels;
  await wasm.setThreads(2);
  assert.equal(wasm.threads, 2, 'the second worker came up');
  const got = [x.slice(), g, g.map((e) => e * 0.1), v.slice()] as const, want = got.map((a) => a.slice());
  wasm.adamStep(got[0], got[1], got[2], got[3], 0.05, 0.9, 0.999, 1e-8, 3, 1);
  ref.adamStep(want[0]!, want[1]!, want[2]!, want[3]!, 0.05, 0.9, 0.999, 1e-8, 3, 1);
  assert.deepEqual([...got], want, 'adamStep seed 11');
  const dx = new Float32Array(x.length), dxWant = new Float32Array(x.length);
  wasm.passInside(g, x, dx, -1, 1); ref.passInside(g, x, dxWant, -1, 1);
  assert.deepEqual(dx, dxWant, 'passInside seed 11');
  const words = Math.ceil(k / 32), colWords = Math.ceil(rows / 32);
  const pr = new Uint32Array(rows * words), prWant = pr.slice(), pc = new Uint32Array(k * colWords), pcWant = pc.slice();
  wasm.packRows(x, pr, rows, k); ref.packRows(x, prWant, rows, k);
  wasm.packCols(x, pc, rows, k); ref.packCols(x, pcWant, rows, k);
  assert.deepEqual(pr, prWant, 'packRows seed 11');
  assert.deepEqual(pc, pcWant, 'packCols seed 11');
});

test('wasm: the relaxed-SIMD build is loaded exactly where the engine compiles relaxed SIMD', () => {
  const off = process.env['LOWBIT_RELAXED_SIMD'] === '0';
  assert.equal(wasm.build, hasRelaxedSimd() && !off ? 'lowbit-relaxed.wasm' : 'lowbit.wasm');
});

// The suite above runs the build this engine picks; this runs it again in a child process with
// the other one (relaxed SIMD switched on by the V8 flag, or off by LOWBIT_RELAXED_SIMD=0), so
// both builds pass the conformance checks whichever Node runs the tests.
test('wasm: the other build (relaxed SIMD on / off) passes the same suite', { timeout: 300_000, skip: process.env['LOWBIT_WASM_CHILD'] === '1' && 'in the child run' }, () => {
  const relaxedHere = hasRelaxedSimd();
  const file = fileURLToPath(new URL('./wasm.test.js', import.meta.url));
  const env: NodeJS.ProcessEnv = { ...process.env, LOWBIT_RELAXED_SIMD: relaxedHere ? '0' : '1', LOWBIT_WASM_CHILD: '1' };
  delete env['NODE_TEST_CONTEXT']; // else the child's runner reports to this one instead of printing
  const r = spawnSync(process.execPath, [...(relaxedHere ? [] : ['--experimental-wasm-relaxed-simd']), '--test', file], { encoding: 'utf8', env });
  assert.equal(r.status, 0, `child suite failed:\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`);
  assert.match(r.stdout, /# fail 0/);
  assert.match(r.stdout, /# pass [1-9]/);
});

test('wasm: packed-inference kernels (prepared layouts, epilogues) equal their plain definitions on 1 and 2 threads', async () => {
  for (const threads of [1, 2]) {
    await wasm.setThreads(threads);
    await runEngineConformance(`wasm ×${threads}`, opaque(wasm));
  }
});
