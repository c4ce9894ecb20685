import type { HostKernels as Kernels } from '../kernels.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** Must match assembly/gemm.ts. */
export const TRANS_A = 1, TRANS_B = 2, ACCUMULATE = 4, SIGN_B = 8;
/** Column chunks per thread are multiples of the micro-kernel's 8 columns. */
const NR = 8;
/** Below this many multiply-adds a product is not worth waking a thread. */
export const MIN_PARALLEL_MACS = 1 << 18;

/** Float GEMM (Kernels.gemm) in wasm SIMD (assembly/gemm.ts), columns of C split across threads. */
export function makeGemm(rt: WasmRuntime): Kernels['gemm'] {
  return (a, b, c, m, n, k, transA, transB, accumulate) => {
    const flags = (transA ? TRANS_A : 0) | (transB ? TRANS_B : 0) | (accumulate ? ACCUMULATE : 0);
    run(rt, a, m * k, b, k * n, c, m, n, k, flags);
  };
}

/** Copy the operands in, run the float kernel (flags as in assembly/gemm.ts) over column chunks
 *  on the threads, copy C out. */
export function run(rt: WasmRuntime, a: Float32Array, aLength: number, b: Float32Array | Uint32Array, bLength: number,
  c: Float32Array, m: number, n: number, k: number, flags: number): void {
  if (m === 0 || n === 0) return;
  const { arena, pool } = rt;
  arena.reset();
  const pa = arena.input(a, aLength), pb = arena.input(b, bLength);
  const pc = (flags & ACCUMULATE) ? arena.input(c, m * n) : arena.output(c, m * n);
  const maxThreads = m * n * k < MIN_PARALLEL_MACS ? 1 : pool.threads;
  const scratchBytes = Number(rt.exports['gemmScratchBytes']!());
  const scratch = arena.alloc(scratchBytes * maxThreads);
  // per-thread scratch: the kernel is given the block of thread 0 plus its index times the size
  pool.parallel('gemm', [pa, pb, pc, m, n, k, flags, scratch, scratchBytes], n, NR, maxThreads);
  arena.copyOut(pc, c, m * n);
}
