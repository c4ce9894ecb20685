// Unsigned bytes × ±1 weights by 8-bit dot products (relaxed-SIMD builds only), exact:
//   C[i,j] = Σ_p x[i,p]·w[j,p] = 2·D[i,j] + 256·B[j] − Σ_p x[i,p],
//   D[i,j] = Σ_p b[j,p]·(x[i,p] − 128),   b = 1 where w = +1, else 0,   B[j] = Σ_p b[j,p]
// for the columns j0 <= j < j1 (a thread's share, multiples of 16). The weights come in the dot
// layout (pixel-sign-dot.ts beside the kernels: packSignDots): for each block of 4 columns and
// each group of 4 consecutive p, 16 bytes, byte 4c + t = b[4·block + c, 4g + t] (0 past k and
// past n); then B, one int32 per column rounded up to whole blocks.
//
// x − 128 is a signed byte and b a 7-bit one, the operands for which the relaxed 8-bit dot
// product is exact on every engine: int16 lanes 2c and 2c + 1 of one dot hold the 4 products of
// one group for column 4·block + c. So a splat of the image's 4 bytes, a weight load, one dot and
// an int16 add do 16 multiply-adds, with no mask to build (pixel-sign-gemm.ts) and no table
// (pixel-sign-nibbles.ts); every 64 groups one pairwise add widens the lanes to the 4 outputs.
// On dense images (photos: CIFAR-10's first layer, k = 27) ~1.5x faster than the nibble tables
// in process CPU time; on digits the tables win, as they skip the background (prepared.ts picks).

import { copyBytes, next } from './packed-conv';
import { THRESHOLD_TILE_ROWS, thresholdPack } from './threshold-pack';

// Pair sums add up in int16 lanes for this many groups (64 · 256 < 2^15), then widen to int32.
const FLUSH_EVERY = 64;

/** Scratch bytes one thread needs for rows of k bytes: the row minus 128, padded to whole groups. */
export function pixelSignDotScratchBytes(k: i32): i32 { return ((k + 15) & ~15) + 16; }

