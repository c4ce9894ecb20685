import type { HostKernels as Kernels } from '../kernels.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** Below this many (plane × word) AND-popcounts a product is not worth waking a thread. */
const MIN_PARALLEL_WORDS = 1 << 16;
/** Per-thread scratch blocks start on their own cache lines. */
const LINE = 64;

/** packLogPlanes (Kernels) in wasm (assembly/bit-serial-log-gemm.ts): exponents read from the
 *  float bits. Single-threaded: O(rows·k), small beside the product it feeds. */
export function makePackLogPlanes(rt: WasmRuntime): Kernels['packLogPlanes'] {
  return (x, rows, k, scale, planes, sign, planeBits) => {
    const eMin = scale[0]!;
    const words = Math.ceil(k / 32), signLength = rows * words, planeLength = rows * planes * words;
    if (signLength === 0) return;
    const { arena } = rt;
    arena.reset();
    const px = arena.input(x, rows * k), ps = arena.output(sign, signLength), pp = arena.output(planeBits, planeLength);
    rt.exports['packLogPlanes']!(px, rows, k, eMin, planes, ps, pp);
    arena.copyOut(ps, sign, signLength);
    arena.copyOut(pp, planeBits, planeLength);
  };
}

/** bitSerialLogGemm (Kernels) in wasm SIMD, columns of C split across threads in quads. The
 *  kernel skips the planes a row does not use, and its float order is the reference's, so the
 *  result is bit-identical to it for any thread count. */
export function makeBitSerialLogGemm(rt: WasmRuntime): Kernels['bitSerialLogGemm'] {
  return (sign, planeBits, planes, scale, s, c, m, n, k) => {
    const eMin = scale[0]!;
    if (m === 0 || n === 0) return;
    const words = Math.ceil(k / 32);
    const { arena, pool } = rt;
    arena.reset();
    const ps = arena.input(sign, m * words), pp = arena.input(planeBits, m * planes * words);
    const pb = arena.input(s, n * words), pc = arena.output(c, m * n);
    // a gradient row uses a fraction of its planes; a quarter is a fair guess for the split
    const maxThreads = m * n * Math.max(words, 1) * Math.ceil(planes / 4) < MIN_PARALLEL_WORDS ? 1 : pool.threads;
    const scratchBytes = Math.ceil(Number(rt.exports['bitSerialLogGemmScratchBytes']!(planes, k)) / LINE) * LINE;
    const scratch = arena.alloc(scratchBytes * maxThreads);
    pool.parallel('bitSerialLogGemm', [ps, pp, planes, eMin, pb, pc, m, n, k, scratch, scratchBytes], n, 4, maxThreads);
    arena.copyOut(pc, c, m * n);
  };
}
