import type { HostKernels as Kernels } from '../kernels.js';
import { signNibbleWords } from '../reference/pixel-sign-nibbles.js';
import { MIN_PARALLEL_VECTORS } from './pixel-sign-gemm.js';
import type { JobName } from './jobs.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** pixelSignGemmNibbles (Kernels) in wasm SIMD (assembly/pixel-sign-nibbles.ts): 16-entry table
 *  lookups by i8x16.swizzle; images split across threads, or for a few images the columns of C in
 *  blocks of 16. */
export function makePixelSignGemmNibbles(rt: WasmRuntime): Kernels['pixelSignGemmNibbles'] {
  return pixelRowsProduct(rt, 'pixelSignGemmNibbles', 'pixelSignGemmNibblesRows', 'pixelSignNibblesScratchBytes', signNibbleWords);
}

/** The glue of a pixel product from a prepared layout (words(n, k) u32) whose kernel takes a
 *  scratch per thread (size from the `scratchBytes` export): several images a thread split the
 *  images, so that each thread prepares only its own (tables, rows); else columns in blocks of 16. */
export function pixelRowsProduct(rt: WasmRuntime, columnsJob: JobName, rowsJob: JobName, scratchBytesExport: string,
  words: (n: number, k: number) => number): (x: Uint8Array, t: Uint32Array, c: Int32Array, m: number, n: number, k: number) => void {
  return (x, t, c, m, n, k) => {
    if (m === 0 || n === 0) return;
    const { arena, pool } = rt;
    arena.reset();
    const px = arena.inputBytes(x, m * k), pt = arena.input(t, words(n, k)), pc = arena.output(c, m * n);
    const work = m * n * Math.max(Math.ceil(k / 16), 1);
    const threads = work < MIN_PARALLEL_VECTORS ? 1 : pool.threads;
    const scratchBytes = Number(rt.exports[scratchBytesExport]!(k));
    const scratch = arena.alloc(scratchBytes * threads);
    pool.parallelRowsOrColumns(columnsJob, rowsJob, [px, pt, pc, m, n, k, scratch, scratchBytes], m, n, 16, threads);
    arena.copyOut(pc, c, m * n);
  };
}
