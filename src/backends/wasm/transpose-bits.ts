import type { HostKernels as Kernels } from '../kernels.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** From this many words of x the blocks of rows are split across threads: a wake-up costs
 *  microseconds, and a word's share of its block's transpose about 20 operations. */
const MIN_PARALLEL_WORDS = 1 << 13;

/** transposeBits (Kernels) in wasm (assembly/transpose-bits.ts): blocks of 32 rows of x split
 *  across threads (a CNV layer's forward signs are megabytes of bits; the weight gradient reads
 *  them down their columns). */
export function makeTransposeBits(rt: WasmRuntime): Kernels['transposeBits'] {
  return (x, rows, cols, out) => {
    const inLength = rows * Math.ceil(cols / 32), outLength = cols * Math.ceil(rows / 32);
    if (outLength === 0) return;
    const { arena, pool } = rt;
    arena.reset();
    const threads = inLength < MIN_PARALLEL_WORDS ? 1 : pool.threads;
    const px = arena.input(x, inLength), po = arena.output(out, outLength), scratch = arena.alloc(128 * threads);
    pool.parallel('transposeBits', [px, rows, cols, po, scratch], Math.ceil(rows / 32), 1, threads);
    arena.copyOut(po, out, outLength);
  };
}
