import type { HostKernels as Kernels } from '../kernels.js';
import { ACCUMULATE, MIN_PARALLEL_MACS, run, SIGN_B } from './gemm.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** Must match assembly/gemm-sign-lut.ts. */
const LUT_TRANS_A = 1, SPLIT_ROWS = 16, LUT_ROWS = 8;
/** From this many columns of C the lookup tables pay for themselves: building them costs about
 *  100 columns' lookups. Measured (1 thread, k = 2048, m = 100): n = 64 tables 1.00 ms vs float
 *  kernel 0.52 ms; n = 128 1.12 vs 1.38 ms. */
const LUT_MIN_COLUMNS = 128;

/** gemmSignB (Kernels.gemmSignB). From LUT_MIN_COLUMNS columns on, the table-lookup kernel
 *  (assembly/gemm-sign-lut.ts) with rows or columns split across threads; below, the float kernel
 *  with B's panel packer expanding the sign bits to ±1.0 (the tables would cost more than the
 *  lookups they save). */
export function makeGemmSignB(rt: WasmRuntime): Kernels['gemmSignB'] {
  return (a, s, c, m, n, k, accumulate, transA = false) => {
    if (m === 0 || n === 0) return;
    const words = Math.ceil(k / 32);
    if (n < LUT_MIN_COLUMNS && !transA) { // (transA has only the table kernel: correct at any n)
      run(rt, a, m * k, s, n * words, c, m, n, k, SIGN_B | (accumulate ? ACCUMULATE : 0));
      return;
    }
    const { arena, pool } = rt;
    arena.reset();
    const pa = arena.input(a, m * k), ps = arena.input(s, n * words);
    const pc = accumulate ? arena.input(c, m * n) : arena.output(c, m * n);
    const threads = m * n * k < MIN_PARALLEL_MACS ? 1 : pool.threads;
    const scratchBytes = Number(rt.exports['gemmSignLutScratchBytes']!(n));
    const scratch = arena.alloc(scratchBytes * threads);
    // rows when every thread gets a group of eight (no table is built twice), else columns
    const byRows = Math.ceil(m / LUT_ROWS) >= threads;
    const flags = (transA ? LUT_TRANS_A : 0) | (accumulate ? ACCUMULATE : 0) | (byRows ? SPLIT_ROWS : 0);
    pool.parallel('gemmSignLut', [pa, ps, pc, m, n, k, flags, scratch, scratchBytes], byRows ? m : n, byRows ? LUT_ROWS : 1, threads);
    arena.copyOut(pc, c, m * n);
  };
}
