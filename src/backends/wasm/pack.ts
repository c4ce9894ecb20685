import type { HostKernels as Kernels } from '../kernels.js';
import { MIN_PARALLEL_ELEMENTS } from './jobs.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** packRows / packCols (Kernels) in wasm SIMD (assembly/pack.ts): a float compare per lane and
 *  i32x4.bitmask, 32 floats to a word. Large inputs (a layer's weights, packed every step) are
 *  split across threads, packRows by rows and packCols by words (32 rows of x): each output word
 *  is written by one thread. Small ones stay on one thread: the copy in costs as much as the
 *  packing (none for resident arrays). */
export function makePackRows(rt: WasmRuntime): Kernels['packRows'] {
  return (x, out, rows, k) => pack(rt, 'packRows', x, out, rows, k, rows * k, rows * Math.ceil(k / 32), rows);
}

export function makePackCols(rt: WasmRuntime): Kernels['packCols'] {
  return (x, out, k, n) => pack(rt, 'packCols', x, out, k, n, k * n, n * Math.ceil(k / 32), Math.ceil(k / 32));
}

function pack(rt: WasmRuntime, job: 'packRows' | 'packCols', x: Float32Array, out: Uint32Array,
  d0: number, d1: number, inLength: number, outLength: number, chunks: number): void {
  if (outLength === 0) return;
  const { arena, pool } = rt;
  arena.reset();
  const px = arena.input(x, inLength), po = arena.output(out, outLength);
  pool.parallel(job, [px, po, d0, d1], chunks, 1, inLength < MIN_PARALLEL_ELEMENTS ? 1 : pool.threads);
  arena.copyOut(po, out, outLength);
}
