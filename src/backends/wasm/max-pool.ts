import type { HostKernels as Kernels } from '../kernels.js';
import { MIN_PARALLEL_ELEMENTS } from './jobs.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** maxPool2d (Kernels) in wasm SIMD (assembly/max-pool.ts): rows (image, output row) split across
 *  threads, each output written by one; values and argmax equal the reference's. */
export function makeMaxPool2d(rt: WasmRuntime): Kernels['maxPool2d'] {
  return (x, g, y, argmax) => {
    const rows = g.batch * g.outH, outs = rows * g.outW * g.channels, inLength = g.batch * g.height * g.width * g.channels;
    if (outs === 0) return;
    const { arena, pool } = rt;
    arena.reset();
    const px = arena.input(x, inLength), py = arena.output(y, outs), pa = arena.output(argmax, outs);
    const args = [px, py, pa, g.height, g.width, g.channels, g.kh, g.kw, g.stride, g.padTop, g.padLeft, g.outH, g.outW];
    pool.parallel('maxPool2d', args, rows, 1, outs * g.kh * g.kw < MIN_PARALLEL_ELEMENTS ? 1 : pool.threads);
    arena.copyOut(py, y, outs);
    arena.copyOut(pa, argmax, outs);
  };
}

/** maxPool2dBackward (Kernels) in wasm, one thread: a scatter-add in the reference's order (so
 *  overlapping windows sum exactly as there), a pass at memory speed over small arrays. */
export function makeMaxPool2dBackward(rt: WasmRuntime): Kernels['maxPool2dBackward'] {
  return (dy, argmax, count, dx, xSize) => {
    if (xSize === 0) return;
    const { arena } = rt;
    arena.reset();
    const pdy = arena.input(dy, count), pa = arena.input(argmax, count), pdx = arena.output(dx, xSize);
    rt.exports['maxPool2dBackward']!(pdy, pa, count, pdx, xSize);
    arena.copyOut(pdx, dx, xSize);
  };
}