export function pixelSignGemmDot(x: usize, t: usize, c: usize, m: i32, n: i32, k: i32,
  scratch: usize, scratchBytes: i32, j0: i32, j1: i32, thread: i32): void {
  const groups = (k + 3) >>> 2, blocks = (n + 3) >>> 2;
  const blockBytes = <usize>groups << 4, ones = t + <usize>blocks * blockBytes;
  const row = scratch + <usize>thread * scratchBytes;
  const top = i8x16.splat(-128);
  for (let i = 0; i < m; i++) {
    const xi = x + <usize>i * k;
    // x − 128 (XOR of the top bit) into the scratch row, zero past k (where b is 0 anyway), and
    // Σ x = Σ (x − 128) + 128·k from the same vectors
    const vecs = k >>> 4;
    let sum = i32x4.splat(0);
    for (let v = 0; v < vecs; v++) {
      const a = v128.xor(v128.load(xi + (<usize>v << 4)), top);
      v128.store(row + (<usize>v << 4), a);
      sum = i32x4.add(sum, i32x4.extadd_pairwise_i16x8_s(i16x8.extadd_pairwise_i8x16_s(a)));
    }
    if (vecs << 4 < k) {
      v128.store(row + (<usize>vecs << 4), i8x16.splat(0));
      if (vecs > 0) {
        // the last 16 bytes of the row, overlapping the vectors before: no byte loop
        const at = <usize>(k - 16);
        v128.store(row + at, v128.xor(v128.load(xi + at), top));
      } else {
        for (let p = 0; p < k; p++) store<u8>(row + p, load<u8>(xi + p) ^ 0x80);
      }
      const a = v128.load(row + (<usize>vecs << 4));
      sum = i32x4.add(sum, i32x4.extadd_pairwise_i16x8_s(i16x8.extadd_pairwise_i8x16_s(a)));
    }
    const rowTotal = i32x4.extract_lane(sum, 0) + i32x4.extract_lane(sum, 1) + i32x4.extract_lane(sum, 2) + i32x4.extract_lane(sum, 3) + (k << 7);
    const total = i32x4.splat(rowTotal), out = c + ((<usize>i * n) << 2);
    let jb = j0 >>> 2;
    const jbEnd = (j1 + 3) >>> 2;
    // four blocks (16 columns) a pass: one splat serves four dots
    for (; jb + 4 <= jbEnd && (jb + 4) << 2 <= n; jb += 4) {
      const w = t + <usize>jb * blockBytes;
      let a0 = i32x4.splat(0), a1 = a0, a2 = a0, a3 = a0;
      for (let g0 = 0; g0 < groups; g0 += FLUSH_EVERY) {
        const gEnd = min(g0 + FLUSH_EVERY, groups);
        let h0 = i16x8.splat(0), h1 = h0, h2 = h0, h3 = h0;
        for (let g = g0; g < gEnd; g++) {
          const px = v128.load32_splat(row + (<usize>g << 2)), o = <usize>g << 4;
          h0 = i16x8.add(h0, pairs(px, v128.load(w + o)));
          h1 = i16x8.add(h1, pairs(px, v128.load(w + blockBytes + o)));
          h2 = i16x8.add(h2, pairs(px, v128.load(w + 2 * blockBytes + o)));
          h3 = i16x8.add(h3, pairs(px, v128.load(w + 3 * blockBytes + o)));
        }
        a0 = i32x4.add(a0, i32x4.extadd_pairwise_i16x8_s(h0)); a1 = i32x4.add(a1, i32x4.extadd_pairwise_i16x8_s(h1));
        a2 = i32x4.add(a2, i32x4.extadd_pairwise_i16x8_s(h2)); a3 = i32x4.add(a3, i32x4.extadd_pairwise_i16x8_s(h3));
      }
      const o = out + (<usize>jb << 4), b = ones + (<usize>jb << 4);
      v128.store(o, finish(a0, v128.load(b), total));
      v128.store(o, finish(a1, v128.load(b, 16), total), 16);
      v128.store(o, finish(a2, v128.load(b, 32), total), 32);
      v128.store(o, finish(a3, v128.load(b, 48), total), 48);
    }
    for (; jb < jbEnd; jb++) {
      const w = t + <usize>jb * blockBytes;
      let a = i32x4.splat(0);
      for (let g0 = 0; g0 < groups; g0 += FLUSH_EVERY) {
        const gEnd = min(g0 + FLUSH_EVERY, groups);
        let h = i16x8.splat(0);
        for (let g = g0; g < gEnd; g++) h = i16x8.add(h, pairs(v128.load32_splat(row + (<usize>g << 2)), v128.load(w + (<usize>g << 4))));
        a = i32x4.add(a, i32x4.extadd_pairwise_i16x8_s(h));
      }
      const r = finish(a, v128.load(ones + (<usize>jb << 4)), total), j = jb << 2;
      if (j + 4 <= n) { v128.store(out + (<usize>j << 2), r); continue; }
      // the last, partial block
      store<i32>(out + (<usize>j << 2), i32x4.extract_lane(r, 0));
      if (j + 1 < n) store<i32>(out + (<usize>j << 2), i32x4.extract_lane(r, 1), 4);
      if (j + 2 < n) store<i32>(out + (<usize>j << 2), i32x4.extract_lane(r, 2), 8);
    }
  }
}

/** pixelSignGemmDot on images i0 <= i < i1 (a batch split by image), all columns. */
export function pixelSignGemmDotRows(x: usize, t: usize, c: usize, m: i32, n: i32, k: i32,
  scratch: usize, scratchBytes: i32, i0: i32, i1: i32, thread: i32): void {
  pixelSignGemmDot(x + <usize>i0 * k, t, c + ((<usize>i0 * n) << 2), i1 - i0, n, k, scratch, scratchBytes, 0, n, thread);
}

// Lane l (an int16) = a[2l]·b[2l] + a[2l+1]·b[2l+1], a signed, b in 0..127 (so |lane| <= 256):
// the relaxed i16x8 dot, one PMADDUBSW. The plain builds have no such instruction (in plain SIMD
// this kernel is slower than the nibble tables), and their host never calls it. (Not i32x4's
// relaxed dot-add, which would add the pairs too: Node 20's engine returns twice the products for
// it and drops the accumulator.)
// @ts-ignore: decorator
@inline function pairs(a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return i16x8.relaxed_dot_i8x16_i7x16_s(a, b);
  unreachable();
  return a;
}

// 2·D + 256·B − Σx: |C| <= 255·k fits int32; the terms may wrap for huge k, and the wrapped
// int32 arithmetic still lands on the exact result.
// @ts-ignore: decorator
@inline function finish(d: v128, ones: v128, total: v128): v128 {
  return i32x4.sub(i32x4.add(i32x4.shl(d, 1), i32x4.shl(ones, 8)), total);
}

