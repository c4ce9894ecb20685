import type { ConvGeometry, HostKernels as Kernels } from '../kernels.js';
import { MIN_PARALLEL_MACS } from './gemm.js';
import { MIN_PARALLEL_ELEMENTS } from './jobs.js';
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

/** Below this many word-XORs the product stays on the calling thread (as xnorGemm). */
const MIN_PARALLEL_WORDS = 1 << 15;

/** conv2dBinaryForward (Kernels) in wasm: the packed columns (packColumnSigns), then xnorGemm's
 *  columns with their floats made in place (assembly/conv-fused.ts), each split across threads as
 *  those kernels split them. The packed columns go in and out of wasm memory once (the weight
 *  gradient needs them), not twice; the products come out as floats. Exact, as the reference. */
export function makeConv2dBinaryForward(rt: WasmRuntime): Kernels['conv2dBinaryForward'] {
  return (x, wRows, n, g, colSigns, y) => {
    const k = g.kh * g.kw * g.channels, words = Math.ceil(k / 32), m = g.batch * g.outH * g.outW;
    if (m === 0) return;
    const { arena, pool } = rt;
    arena.reset();
    const px = arena.input(x, g.batch * g.height * g.width * g.channels), pcs = arena.output(colSigns, m * words);
    packColumnSigns(rt, px, g, pcs);
    if (n > 0) {
      const pw = arena.input(wRows, n * words), py = arena.output(y, m * n);
      // pieces of 32 columns (128 bytes of each row of y) where there are enough of them: a thread
      // then reads the packed columns once per 32 outputs, not per 4, and writes whole line pairs
      const align = n >= 32 * pool.threads ? 32 : 4;
      pool.parallel('conv2dBinaryProduct', [pcs, pw, py, m, n, k], n, align, m * n * Math.max(words, 1) < MIN_PARALLEL_WORDS ? 1 : pool.threads);
      arena.copyOut(py, y, m * n);
    }
    arena.copyOut(pcs, colSigns, m * words);
  };
}

/** im2colPackSigns's rows of the floats at px into pcs. Where C is a multiple of 32 (CNV's hidden
 *  layers) each pixel's signs are packed once (packRows over [pixels, C]) and the rows gathered as
 *  whole words by im2colBits, instead of comparing every float once per tap (kh·kw times); the
 *  bits are the same (bit 1 where x < 0 by a float compare, padding 0), so the columns are too. */
function packColumnSigns(rt: WasmRuntime, px: number, g: ConvGeometry, pcs: number): void {
  const { arena, pool } = rt, m = g.batch * g.outH * g.outW, k = g.kh * g.kw * g.channels, words = Math.ceil(k / 32);
  const geometry = [g.height, g.width, g.channels, g.kh, g.kw, g.stride, g.padTop, g.padLeft, g.outH, g.outW];
  if (g.channels % 32 !== 0) {
    pool.parallel('im2colPackSigns', [px, pcs, ...geometry], m, 1, m * k < MIN_PARALLEL_ELEMENTS ? 1 : pool.threads);
    return;
  }
  const pixels = g.batch * g.height * g.width, inWords = g.channels / 32;
  const pixelSigns = arena.alloc(pixels * inWords * 4);
  pool.parallel('packRows', [px, pixelSigns, pixels, g.channels], pixels, 1, pixels * g.channels < MIN_PARALLEL_ELEMENTS ? 1 : pool.threads);
  pool.parallel('im2colBits', [pixelSigns, pcs, ...geometry], m, 1, m * words < 2 * MIN_PARALLEL_ELEMENTS ? 1 : pool.threads);
}
