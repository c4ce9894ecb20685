import type { HostKernels as Kernels } from '../kernels.js';
import { SLICE, slicedWords } from '../reference/xnor-gemm-sliced.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** Below this many row-slices (an image's rows against 128 columns, ~1 µs each on one core)
 *  a product stays on the calling thread. */
const MIN_PARALLEL_SLICES = 8;

/** xnorGemmSliced (Kernels) in wasm SIMD (assembly/xnor-gemm-sliced.ts): bit-sliced counting of
 *  the rows A selects; rows of A split across threads, or for a few rows the columns of C, in whole
 *  slices of 128. */
export function makeXnorGemmSliced(rt: WasmRuntime): Kernels['xnorGemmSliced'] {
  return (a, t, c, m, n, k) => {
    if (m === 0 || n === 0) return;
    const { arena, pool } = rt;
    arena.reset();
    const pa = arena.input(a, m * Math.ceil(k / 32)), pt = arena.input(t, slicedWords(n, k)), pc = arena.output(c, m * n);
    const slices = Math.ceil(n / SLICE), threads = m * slices < MIN_PARALLEL_SLICES ? 1 : pool.threads;
    const scratchBytes = Number(rt.exports['xnorSlicedScratchBytes']!(k));
    const scratch = arena.alloc(scratchBytes * threads);
    const args = [pa, pt, pc, m, n, k, scratch, scratchBytes];
    pool.parallelRowsOrColumns('xnorGemmSliced', 'xnorGemmSlicedRows', args, m, n, SLICE, threads);
    arena.copyOut(pc, c, m * n);
  };
}
