// Runs inside a browser page: the WebGPU backend (navigator.gpu) against the reference kernels
// through the async contract, small shapes: the packed engine's conformance (every kernel, exact),
// and the training path's products and packing. Reports, never throws.
import { engineChecks, runEngineConformance } from '../src/backends/conformance-engine.js';
import type { KernelName, Kernels } from '../src/backends/kernels.js';
import { referenceKernels as ref } from '../src/backends/reference/index.js';
import { makeWebGpuBackend } from '../src/backends/webgpu/index.js';
import { Random } from '../src/tensor/random.js';

export interface WebGpuReport {
  /** The adapter navigator.gpu gave (SwiftShader where the browser runs on a CPU). */
  adapter: string;
  /** The packed engine's kernels that run on the host (the reference's), not in WGSL. */
  engineOnHost: string[];
  /** One line per check that failed; empty when all agree. */
  failures: string[];
  checks: number;
}

export async function runWebGpuChecks(): Promise<WebGpuReport> {
  const gpu: Kernels & { adapter: string } = await makeWebGpuBackend();
  const failures: string[] = [];
  let checks = 0;
  const same = (got: ArrayLike<number>, want: ArrayLike<number>, what: string, tol = 0) => {
    checks++;
    if (got.length !== want.length) { failures.push(`${what}: ${got.length} values, reference ${want.length}`); return; }
    for (let i = 0; i < want.length; i++) {
      if (!(Math.abs(got[i]! - want[i]!) <= tol)) { failures.push(`${what}: index ${i} is ${got[i]}, reference ${want[i]}`); return; }
    }
  };
  const rng = new Random(13), floats = (n: number) => Float32Array.from({ length: n }, () => rng.uniform() * 2 - 1);
  for (const [m, n, k] of [[1, 5, 33], [7, 33, 100], [65, 70, 65]] as const) {
    const a = floats(m * k), b = floats(n * k);
    const pa = new Uint32Array(m * Math.ceil(k / 32)), pb = new Uint32Array(n * Math.ceil(k / 32));
    ref.packRows(a, pa, m, k); ref.packRows(b, pb, n, k);
    const gpa = gpu.alloc('u32', pa.length), gc = gpu.alloc('i32', m * n), want = new Int32Array(m * n);
    gpu.packRows(gpu.fromArray(a), gpa, m, k);
    same(await gpu.read(gpa), pa, `packRows ${m}x${k}`);
    gpu.xnorGemm(gpa, gpu.fromArray(pb), gc, m, n, k);
    ref.xnorGemm(pa, pb, want, m, n, k);
    same(await gpu.read(gc), want, `xnorGemm ${m}x${n}x${k}`);
    const fc = gpu.alloc('f32', m * n), fwant = new Float32Array(m * n);
    gpu.gemm(gpu.fromArray(a), gpu.fromArray(b), fc, m, n, k, false, true, false);
    ref.gemm(a, b, fwant, m, n, k, false, true, false);
    same(await gpu.read(fc), fwant, `gemm ${m}x${n}x${k}`, 1e-5 * (k + 1));
  }
  checks++;
  try { await runEngineConformance(`webgpu (${gpu.adapter})`, gpu); } catch (e) { failures.push((e as Error).message); }
  return { adapter: gpu.adapter, engineOnHost: (Object.keys(engineChecks) as KernelName[]).filter((k) => !gpu.native.has(k)), failures, checks };
}
