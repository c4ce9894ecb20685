import type { HostKernels as Kernels } from '../kernels.js';
import type { JobName } from './jobs.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** Below this many 16-byte vector × column steps (~10 µs on one core) a product stays on the
 *  calling thread (xnor-gemm.ts says why; a batch-1 784 → 2048 layer is 100k steps). */
export const MIN_PARALLEL_VECTORS = 1 << 15;

/** Threads for a pixel product of m images × n columns × k bytes: the caller's alone below
 *  MIN_PARALLEL_VECTORS steps, else all. */
export function pixelThreads(rt: WasmRuntime, m: number, n: number, k: number): number {
  return m * n * Math.max(Math.ceil(k / 16), 1) < MIN_PARALLEL_VECTORS ? 1 : rt.pool.threads;
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
    const threads = pixelThreads(rt, m, n, k);
    const scratchBytes = Number(rt.exports[scratchBytesExport]!(k));
    const scratch = arena.alloc(scratchBytes * threads);
    pool.parallelRowsOrColumns(columnsJob, rowsJob, [px, pt, pc, m, n, k, scratch, scratchBytes], m, n, 16, threads);
    arena.copyOut(pc, c, m * n);
  };
}

/** pixelSignGemm (Kernels) in wasm SIMD (assembly/pixel-sign-gemm.ts): the weights stay packed
 *  and are expanded 16 bits at a time in registers; columns of C split across threads in quads.
 *  Resident weights and output are used in place; the bytes of x are copied (m·k bytes). */
export function makePixelSignGemm(rt: WasmRuntime): Kernels['pixelSignGemm'] {
  return (x, s, c, m, n, k) => {
    if (m === 0 || n === 0) return;
    const words = Math.ceil(k / 32);
    const { arena, pool } = rt;
    arena.reset();
    const px = arena.inputBytes(x, m * k), ps = arena.input(s, n * words), pc = arena.output(c, m * n);
    const work = m * n * Math.max(Math.ceil(k / 16), 1);
    pool.parallel('pixelSignGemm', [px, ps, pc, m, n, k], n, 4, work < MIN_PARALLEL_VECTORS ? 1 : Infinity);
    arena.copyOut(pc, c, m * n);
  };
}
