import type { ConvGeometry } from '../kernels.js';
import type { WasmRuntime } from './wasm-runtime.js';
import { pixelRowsProduct, pixelThreads } from './pixel-sign-gemm.js';

/** u32 words of the dot layout (assembly/pixel-sign-dot.ts) of n weight rows of length k: 16
 *  bytes per block of 4 rows and group of 4 along k, then one count per row, whole blocks. */
export function signDotWords(n: number, k: number): number {
  const blocks = Math.ceil(n / 4);
  return blocks * Math.ceil(k / 4) * 4 + blocks * 4;
}

/** Re-lay n packed ±1 rows s (ceil(k/32) words each, bit 1 = −1) in the dot layout that
 *  pixelSignGemmDot reads: for block b of 4 rows and group g of 4 consecutive k, 16 bytes at
 *  byte offset (b·groups + g)·16, byte 4c + t = 1 where row 4b + c has +1 at 4g + t (0 for −1,
 *  past n and past k); then, per row, its count of +1. With `interleave` (n a multiple of 16:
 *  pixelConvThresholdDot's layout) the 4 blocks of each 16 rows go group by group instead, block
 *  4q + c4's group g at ((4q·groups) + 4g + c4)·16, so a pass over 16 rows reads one run. Done
 *  once per model, so plain code. */
export function packSignDots(s: Uint32Array, n: number, k: number, out: Uint32Array = new Uint32Array(signDotWords(n, k)),
  interleave = false): Uint32Array {
  const words = Math.ceil(k / 32), groups = Math.ceil(k / 4), blocks = Math.ceil(n / 4);
  const bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength), ones = out.subarray(blocks * groups * 4);
  bytes.fill(0);
  for (let j = 0; j < n; j++) {
    let count = 0;
    for (let p = 0; p < k; p++) {
      if ((s[j * words + (p >>> 5)]! >>> (p & 31)) & 1) continue;
      const vector = interleave ? (j >>> 4) * 4 * groups + (p >>> 2) * 4 + ((j >>> 2) & 3) : (j >>> 2) * groups + (p >>> 2);
      bytes[vector * 16 + (j & 3) * 4 + (p & 3)] = 1;
      count++;
    }
    ones[j] = count;
  }
  return out;
}

/** The pixel product (Kernels.pixelSignGemm, exactly) from the dot layout, by the relaxed-SIMD
 *  8-bit dot product (assembly/pixel-sign-dot.ts): only in the relaxed builds, whose engines
 *  have it. Images split across threads, or for a few images the columns in blocks of 16. */
export function makePixelSignGemmDot(rt: WasmRuntime): (x: Uint8Array, t: Uint32Array, c: Int32Array, m: number, n: number, k: number) => void {
  return pixelRowsProduct(rt, 'pixelSignGemmDot', 'pixelSignGemmDotRows', 'pixelSignDotScratchBytes', signDotWords);
}

/** thresholdPack(pixelSignGemmDot(x, t), …) fused (assembly pixelThresholdDot: a tile of rows'
 *  products at a time in each thread's scratch); images split across threads. */
export function makePixelThresholdDot(rt: WasmRuntime): (x: Uint8Array, t: Uint32Array, base: Int32Array, scale: number,
  lim: Int32Array, flip: Uint32Array, out: Uint32Array, m: number, n: number, k: number) => void {
  return (x, t, base, scale, lim, flip, out, m, n, k) => {
    if (m === 0 || n === 0) return;
    const { arena, pool } = rt, words = Math.ceil(n / 32);
    arena.reset();
    const px = arena.inputBytes(x, m * k), pt = arena.input(t, signDotWords(n, k));
    const pb = arena.input(base, n), pl = arena.input(lim, n), pf = arena.input(flip, words), po = arena.output(out, m * words);
    const threads = pixelThreads(rt, m, n, k);
    const scratchBytes = Number(rt.exports['pixelThresholdDotScratchBytes']!(n, k));
    const scratch = arena.alloc(scratchBytes * threads);
    pool.parallel('pixelThresholdDot', [px, pt, pb, scale, pl, pf, po, m, n, k, scratch, scratchBytes], m, 1, threads);
    arena.copyOut(po, out, m * words);
  };
}

/** Whether pixelConvThresholdDot takes geometry g and n units: n a multiple of 16, a window of at
 *  most 256 bytes (its int16 sums cannot overflow), window and stride below 256. */
export function pixelConvFits(g: ConvGeometry, n: number): boolean {
  return n % 16 === 0 && g.kh * g.kw * g.channels <= 256 && Math.max(g.kh, g.kw, g.stride) < 256 && Math.max(g.padTop, g.padLeft) < 0x10000;
}

/** thresholdPack(pixelSignGemmDot(im2colBytes(x, g, padValue), t), …) fused (assembly
 *  pixelConvThresholdDot): two windows at a time gathered from the image into a thread's scratch
 *  and their products thresholded in registers (pixelConvFits(g, n) must hold); output pixels
 *  split across threads. */
export function makePixelConvThresholdDot(rt: WasmRuntime): (x: Uint8Array, g: ConvGeometry, padValue: number, t: Uint32Array, base: Int32Array,
  scale: number, lim: Int32Array, flip: Uint32Array, out: Uint32Array, n: number) => void {
  return (x, g, padValue, t, base, scale, lim, flip, out, n) => {
    const m = g.batch * g.outH * g.outW, k = g.kh * g.kw * g.channels;
    if (m === 0 || n === 0) return;
    if (!pixelConvFits(g, n)) throw new RangeError(`pixelConvThresholdDot: geometry or n ${n} out of its range (pixelConvFits)`);
    const { arena, pool } = rt, words = Math.ceil(n / 32);
    arena.reset();
    // 16 bytes of slack: a window's last row of taps is read as one vector
    const px = arena.inputBytes(x, g.batch * g.height * g.width * g.channels, 16), pt = arena.input(t, signDotWords(n, k));
    const pb = arena.input(base, n), pl = arena.input(lim, n), pf = arena.input(flip, words), po = arena.output(out, m * words);
    const threads = pixelThreads(rt, m, n, k);
    const scratchBytes = Number(rt.exports['pixelConvDotScratchBytes']!(n, k));
    const scratch = arena.alloc(scratchBytes * threads);
    const window = g.kh | (g.kw << 8) | (g.stride << 16) | ((padValue & 255) << 24), pads = g.padTop | (g.padLeft << 16);
    pool.parallel('pixelConvThresholdDot', [px, pt, pb, scale, pl, pf, po, n, g.height, g.width, g.channels, window, pads, g.outH, g.outW,
      scratch, scratchBytes], m, 1, threads);
    arena.copyOut(po, out, m * words);
  };
}
