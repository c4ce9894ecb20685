import type { HostKernels as Kernels } from '../kernels.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** Below this many 16-byte vector × column steps (~10 µs on one core) a product stays on the
 *  calling thread (xnor-gemm.ts says why; a batch-1 784 → 2048 layer is 100k steps). */
export const MIN_PARALLEL_VECTORS = 1 << 15;

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
