import type { HostKernels as Kernels } from '../kernels.js';
import { signNibbleWords } from '../reference/pixel-sign-nibbles.js';
import { MIN_PARALLEL_VECTORS } from './pixel-sign-gemm.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** pixelSignGemmNibbles (Kernels) in wasm SIMD (assembly/pixel-sign-nibbles.ts): 16-entry table
 *  lookups by i8x16.swizzle; images split across threads, or for a few images the columns of C in
 *  blocks of 16. */
export function makePixelSignGemmNibbles(rt: WasmRuntime): Kernels['pixelSignGemmNibbles'] {
  return (x, t, c, m, n, k) => {
    if (m === 0 || n === 0) return;
    const { arena, pool } = rt;
    arena.reset();
    const px = arena.inputBytes(x, m * k), pt = arena.input(t, signNibbleWords(n, k)), pc = arena.output(c, m * n);
    const work = m * n * Math.max(Math.ceil(k / 16), 1);
    const threads = work < MIN_PARALLEL_VECTORS ? 1 : pool.threads;
    const scratchBytes = Number(rt.exports['pixelSignNibblesScratchBytes']!(k));
    const scratch = arena.alloc(scratchBytes * threads);
    const args = [px, pt, pc, m, n, k, scratch, scratchBytes];
    // several images a thread: split the images, so that each thread makes only its own tables
    pool.parallelRowsOrColumns('pixelSignGemmNibbles', 'pixelSignGemmNibblesRows', args, m, n, 16, threads);
    arena.copyOut(pc, c, m * n);
  };
}
