// Runs inside a browser (a Worker, or a page's main thread): the wasm backend against the
// reference kernels on seeded inputs, exactly for the integer kernels. Reports, never throws.
import { referenceKernels as ref } from '../src/backends/reference/index.js';
import { packSignNibbles } from '../src/backends/reference/pixel-sign-nibbles.js';
import { packSlices } from '../src/backends/reference/xnor-gemm-sliced.js';
import { packThresholdSlices } from '../src/backends/reference/xnor-threshold-sliced.js';
import { loadWasmKernels } from '../src/backends/wasm/index.js';
import { runEngineConformance } from '../src/backends/conformance-engine.js';
import { opaque } from '../src/backends/registry.js';
import { Random } from '../src/tensor/random.js';

export interface BrowserReport {
  shared: boolean;
  /** The module the backend loaded (build/lowbit[-st][-relaxed].wasm). */
  build: string;
  threads: number;
  /** One line per check that failed; empty when all agree. */
  failures: string[];
  checks: number;
}

function words(rng: Random, rows: number, k: number): Uint32Array {
  const w = Math.ceil(k / 32), out = new Uint32Array(rows * w);
  for (let i = 0; i < out.length; i++) out[i] = Math.floor(rng.uniform() * 2 ** 32) >>> 0;
  if (k % 32) for (let r = 0; r < rows; r++) out[r * w + w - 1]! &= 2 ** (k % 32) - 1; // tail bits 0
  return out;
}

const floats = (rng: Random, n: number) => Float32Array.from({ length: n }, () => rng.uniform() * 2 - 1);

/** Check the wasm backend with `threads` threads (it keeps fewer where it cannot block). */
export async function runChecks(threads: number): Promise<BrowserReport> {
  const wasm = await loadWasmKernels();
  await wasm.setThreads(threads);
  const failures: string[] = [];
  let checks = 0;
  const same = (got: ArrayLike<number>, want: ArrayLike<number>, what: string, tol = 0) => {
    checks++;
    for (let i = 0; i < want.length; i++) {
      if (!(Math.abs(got[i]! - want[i]!) <= tol)) { failures.push(`${what}: index ${i} is ${got[i]}, reference ${want[i]}`); return; }
    }
  };
  const rng = new Random(11);
  for (const [m, n, k] of [[1, 2048, 2048], [100, 2048, 2048], [7, 33, 1000], [64, 130, 2049]] as const) {
    const a = words(rng, m, k), b = words(rng, n, k), got = new Int32Array(m * n), want = new Int32Array(m * n);
    wasm.xnorGemm(a, b, got, m, n, k);
    ref.xnorGemm(a, b, want, m, n, k);
    same(got, want, `xnorGemm ${m}x${n}x${k}`);
  }
  for (const [m, n, k] of [[1, 2048, 2048], [100, 2048, 2048], [7, 200, 1000]] as const) {
    const a = words(rng, m, k), b = words(rng, n, k), t = packSlices(b, n, k), c = new Int32Array(m * n);
    const got = new Int32Array(m * n), want = new Int32Array(m * n);
    wasm.xnorGemmSliced!(a, t, got, m, n, k);
    ref.xnorGemm(a, b, want, m, n, k);
    same(got, want, `xnorGemmSliced ${m}x${n}x${k}`);
    const lim = Int32Array.from({ length: n }, () => Math.round((rng.uniform() * 0.4 - 0.2) * k)), flip = words(rng, 1, n);
    const bits = new Uint32Array(m * Math.ceil(n / 32)), wantBits = bits.slice();
    wasm.xnorThresholdSliced!(a, t, packThresholdSlices(t, lim, n, k), flip, bits, m, n, k);
    ref.xnorGemm(a, b, c, m, n, k);
    ref.thresholdPack!(c, m, n, null, 1, lim, flip, wantBits);
    same(bits, wantBits, `xnorThresholdSliced ${m}x${n}x${k}`);
  }
  for (const [m, n, k] of [[1, 2048, 784], [100, 300, 784], [5, 17, 33]] as const) {
    const x = Uint8Array.from({ length: m * k }, () => Math.floor(rng.uniform() * 256)), s = words(rng, n, k);
    const got = new Int32Array(m * n), want = new Int32Array(m * n);
    wasm.pixelSignGemmNibbles!(x, packSignNibbles(s, n, k), got, m, n, k);
    ref.pixelSignGemm!(x, s, want, m, n, k);
    same(got, want, `pixelSignGemmNibbles ${m}x${n}x${k}`);
  }
  for (const [m, n, k, transA] of [[100, 256, 300, false], [300, 256, 100, true], [9, 70, 65, false]] as const) {
    const a = floats(rng, m * k), s = words(rng, n, k), got = new Float32Array(m * n), want = new Float32Array(m * n);
    wasm.gemmSignB(a, s, got, m, n, k, false, transA);
    ref.gemmSignB(a, s, want, m, n, k, false, transA);
    same(got, want, `gemmSignB ${m}x${n}x${k} transA=${transA}`, 1e-5 * (k + 1));
  }
  for (const [m, n, k] of [[64, 96, 200], [1, 50, 33]] as const) {
    const a = floats(rng, m * k), b = floats(rng, k * n), got = new Float32Array(m * n), want = new Float32Array(m * n);
    wasm.gemm(a, b, got, m, n, k, false, false, false);
    ref.gemm(a, b, want, m, n, k, false, false, false);
    same(got, want, `gemm ${m}x${n}x${k}`, 1e-5 * (k + 1));
  }
  { // Adam: float32 in the same order on both sides, so bit for bit
    const len = 100_003, state = [floats(rng, len), floats(rng, len), floats(rng, len), floats(rng, len).map(Math.abs)];
    const got = state.map((x) => x.slice()), want = state.map((x) => x.slice());
    wasm.adamStep(got[0]!, got[1]!, got[2]!, got[3]!, 0.01, 0.9, 0.999, 1e-8, 5, 1);
    ref.adamStep(want[0]!, want[1]!, want[2]!, want[3]!, 0.01, 0.9, 0.999, 1e-8, 5, 1);
    same(got[0]!, want[0]!, 'adamStep param');
  }
  // the packed engine's kernels: prepared layouts (sliced, fused, nibble tables) and epilogues
  checks++;
  try { await runEngineConformance(`wasm ×${wasm.threads}`, opaque(wasm)); } catch (e) { failures.push((e as Error).message); }
  const report = { shared: wasm.shared, build: wasm.build, threads: wasm.threads, failures, checks };
  wasm.close();
  return report;
}