/** Scratch bytes one thread needs for pixelThresholdDot: the row and a tile of products. */
export function pixelThresholdDotScratchBytes(n: i32, k: i32): i32 {
  return pixelSignDotScratchBytes(k) + THRESHOLD_TILE_ROWS * (n << 2);
}

/** out = thresholdPack(pixelSignGemmDot(x, t), base, scale, lim, flip) for images i0 <= i < i1,
 *  a tile of rows at a time: the same integers and the same comparisons, so the same bits. */
export function pixelThresholdDot(x: usize, t: usize, base: usize, scale: i32, lim: usize, flip: usize, out: usize,
  m: i32, n: i32, k: i32, scratch: usize, scratchBytes: i32, i0: i32, i1: i32, thread: i32): void {
  const mine = scratch + <usize>thread * scratchBytes, tile = mine + <usize>pixelSignDotScratchBytes(k);
  const outWords = (n + 31) >>> 5;
  for (let r = i0; r < i1; r += THRESHOLD_TILE_ROWS) {
    const rows = min(THRESHOLD_TILE_ROWS, i1 - r);
    pixelSignGemmDot(x + <usize>r * k, t, tile, rows, n, k, mine, 0, 0, n, 0);
    thresholdPack(tile, rows, n, base, scale, lim, flip, out + ((<usize>r * outWords) << 2));
  }
}

/** Scratch bytes one thread needs for pixelConvThresholdDot: two windows' bytes as they are
 *  and minus 128, each padded to whole vectors and one more (the padding stays 0 in the first;
 *  a window copied a vector a row may write one vector past k), the mask of the first k bytes,
 *  and a column constant per unit. */
export function pixelConvDotScratchBytes(n: i32, k: i32): i32 { return ((((k + 15) & ~15) + 16) * 5) + (n << 2) + 16; }

/** thresholdPack(pixelSignGemmDot(im2colBytes(x), t), base, scale, lim, flip) for output pixels
 *  r0 <= r < r1 of an NHWC byte image, n a multiple of 16 and k at most 4·FLUSH_EVERY (the
 *  int16 sums of a whole window never overflow): two windows at a time gathered from the image
 *  into the thread's scratch (padValue in the padding), their products made 16 columns at a
 *  time, each weight load serving both, and thresholded in registers, so neither the im2col rows
 *  nor the products are stored. v = base + scale·(2D + 256B − Σx) is computed as
 *  (base + 256·scale·B) + 2·scale·D − scale·Σx, the same int32 value (wrapping arithmetic is a
 *  ring), compared with lim as thresholdPack does: the same bits. window = kh | kw << 8 |
 *  stride << 16 | padValue << 24, pads = padTop | padLeft << 16 (a job takes at most 21 arguments). */
export function pixelConvThresholdDot(x: usize, t: usize, base: usize, scale: i32, lim: usize, flip: usize, out: usize, n: i32,
  height: i32, width: i32, ch: i32, window: i32, pads: i32, outH: i32, outW: i32,
  scratch: usize, scratchBytes: i32, r0: i32, r1: i32, thread: i32): void {
  // 2·scale·D by one 16-bit dot (i32x4.dot_i16x8_s: the pair sums times 2·scale, added) where
  // 2·scale fits in 16 bits, else widened and multiplied
  if (scale >= -16384 && scale < 16384) {
    convThresholdDot(x, t, base, scale, lim, flip, out, n, height, width, ch, window, pads, outH, outW, scratch, scratchBytes, r0, r1, thread, true);
  } else {
    convThresholdDot(x, t, base, scale, lim, flip, out, n, height, width, ch, window, pads, outH, outW, scratch, scratchBytes, r0, r1, thread, false);
  }
}

