import type { HostKernels as Kernels } from '../kernels.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** transposeBits (Kernels) in wasm (assembly/transpose-bits.ts), one thread: a few megabytes of
 *  bits per conv layer, milliseconds next to the products around it. */
export function makeTransposeBits(rt: WasmRuntime): Kernels['transposeBits'] {
  return (x, rows, cols, out) => {
    const inLength = rows * Math.ceil(cols / 32), outLength = cols * Math.ceil(rows / 32);
    if (outLength === 0) return;
    const { arena } = rt;
    arena.reset();
    const px = arena.input(x, inLength), po = arena.output(out, outLength), block = arena.alloc(128);
    rt.exports['transposeBits']!(px, rows, cols, po, block);
    arena.copyOut(po, out, outLength);
  };
}
