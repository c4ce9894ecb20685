import type { HostKernels as Kernels } from '../kernels.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** thresholdPack (Kernels) in wasm SIMD (assembly/threshold-pack.ts), one thread: a pass over the
 *  product just made, cheaper than a wake-up. Resident arrays are used in place. */
export function makeThresholdPack(rt: WasmRuntime): Kernels['thresholdPack'] {
  return (c, rows, n, base, scale, lim, flip, out) => {
    if (rows === 0 || n === 0) return;
    const words = Math.ceil(n / 32), { arena } = rt;
    arena.reset();
    const pc = arena.input(c, rows * n), pb = base ? arena.input(base, n) : 0;
    const pl = arena.input(lim, n), pf = arena.input(flip, words), po = arena.output(out, rows * words);
    rt.exports['thresholdPack']!(pc, rows, n, pb, scale, pl, pf, po);
    arena.copyOut(po, out, rows * words);
  };
}