// pixelConvThresholdDot with `narrow` a constant.
// @ts-ignore: decorator
@inline function convThresholdDot(x: usize, t: usize, base: usize, scale: i32, lim: usize, flip: usize, out: usize, n: i32,
  height: i32, width: i32, ch: i32, window: i32, pads: i32, outH: i32, outW: i32,
  scratch: usize, scratchBytes: i32, r0: i32, r1: i32, thread: i32, narrow: bool): void {
  const kh = window & 255, kw = (window >>> 8) & 255, stride = (window >>> 16) & 255, padValue = <u8>(window >>> 24);
  const padTop = pads & 0xffff, padLeft = pads >>> 16, k = kh * kw * ch;
  const groups = (k + 3) >>> 2, blockBytes = <usize>groups << 4, ones = t + <usize>(n >>> 2) * blockBytes;
  const vecBytes = <usize>((k + 15) >>> 4) << 4, stride16 = vecBytes + 16, raw = (scratch + <usize>thread * scratchBytes + 15) & ~(<usize>15);
  const rows = raw + 2 * stride16, mask = rows + 2 * stride16, consts = mask + stride16;
  const outWords = (n + 31) >>> 5, twice = narrow ? i16x8.splat(<i16>(2 * scale)) : i32x4.splat(2 * scale);
  memory.fill(raw, 0, 4 * stride16); // past k: 0 in every window (only [0, k) is written below)
  for (let p = 0; p < <i32>vecBytes; p++) store<u8>(mask + p, p < k ? 1 : 0);
  for (let j = 0; j < n; j++) {
    store<i32>(consts + (<usize>j << 2), load<i32>(base + (<usize>j << 2)) + 256 * scale * load<i32>(ones + (<usize>j << 2)));
  }
  let ox = r0 % outW, oy = (r0 / outW) % outH, b = r0 / (outW * outH);
  for (let r = r0; r < r1; r += 2) {
    // row r's window, and r + 1's (or r's again past r1, computed and not stored)
    const s0 = gatherWindow(x, raw, rows, mask, vecBytes, height, width, ch, kh, kw, stride, padTop, padLeft, padValue, b, oy, ox, scale);
    ox = next(ox, outW); if (ox == 0) { oy = next(oy, outH); if (oy == 0) b++; }
    const second = r + 1 < r1, row1 = rows + (second ? stride16 : 0);
    let s1 = s0;
    if (second) {
      s1 = gatherWindow(x, raw + stride16, row1, mask, vecBytes, height, width, ch, kh, kw, stride, padTop, padLeft, padValue, b, oy, ox, scale);
      ox = next(ox, outW); if (ox == 0) { oy = next(oy, outH); if (oy == 0) b++; }
    }
    const dst0 = out + ((<usize>r * outWords) << 2), dst1 = dst0 + (<usize>outWords << 2);
    let word0: u32 = 0, word1: u32 = 0;
    for (let jb = 0; jb < n >>> 2; jb += 4) { // 16 columns a pass: each weight load serves both windows
      // the pass's 4 blocks interleaved (packSignDots with interleave): group g's 4 vectors adjacent
      let w = t + <usize>jb * blockBytes;
      let h0 = i16x8.splat(0), h1 = h0, h2 = h0, h3 = h0, h4 = h0, h5 = h0, h6 = h0, h7 = h0;
      for (let g = 0; g < groups; g++, w += 64) {
        const p0 = v128.load32_splat(rows + (<usize>g << 2)), p1 = v128.load32_splat(row1 + (<usize>g << 2));
        let wv = v128.load(w);
        h0 = i16x8.add(h0, pairs(p0, wv)); h4 = i16x8.add(h4, pairs(p1, wv));
        wv = v128.load(w, 16);
        h1 = i16x8.add(h1, pairs(p0, wv)); h5 = i16x8.add(h5, pairs(p1, wv));
        wv = v128.load(w, 32);
        h2 = i16x8.add(h2, pairs(p0, wv)); h6 = i16x8.add(h6, pairs(p1, wv));
        wv = v128.load(w, 48);
        h3 = i16x8.add(h3, pairs(p0, wv)); h7 = i16x8.add(h7, pairs(p1, wv));
      }
      const o = <usize>jb << 4, c = consts + o, l = lim + o;
      const c0 = v128.load(c), c1 = v128.load(c, 16), c2 = v128.load(c, 32), c3 = v128.load(c, 48);
      const l0 = v128.load(l), l1 = v128.load(l, 16), l2 = v128.load(l, 32), l3 = v128.load(l, 48);
      const bits0 = unitBits(h0, c0, s0, twice, l0, narrow) | unitBits(h1, c1, s0, twice, l1, narrow) << 4
        | unitBits(h2, c2, s0, twice, l2, narrow) << 8 | unitBits(h3, c3, s0, twice, l3, narrow) << 12;
      const bits1 = unitBits(h4, c0, s1, twice, l0, narrow) | unitBits(h5, c1, s1, twice, l1, narrow) << 4
        | unitBits(h6, c2, s1, twice, l2, narrow) << 8 | unitBits(h7, c3, s1, twice, l3, narrow) << 12;
      if ((jb & 4) == 0) { word0 = bits0; word1 = bits1; } else { word0 |= bits0 << 16; word1 |= bits1 << 16; } // columns 32u + 0..15, + 16..31
      if ((jb & 4) != 0 || jb + 4 == n >>> 2) {
        const u = <usize>(jb >>> 3), f = load<u32>(flip + (u << 2));
        store<u32>(dst0 + (u << 2), word0 ^ f);
        if (second) store<u32>(dst1 + (u << 2), word1 ^ f);
      }
    }
  }
}

