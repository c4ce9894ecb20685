import type { Kernels } from '../kernels.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** Below this many word-XORs a product takes microseconds: not worth waking a thread. */
const MIN_PARALLEL_WORDS = 1 << 16;

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
