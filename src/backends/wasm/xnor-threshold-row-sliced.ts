import type { ConvGeometry } from '../kernels.js';
import { SLICE } from '../reference/xnor-gemm-sliced.js';
import { rowListWords } from './row-lists.js';
import type { WasmRuntime } from './wasm-runtime.js';

/** Below this many slice-units (a unit's list counted against 128 rows, ~0.4 µs each here on
 *  CNV's sizes) a layer stays on the calling thread. */
const MIN_PARALLEL_UNITS = 64;

/** Whether xnorThresholdRowSliced beats the per-row kernels on m rows of a layer of n units:
 *  its slices must be at least 3/4 full, and as n grows each slice reads more lists (4 bytes
 *  per listed bit, against 1 bit per weight in the sliced layout) while the per-row kernels
 *  list each row once for more columns. Measured on one thread of the 2-core EPYC (CPU time,
 *  random bits), against the kernel binaryThreshold takes otherwise: 1.7x at 784 × 64 × 576 (CNV's
 *  conv2, one image), 1.08x at 100 × 128 × 1152, 1.2-1.5x at 256 × 256, 1.4x at 6400 × 512 ×
 *  2304, 2.4x at 10,000 × 128 × 1152; but 0.85x at 144 × 128 (a slice 1/8 full), 1.0x at
 *  300 × 256 and 400 × 512, 0.7x at 100 × 512-1024, 0.7-0.8x at 256 × 1024-2048. */
export function rowSlicedPays(m: number, n: number): boolean {
  const fill = m / (SLICE * Math.ceil(m / SLICE));
  return fill >= 0.75 && (n <= 128 || (n <= 256 && m >= 256) || (n <= 512 && m >= 2048));
}

/** thresholdPack(xnorGemm(a, b), m, n, null, 1, lim, flip) with the rows of a bit-sliced by the
 *  kernel and b's rows given as packRowLists lists (assembly/xnor-threshold-row-sliced.ts):
 *  slices of 128 rows split across threads, each thread transposing its own. Exact; k < 2^28. */
export function makeXnorThresholdRowSliced(rt: WasmRuntime): (a: Uint32Array, lists: Uint32Array, lim: Int32Array, flip: Uint32Array,
  out: Uint32Array, m: number, n: number, k: number) => void {
  return (a, lists, lim, flip, out, m, n, k) =>
    runSlices(rt, 'xnorThresholdRowSliced', a, m * Math.ceil(k / 32), lists, lim, flip, out, m, n, k, Math.ceil(m / SLICE), 0,
      (scratch) => [m, n, k, ...scratch]);
}

/** Whether xnorThresholdConvRowSliced can read geometry g's im2col rows in place: whole words
 *  per pixel and no padding (a padded tap is +1 bits that are not in the image). */
export function convRowsInPlace(g: ConvGeometry): boolean {
  return g.channels % 32 === 0 && g.padTop === 0 && g.padLeft === 0
    && (g.outH - 1) * g.stride + g.kh <= g.height && (g.outW - 1) * g.stride + g.kw <= g.width;
}

/** xnorThresholdRowSliced on the rows im2colBits(x, g) would write, read from the NHWC image x
 *  in place (convRowsInPlace(g) must hold): the same bits, so the same results, with no im2col
 *  pass. At stride 1, where slicing each image over its positions oy·width + ox (the columns
 *  past outW computed and dropped) takes no more slices than slicing the output pixels, the
 *  slice rows are shifted loads from per-channel bitmaps of the image (bitmapSlices) instead of
 *  gathered and transposed: one image's conv layers at batch 1. Exact; kh·kw·channels < 2^28. */
export function makeXnorThresholdConvRowSliced(rt: WasmRuntime): (x: Uint32Array, g: ConvGeometry, lists: Uint32Array, lim: Int32Array,
  flip: Uint32Array, out: Uint32Array, n: number) => void {
  return (x, g, lists, lim, flip, out, n) => {
    const m = g.batch * g.outH * g.outW, k = g.kh * g.kw * g.channels, image = g.batch * g.height * g.width * (g.channels / 32);
    const bitmaps = bitmapSlices(g);
    if (bitmaps !== null) {
      const more = Number(rt.exports['xnorRowSlicedBitmapBytes']!(g.height, g.width, g.channels));
      runSlices(rt, 'xnorThresholdConvRowSlicedBitmaps', x, image, lists, lim, flip, out, m, n, k, bitmaps, more,
        (scratch) => [n, g.height, g.width, g.channels, g.kh, g.kw, g.outH, g.outW, ...scratch]);
      return;
    }
    runSlices(rt, 'xnorThresholdConvRowSliced', x, image, lists, lim, flip, out, m, n, k, Math.ceil(m / SLICE), 0,
      (scratch) => [m, n, g.height, g.width, g.channels, g.kh, g.kw, g.stride, g.outH, g.outW, ...scratch]);
  };
}

/** The slices of xnorThresholdConvRowSlicedBitmaps for geometry g (in place, stride 1), or null
 *  where slicing the output pixels takes fewer (a batch of many images: each image's dropped
 *  columns add up). */
export function bitmapSlices(g: ConvGeometry): number | null {
  if (g.stride !== 1) return null;
  const perImage = Math.ceil(((g.outH - 1) * g.width + g.outW) / SLICE) * g.batch;
  return perImage <= Math.ceil((g.batch * g.outH * g.outW) / SLICE) ? perImage : null;
}

/** One row-sliced job: its rows' source (`inputWords` words), the lists, thresholds and flips in,
 *  the packed rows out, `slices` slices split across threads, each with its scratch (`more`
 *  bytes past the kernels' own); `args` places the job's own arguments around the scratch's
 *  [address, bytes per thread]. */
function runSlices(rt: WasmRuntime, job: 'xnorThresholdRowSliced' | 'xnorThresholdConvRowSliced' | 'xnorThresholdConvRowSlicedBitmaps',
  a: Uint32Array, inputWords: number, lists: Uint32Array, lim: Int32Array, flip: Uint32Array, out: Uint32Array, m: number, n: number,
  k: number, slices: number, more: number, args: (scratch: [number, number]) => number[]): void {
  if (m === 0 || n === 0) return;
  const { arena, pool } = rt, outWords = Math.ceil(n / 32);
  arena.reset();
  const pa = arena.input(a, inputWords), pl = arena.input(lists, rowListWords(n, k));
  const plim = arena.input(lim, n), pf = arena.input(flip, outWords), po = arena.output(out, m * outWords);
  const threads = slices * n < MIN_PARALLEL_UNITS ? 1 : pool.threads;
  const scratchBytes = Number(rt.exports['xnorRowSlicedScratchBytes']!(n, k)) + more;
  const scratch = arena.alloc(scratchBytes * threads);
  pool.parallel(job, [pa, pl, plim, pf, po, ...args([scratch, scratchBytes])], slices, 1, threads);
  arena.copyOut(po, out, m * outWords);
}