/** Window (b, oy, ox) into row, minus 128 (past k anything: the weights are 0 there); returns
 *  −scale·Σx in every lane. A row of taps inside the image is one run of bytes. */
// @ts-ignore: decorator
@inline function gatherWindow(x: usize, raw: usize, row: usize, mask: usize, vecBytes: usize, height: i32, width: i32, ch: i32, kh: i32, kw: i32,
  stride: i32, padTop: i32, padLeft: i32, padValue: u8, b: i32, oy: i32, ox: i32, scale: i32): v128 {
  const x0 = ox * stride - padLeft, y0 = oy * stride - padTop, span = kw * ch;
  const top = i8x16.splat(-128);
  if (span <= 16 && y0 >= 0 && y0 + kh <= height && x0 >= 0 && x0 + kw <= width) {
    // each row of taps one vector (x − 128), stored over the previous one's bytes past its run
    // (the last one's up to 16 bytes past k: the scratch leaves room), read from the image with
    // 16 bytes of slack after it; Σ(x − 128) over the first k bytes by 8-bit dots with a mask
    let src = x + <usize>((b * height + y0) * width + x0) * ch;
    const pitch = <usize>width * ch;
    for (let i = 0; i < kh; i++, src += pitch) v128.store(row + <usize>(i * span), v128.xor(v128.load(src), top));
    let pairsSum = i16x8.splat(0);
    for (let v: usize = 0; v < vecBytes; v += 16) pairsSum = i16x8.add(pairsSum, pairs(v128.load(row + v), v128.load(mask + v)));
    const sum = i32x4.extadd_pairwise_i16x8_s(pairsSum);
    const centred = i32x4.extract_lane(sum, 0) + i32x4.extract_lane(sum, 1) + i32x4.extract_lane(sum, 2) + i32x4.extract_lane(sum, 3);
    return i32x4.splat(-scale * (centred + (kh * span << 7)));
  }
  let dst = raw;
  for (let i = 0; i < kh; i++) {
    const y = oy * stride + i - padTop;
    if (y >= 0 && y < height && x0 >= 0 && x0 + kw <= width) {
      copyBytes(dst, x + <usize>((b * height + y) * width + x0) * ch, span);
      dst += span;
      continue;
    }
    for (let j = 0; j < kw; j++, dst += ch) {
      const xx = x0 + j;
      if (y < 0 || y >= height || xx < 0 || xx >= width) memory.fill(dst, padValue, ch);
      else copyBytes(dst, x + <usize>((b * height + y) * width + xx) * ch, ch);
    }
  }
  // Σx from the bytes as they are (the zeros past k add nothing), and x − 128 beside them
  let sum = i32x4.splat(0);
  for (let v: usize = 0; v < vecBytes; v += 16) {
    const a = v128.load(raw + v);
    sum = i32x4.add(sum, i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(a)));
    v128.store(row + v, v128.xor(a, top));
  }
  const total = i32x4.extract_lane(sum, 0) + i32x4.extract_lane(sum, 1) + i32x4.extract_lane(sum, 2) + i32x4.extract_lane(sum, 3);
  return i32x4.splat(-scale * total);
}

// The bits (v < lim) of 4 units from their int16 pair sums d: v = c + 2·scale·D − scale·Σx;
// twice = 2·scale in int16 lanes where `narrow` (one dot: the products fit int32 and their sum is
// the wrapped product's), else in int32 lanes.
// @ts-ignore: decorator
@inline function unitBits(d: v128, c: v128, rowTerm: v128, twice: v128, lim: v128, narrow: bool): u32 {
  const scaled = narrow ? i32x4.dot_i16x8_s(d, twice) : i32x4.mul(twice, i32x4.extadd_pairwise_i16x8_s(d));
  const v = i32x4.add(i32x4.add(c, rowTerm), scaled);
  return <u32>i32x4.bitmask(i32x4.lt_s(v, lim));
}
