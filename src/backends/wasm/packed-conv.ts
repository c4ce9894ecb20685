import type { ConvGeometry, HostKernels as Kernels } from '../kernels.js';
import { MIN_PARALLEL_ELEMENTS } from './jobs.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** im2colBits, im2colBytes, maxPoolInt and poolBits (Kernels) in wasm (assembly/packed-conv.ts), exact:
 *  output rows split across threads, each written by one. Resident arrays (the engine's scratch)
 *  are used in place; byte arrays are copied in and out. */
const geometryArgs = (g: ConvGeometry): number[] => [g.height, g.width, g.channels, g.kh, g.kw, g.stride, g.padTop, g.padLeft, g.outH, g.outW];
const rowsOf = (g: ConvGeometry): number => g.batch * g.outH * g.outW;
/** A thread's wake-up costs microseconds (far more on a busy machine), a batch-1 layer's pass here
 *  about as much: split only jobs that move more words than this (CNV's from batch 5 on). */
const threadsFor = (rt: WasmRuntime, words: number): number => (words < 2 * MIN_PARALLEL_ELEMENTS ? 1 : rt.pool.threads);

export function makeIm2colBits(rt: WasmRuntime): Kernels['im2colBits'] {
  return (x, g, out) => {
    const rows = rowsOf(g), outLength = rows * Math.ceil((g.kh * g.kw * g.channels) / 32);
    if (outLength === 0) return;
    const { arena, pool } = rt;
    arena.reset();
    const px = arena.input(x, g.batch * g.height * g.width * Math.ceil(g.channels / 32)), po = arena.output(out, outLength);
    pool.parallel('im2colBits', [px, po, ...geometryArgs(g)], rows, 1, threadsFor(rt, outLength));
    arena.copyOut(po, out, outLength);
  };
}

export function makeIm2colBytes(rt: WasmRuntime): Kernels['im2colBytes'] {
  return (x, g, padValue, out) => {
    const rows = rowsOf(g), outLength = rows * g.kh * g.kw * g.channels;
    if (outLength === 0) return;
    const { arena, pool } = rt;
    arena.reset();
    const px = arena.inputBytes(x, g.batch * g.height * g.width * g.channels), po = arena.alloc(outLength);
    pool.parallel('im2colBytes', [px, po, ...geometryArgs(g), padValue & 255], rows, 1, threadsFor(rt, outLength >> 2));
    out.set(new Uint8Array(rt.heap.memory.buffer, po, outLength));
  };
}

export function makeMaxPoolInt(rt: WasmRuntime): Kernels['maxPoolInt'] {
  return (x, g, y) => {
    const rows = g.batch * g.outH, outs = rows * g.outW * g.channels;
    if (outs === 0) return;
    const { arena, pool } = rt;
    arena.reset();
    const px = arena.input(x, g.batch * g.height * g.width * g.channels), py = arena.output(y, outs);
    pool.parallel('maxPoolInt', [px, py, ...geometryArgs(g)], rows, 1, threadsFor(rt, outs * g.kh * g.kw));
    arena.copyOut(py, y, outs);
  };
}

export function makePoolBits(rt: WasmRuntime): Kernels['poolBits'] {
  return (x, g, flip, y) => {
    const rows = g.batch * g.outH, words = Math.ceil(g.channels / 32), outs = rows * g.outW * words;
    if (outs === 0) return;
    const { arena, pool } = rt;
    arena.reset();
    const px = arena.input(x, g.batch * g.height * g.width * words), pf = arena.input(flip, words), py = arena.output(y, outs);
    pool.parallel('poolBits', [px, pf, py, ...geometryArgs(g)], rows, 1, threadsFor(rt, outs * g.kh * g.kw));
    arena.copyOut(py, y, outs);
  };
}
