import type { HostKernels as Kernels } from '../kernels.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** Below this many word-XORs (~5 µs on one core) a product stays on the calling thread. Workers
 *  spin a while before they sleep (worker-loop.ts), so a job posted right after another reaches
 *  a waiting worker in about a microsecond: a batch-1 784-2048x3-10 forward splits its 2048 × 2048
 *  layers (131k words) and takes 57 µs on 2 threads vs 101 µs on 1 (2-core EPYC). A worker that
 *  has gone to sleep costs a futex wake-up (5-50 µs) on the first product after a pause. */
const MIN_PARALLEL_WORDS = 1 << 15;

/** Binary GEMM (Kernels.xnorGemm) in wasm SIMD (assembly/xnor-gemm.ts), columns of C split
 *  across threads. Operands are copied into wasm memory unless resident (allocResident): at
 *  batch 1 the copy of b costs about as much as the product. */
export function makeXnorGemm(rt: WasmRuntime): Kernels['xnorGemm'] {
  return (a, b, c, m, n, k) => {
    if (m === 0 || n === 0) return;
    const words = Math.ceil(k / 32);
    const { arena } = rt;
    arena.reset();
    const pa = arena.input(a, m * words), pb = arena.input(b, n * words), pc = arena.output(c, m * n);
    const work = m * n * Math.max(words, 1);
    rt.pool.parallel('xnorGemm', [pa, pb, pc, m, n, k], n, 4, work < MIN_PARALLEL_WORDS ? 1 : Infinity);
    arena.copyOut(pc, c, m * n);
  };
}

/** thresholdPack(xnorGemm(a, b), m, n, null, 1, lim, flip) for layers too narrow for the sliced
 *  kernels (assembly xnorThresholdRows: a tile of rows' products at a time in each thread's
 *  scratch, thresholded there); rows split across threads. */
export function makeXnorThresholdRows(rt: WasmRuntime): (a: Uint32Array, b: Uint32Array, lim: Int32Array, flip: Uint32Array,
  out: Uint32Array, m: number, n: number, k: number) => void {
  return (a, b, lim, flip, out, m, n, k) => {
    if (m === 0 || n === 0) return;
    const words = Math.ceil(k / 32), outWords = Math.ceil(n / 32), { arena, pool } = rt;
    arena.reset();
    const pa = arena.input(a, m * words), pb = arena.input(b, n * words), pl = arena.input(lim, n), pf = arena.input(flip, outWords);
    const po = arena.output(out, m * outWords);
    const threads = m * n * Math.max(words, 1) < MIN_PARALLEL_WORDS ? 1 : pool.threads;
    const scratchBytes = Number(rt.exports['xnorThresholdRowsScratchBytes']!(n));
    const scratch = arena.alloc(scratchBytes * threads);
    pool.parallel('xnorThresholdRows', [pa, pb, pl, pf, po, m, n, k, scratch, scratchBytes], m, 1, threads);
    arena.copyOut(po, out, m * outWords);
  };
}
