import type { Kernels } from '../kernels.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** Below this many word-XORs (~40 µs on one core) a product is not worth waking a thread: a
 *  futex wake-up costs 5-50 µs, more on a loaded machine. At 2^16 a batch-1 784-2048x3-10 forward
 *  split its 2048 × 2048 layers (131k words) and took 130 µs on 2 threads vs 101 µs on 1 (2-core
 *  EPYC, load 5-6); at 2^18 it runs them on one thread and 2 threads cost nothing. Training's
 *  products (batch 100: millions of words) split as before. */
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
