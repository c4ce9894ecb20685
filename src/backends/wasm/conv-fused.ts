import type { HostKernels as Kernels } from '../kernels.js';
import { MIN_PARALLEL_MACS } from './gemm.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** conv2dSignBackwardInput (Kernels) in wasm (assembly/conv-fused.ts): whole images split across
 *  threads, each thread's column tiles in its own scratch. Only dy, the packed signs and dx cross
 *  into and out of wasm memory; the column matrix (kh·kw·C/n times dy) never does. Equals wasm
 *  gemmSignB's table kernel then col2im exactly. */
export function makeConv2dSignBackwardInput(rt: WasmRuntime): Kernels['conv2dSignBackwardInput'] {
  return (dy, wCols, n, g, dx) => {
    const k = g.kh * g.kw * g.channels, m = g.batch * g.outH * g.outW, dxLength = g.batch * g.height * g.width * g.channels;
    if (dxLength === 0) return;
    const { arena, pool } = rt;
    arena.reset();
    const pdy = arena.input(dy, m * n), pw = arena.input(wCols, k * Math.ceil(n / 32)), pd = arena.output(dx, dxLength);
    const threads = m * n * k < MIN_PARALLEL_MACS ? 1 : pool.threads;
    const scratchBytes = Number(rt.exports['conv2dSignBackwardInputScratchBytes']!(k));
    const scratch = arena.alloc(scratchBytes * threads);
    const args = [pdy, pw, pd, n, g.height, g.width, g.channels, g.kh, g.kw, g.stride, g.padTop, g.padLeft, g.outH, g.outW, scratch, scratchBytes];
    pool.parallel('conv2dSignBackwardInput', args, g.batch, 1, threads);
    arena.copyOut(pd, dx, dxLength);
  };
}
