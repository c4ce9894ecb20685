import type { HostKernels as Kernels } from '../kernels.js';
import { SLICE, slicedWords } from '../reference/xnor-gemm-sliced.js';
import { thresholdSliceWords } from '../reference/xnor-threshold-sliced.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** Below this many row-slices (an image's rows against 128 columns, ~0.6 µs each on one core)
 *  a layer stays on the calling thread. */
const MIN_PARALLEL_SLICES = 8;

/** xnorThresholdSliced (Kernels) in wasm SIMD (assembly/xnor-threshold-sliced.ts): the bit-sliced
 *  counts compared bit-sliced with the thresholds; rows split across threads, or for a few rows the
 *  columns in whole slices of 128 (so each thread writes whole words of the packed rows). */
export function makeXnorThresholdSliced(rt: WasmRuntime): Kernels['xnorThresholdSliced'] {
  return (a, t, th, flip, out, m, n, k) => {
    if (m === 0 || n === 0) return;
    const { arena, pool } = rt, outWords = Math.ceil(n / 32);
    arena.reset();
    const pa = arena.input(a, m * Math.ceil(k / 32)), pt = arena.input(t, slicedWords(n, k));
    const pth = arena.input(th, thresholdSliceWords(n, k)), pf = arena.input(flip, outWords), po = arena.output(out, m * outWords);
    const slices = Math.ceil(n / SLICE), threads = m * slices < MIN_PARALLEL_SLICES ? 1 : pool.threads;
    const scratchBytes = Number(rt.exports['xnorSlicedScratchBytes']!(k));
    const scratch = arena.alloc(scratchBytes * threads);
    const args = [pa, pt, pth, pf, po, m, n, k, scratch, scratchBytes];
    pool.parallelRowsOrColumns('xnorThresholdSliced', 'xnorThresholdSlicedRows', args, m, n, SLICE, threads);
    arena.copyOut(po, out, m * outWords);
  };
}
