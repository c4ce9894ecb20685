// A fused binary product and threshold with the roles of xnor-threshold-sliced.ts swapped, for
// products with many rows and few columns (a conv layer's output pixels against its filters):
// out row i, bit j = (C[i,j] < lim[j]) XOR flip bit j, C = k − 2·popcount(A_i XOR B_j).
// Here the rows of A are bit-sliced, 128 at a time, by the kernel itself (a transpose of each
// block of 128 rows into k vectors, bit r of vector p = bit p of row r), and the weight rows B_j
// come as lists of their rarer bits (rowLists, made once per model). Each weight row's list is
// counted against every slice of rows, so listing is paid once per model, not once per image
// row as in xnorThresholdSliced: that is what wins where n is small and m large. Units come in
// pairs, and the positions both of a pair list are counted once for the two (the count's state
// kept and each unit's own positions counted on from it): about a quarter fewer rows read on
// random weights, where two lists of ~k/2 positions share ~k/4.
//
// With c the count over B_j's listed positions and pop_i = popcount(A_i):
//   ones listed:  C = bias + 4c − 2·pop_i, so C < lim  ⟺  4c + (bias − lim) < 2·pop_i;
//   zeros listed: C = bias − 4c + 2·pop_i, so C < lim  ⟺  2·pop_i < 4c + (lim − bias);
// bias = k − 2·popcount(B_j). lim is clamped to [−k, k + 1] (no comparison with a product of k
// ±1 terms changes), so every value lies in [−k − 1, 3k + 1]: W = thresholdPlanes(k) bits of
// two's complement, compared bit-sliced as there, the sign bit flipped so that unsigned order is
// signed order. A block's 128 × n result bits are transposed back into the packed rows.

import { carriesOf, carryVectors, count, countFrom, level0, LEVEL0_PLANES, PLANES, SLICE } from './xnor-gemm-sliced';
import { compareSliced } from './xnor-threshold-sliced';

/** Words a pair of weight rows takes in rowLists: at most half of each row's bits are its
 *  rarer value, each listed position is listed once, and each row's own list is padded to a
 *  multiple of 8 (packRowLists beside the glue). */
// @ts-ignore: decorator
@inline function pairListWords(k: i32): i32 { return ((k >>> 1) << 1) + 16; }

/** Scratch bytes one thread needs: the slice (k rounded up to words of 32 rows) and a zero row
 *  after it, the planes of 2·pop, the result tile (n rounded up to 32), the counter planes, the
 *  carries of counting all k rows, the list of all k rows padded to a multiple of 8, the slice's
 *  row addresses, the words' offsets in a row, a pair's shared count's level-0 planes kept, the
 *  carries of level 1 and up (apart, so level 0's shared carries stay for the pair's second
 *  unit), and the output row of each slice position. */
export function xnorRowSlicedScratchBytes(n: i32, k: i32): i32 {
  const words = (k + 31) >>> 5, rows = (words << 5) + 1, tile = ((n + 31) >>> 5) << 5;
  return (rows + 32 + tile + PLANES + carryVectors(k) + ((k + 10) >>> 2) + 32 + ((words + 3) >>> 2) + LEVEL0_PLANES + carryVectors(k) + 32 + 1) << 4; // one more to align
}

// In place, on 32 vectors at p: four 32 × 32 bit matrices (one per i32 lane) transposed, so that
// bit c of word r (lane g) becomes bit r of word c. Round j swaps the off-diagonal blocks of size
// j: bit b + j of word r with bit b of word r + j (r, b with bit j clear). Each round swaps bit j
// of the word's index with bit j of the bit's, so the rounds commute: rounds 1, 2 and 4 run on 8
// consecutive words at a time, rounds 8 and 16 on words r, r + 8, r + 16, r + 24, each group
// held in registers, so the 32 words go through memory twice instead of once per round.
function transpose32x4(p: usize): void {
  const m1 = i32x4.splat(0x55555555), m2 = i32x4.splat(0x33333333), m4 = i32x4.splat(0x0f0f0f0f);
  for (let g: usize = 0; g < 512; g += 128) {
    const at = p + g;
    let v0 = v128.load(at), v1 = v128.load(at, 16), v2 = v128.load(at, 32), v3 = v128.load(at, 48);
    let v4 = v128.load(at, 64), v5 = v128.load(at, 80), v6 = v128.load(at, 96), v7 = v128.load(at, 112);
    let t = delta(v0, v4, 4, m4); v0 = v128.xor(v0, i32x4.shl(t, 4)); v4 = v128.xor(v4, t);
    t = delta(v1, v5, 4, m4); v1 = v128.xor(v1, i32x4.shl(t, 4)); v5 = v128.xor(v5, t);
    t = delta(v2, v6, 4, m4); v2 = v128.xor(v2, i32x4.shl(t, 4)); v6 = v128.xor(v6, t);
    t = delta(v3, v7, 4, m4); v3 = v128.xor(v3, i32x4.shl(t, 4)); v7 = v128.xor(v7, t);
    t = delta(v0, v2, 2, m2); v0 = v128.xor(v0, i32x4.shl(t, 2)); v2 = v128.xor(v2, t);
    t = delta(v1, v3, 2, m2); v1 = v128.xor(v1, i32x4.shl(t, 2)); v3 = v128.xor(v3, t);
    t = delta(v4, v6, 2, m2); v4 = v128.xor(v4, i32x4.shl(t, 2)); v6 = v128.xor(v6, t);
    t = delta(v5, v7, 2, m2); v5 = v128.xor(v5, i32x4.shl(t, 2)); v7 = v128.xor(v7, t);
    t = delta(v0, v1, 1, m1); v0 = v128.xor(v0, i32x4.shl(t, 1)); v1 = v128.xor(v1, t);
    t = delta(v2, v3, 1, m1); v2 = v128.xor(v2, i32x4.shl(t, 1)); v3 = v128.xor(v3, t);
    t = delta(v4, v5, 1, m1); v4 = v128.xor(v4, i32x4.shl(t, 1)); v5 = v128.xor(v5, t);
    t = delta(v6, v7, 1, m1); v6 = v128.xor(v6, i32x4.shl(t, 1)); v7 = v128.xor(v7, t);
    v128.store(at, v0); v128.store(at, v1, 16); v128.store(at, v2, 32); v128.store(at, v3, 48);
    v128.store(at, v4, 64); v128.store(at, v5, 80); v128.store(at, v6, 96); v128.store(at, v7, 112);
  }
  const m8 = i32x4.splat(0x00ff00ff), m16 = i32x4.splat(0x0000ffff);
  for (let r: usize = 0; r < 128; r += 16) {
    const at = p + r;
    let v0 = v128.load(at), v1 = v128.load(at, 128), v2 = v128.load(at, 256), v3 = v128.load(at, 384);
    let t = delta(v0, v2, 16, m16); v0 = v128.xor(v0, i32x4.shl(t, 16)); v2 = v128.xor(v2, t);
    t = delta(v1, v3, 16, m16); v1 = v128.xor(v1, i32x4.shl(t, 16)); v3 = v128.xor(v3, t);
    t = delta(v0, v1, 8, m8); v0 = v128.xor(v0, i32x4.shl(t, 8)); v1 = v128.xor(v1, t);
    t = delta(v2, v3, 8, m8); v2 = v128.xor(v2, i32x4.shl(t, 8)); v3 = v128.xor(v3, t);
    v128.store(at, v0); v128.store(at, v1, 128); v128.store(at, v2, 256); v128.store(at, v3, 384);
  }
}

// The bits a round of size j swaps between words x (its upper bits) and y (its lower), in y's places.
// @ts-ignore: decorator
@inline function delta(x: v128, y: v128, j: i32, mask: v128): v128 { return v128.and(v128.xor(i32x4.shr_u(x, j), y), mask); }

// Word q of rows r, r + 32, r + 64, r + 96 of the slice: their addresses (lanes of vector r of
// addrs) plus the word's offset.
// @ts-ignore: decorator
@inline function gather(addrs: usize, r: i32, offset: i32): v128 {
  const at = i32x4.add(v128.load(addrs + (<usize>r << 4)), i32x4.splat(offset));
  let v = i32x4.splat(load<i32>(<usize>i32x4.extract_lane(at, 0)));
  v = i32x4.replace_lane(v, 1, load<i32>(<usize>i32x4.extract_lane(at, 1)));
  v = i32x4.replace_lane(v, 2, load<i32>(<usize>i32x4.extract_lane(at, 2)));
  return i32x4.replace_lane(v, 3, load<i32>(<usize>i32x4.extract_lane(at, 3)));
}

// `count` vectors from src to dst: a pair's kept count is a few dozen vectors, which a loop copies
// faster than a memory.copy call does.
// @ts-ignore: decorator
@inline function copyVectors(dst: usize, src: usize, count: i32): void {
  for (let i = 0; i < count; i++) v128.store(dst + (<usize>i << 4), v128.load(src + (<usize>i << 4)));
}

// Unit j's result bits for the slice into tile vector j: its own list (`len` entries, padded)
// counted on from the pair's shared count (level0's state, `from` carries), `listed` positions in all.
// @ts-ignore: decorator
@inline function unitBits(rows: usize, list: usize, len: i32, listed: i32, zeros: bool, j: i32, planes: usize, carries: usize,
  up: usize, from: i32, k: i32, w: i32, pops: usize, lim: usize, flip: usize, tile: usize): void {
  const used = countFrom(rows, list, len, planes, carries, from, up);
  const ones = zeros ? k - listed : listed, bias = k - 2 * ones;
  const l = min(max(load<i32>(lim + (<usize>j << 2)), -k), k + 1);
  const beta = zeros ? l - bias : bias - l;
  // ones listed: 4c + beta < P; zeros listed: P < 4c + beta
  const less = compareSliced(planes, used, beta, w, pops, zeros);
  const flipped = (load<u32>(flip + (<usize>(j >>> 5) << 2)) >>> (j & 31)) & 1;
  v128.store(tile + (<usize>j << 4), v128.xor(less, i32x4.splat(-flipped)));
}

/** Slices s0 <= s < s1 (rows 128s..128s+127 of A, the last one partial) of the fused product.
 *  rowLists (packRowLists beside the glue): per pair u of units, words 8u..8u+5 hold the length
 *  of the positions both list (a multiple of 8), the two units (the second −1 where n is odd),
 *  the lengths of their own lists and their modes (bit 0, bit 1: 1 if that unit lists zeros);
 *  the pair's lists (byte offsets 16p of the slice rows p), shared then each unit's own padded
 *  to a multiple of 8 with the offset 16·32·ceil(k/32) of a zero row, start at word
 *  8·ceil(n/2) + u·(2·floor(k/2) + 16). */
export function xnorThresholdRowSliced(a: usize, rowLists: usize, lim: usize, flip: usize, out: usize, m: i32, n: i32, k: i32,
  scratch: usize, scratchBytes: i32, s0: i32, s1: i32, thread: i32): void {
  slices(a, rowLists, lim, flip, out, m, n, k, scratch, scratchBytes, s0, s1, thread, MATRIX, 0, 0, 0, 0, 0, 0, 0);
}

/** The same on the rows of im2colBits(x) without storing them: x holds NHWC images of `ch`
 *  channels (a multiple of 32: a pixel's words are whole) with no padding, and row (b, oy, ox)'s
 *  word q is word q mod (ch/32) of the tap q div (ch/32), read in place (k = kh·kw·ch,
 *  m = batch·outH·outW). The same bits, so the same results, with no im2col pass. */
export function xnorThresholdConvRowSliced(x: usize, rowLists: usize, lim: usize, flip: usize, out: usize, m: i32, n: i32,
  height: i32, width: i32, ch: i32, kh: i32, kw: i32, stride: i32, outH: i32, outW: i32,
  scratch: usize, scratchBytes: i32, s0: i32, s1: i32, thread: i32): void {
  slices(x, rowLists, lim, flip, out, m, n, kh * kw * ch, scratch, scratchBytes, s0, s1, thread, GATHER, height, width, ch, kw, stride, outH, outW);
}

/** The same for stride 1, its slices taken per image over the positions oy·width + ox (ox up to
 *  width, not outW: the output pixels past outW are computed and not stored), so that a tap's
 *  128 rows of one channel are 128 consecutive bits of that channel's bitmap over the image:
 *  each slice row is one shifted load instead of a gather and a share of a transpose. The
 *  bitmaps (one per channel, made per image by transposing its pixels) follow the thread's
 *  scratch (xnorRowSlicedBitmapBytes more). Slices s0 <= s < s1 of batch·ceil(Q/128) in all,
 *  Q = (outH − 1)·width + outW the positions of one image. */
export function xnorThresholdConvRowSlicedBitmaps(x: usize, rowLists: usize, lim: usize, flip: usize, out: usize, n: i32,
  height: i32, width: i32, ch: i32, kh: i32, kw: i32, outH: i32, outW: i32,
  scratch: usize, scratchBytes: i32, s0: i32, s1: i32, thread: i32): void {
  slices(x, rowLists, lim, flip, out, 0, n, kh * kw * ch, scratch, scratchBytes, s0, s1, thread, BITMAPS, height, width, ch, kw, 1, outH, outW);
}

/** Bytes of one channel's bitmap over an image of `pixels` pixels: whole vectors, and room for a
 *  slice row read 128 bits (and one byte more) from any pixel's bit. */
// @ts-ignore: decorator
@inline function bitmapBytes(pixels: i32): i32 { return (((pixels + 127) >>> 7) + 2) << 4; }

/** Scratch bytes a thread needs beyond xnorRowSlicedScratchBytes for the bitmaps of one image. */
export function xnorRowSlicedBitmapBytes(height: i32, width: i32, ch: i32): i32 { return ch * bitmapBytes(height * width) + 16; }

// ch slice rows at dst: 128 bits of each channel's bitmap from bit `shift` of the byte at src.
// Result byte 2j is the high byte of the 16-bit lane j of the bytes from src times 2^(8 − shift)
// (that lane's bits shift..shift + 7), byte 2j + 1 the same of the bytes from src + 1: two 16-bit
// multiplies by one vector, where shifts by a count in a variable cost the engine four
// instructions each.
// @ts-ignore: decorator
@inline function shiftedRows(dst: usize, src: usize, ch: i32, mapBytes: i32, shift: i32): void {
  const m = 1 << (8 - shift), times = i32x4.splat(m | (m << 16)), high = i32x4.splat(0xff00ff00);
  for (let c = 0; c < ch; c++, src += <usize>mapBytes) {
    const even = i16x8.mul(v128.load(src), times), odd = i16x8.mul(v128.load(src, 1), times);
    v128.store(dst + (<usize>c << 4), v128.or(i16x8.shr_u(even, 8), v128.and(odd, high)));
  }
}

// How a slice's rows are made: A's rows (a matrix's, k bits each in whole words) or the im2col
// rows of an image gathered and transposed; or bitmap rows (xnorThresholdConvRowSlicedBitmaps).
const MATRIX = 0, GATHER = 1, BITMAPS = 2;

// The bitmaps of the image at x (pixels of pixelWords words): channel c's bit p (at maps +
// c·mapBytes) = channel c of pixel p; 128 pixels at a time gathered a word at a time into block
// (32 vectors) and transposed, as the slices of GATHER are. Pixels past the image read the last
// one (the bits of no stored output).
function buildBitmaps(x: usize, pixels: i32, pixelWords: i32, maps: usize, mapBytes: i32, addrs: usize, block: usize): void {
  for (let p0 = 0; p0 < pixels; p0 += SLICE) {
    for (let i = 0; i < SLICE; i++) {
      const at = x + ((<usize>min(p0 + i, pixels - 1) * pixelWords) << 2);
      store<i32>(addrs + (<usize>(((i & 31) << 2) | (i >>> 5)) << 2), <i32>at);
    }
    for (let w = 0; w < pixelWords; w++) {
      for (let r = 0; r < 32; r++) v128.store(block + (<usize>r << 4), gather(addrs, r, w << 2));
      transpose32x4(block);
      const dst = maps + <usize>(w << 5) * mapBytes + (<usize>p0 >>> 3);
      for (let c = 0; c < 32; c++) v128.store(dst + <usize>c * mapBytes, v128.load(block + (<usize>c << 4)));
    }
  }
}

// The slices s0 <= s < s1, their rows made as `mode` says.
function slices(a: usize, rowLists: usize, lim: usize, flip: usize, out: usize, m: i32, n: i32, k: i32,
  scratch: usize, scratchBytes: i32, s0: i32, s1: i32, thread: i32, mode: i32,
  height: i32, width: i32, ch: i32, kw: i32, stride: i32, outH: i32, outW: i32): void {
  const words = (k + 31) >>> 5, outWords = (n + 31) >>> 5, pairs = (n + 1) >>> 1, area = pairListWords(k);
  const mine = scratch + <usize>thread * scratchBytes, rows = (mine + 15) & ~(<usize>15);
  const zero = rows + (<usize>(words << 5) << 4), pops = zero + 16;
  const tile = pops + (32 << 4), planes = tile + (<usize>(outWords << 5) << 4), carries = carriesOf(planes);
  const all = carries + (<usize>carryVectors(k) << 4), addrs = all + (<usize>((k + 10) >>> 2) << 4), offsets = addrs + (32 << 4);
  const saved = offsets + (<usize>((words + 3) >>> 2) << 4), up = saved + (<usize>LEVEL0_PLANES << 4), targets = up + (<usize>carryVectors(k) << 4);
  const w = 33 - clz(<u32>(3 * k + 1)), pixelWords = ch >>> 5;
  // BITMAPS: the bitmaps after the scratch, the positions of one image and its slices
  const pixels = height * width, mapBytes = bitmapBytes(pixels);
  const maps = mode == BITMAPS ? (mine + <usize>xnorRowSlicedScratchBytes(n, k) + 15) & ~(<usize>15) : 0;
  const perImage = (outH - 1) * width + outW, imageSlices = (perImage + SLICE - 1) / SLICE;
  let built = -1;
  // the lists' padding points at a row of zeros after the slice (counting it adds nothing)
  v128.store(zero, i8x16.splat(0));
  const allLength = (k + 7) & ~7;
  for (let p = 0; p < allLength; p++) store<u32>(all + (<usize>p << 2), <u32>(p < k ? p << 4 : <i32>(zero - rows)));
  // MATRIX, GATHER: each word's offset from its row's address: the tap's pixel, then the word in it
  for (let q = 0; mode != BITMAPS && q < words; q++) {
    const tap = mode == MATRIX ? 0 : q / pixelWords;
    const offset = mode == MATRIX ? q << 2 : ((tap / kw * width + tap % kw) * pixelWords + q % pixelWords) << 2;
    store<i32>(offsets + (<usize>q << 2), offset);
  }
  for (let s = s0; s < s1; s++) {
    if (mode == BITMAPS) {
      // slice position q0 + i is output pixel (oy, ox) = divmod(q0 + i, width) of image `image`
      const image = s / imageSlices, q0 = (s - image * imageSlices) * SLICE;
      if (image != built) {
        buildBitmaps(a + ((<usize>image * pixels * pixelWords) << 2), pixels, pixelWords, maps, mapBytes, addrs, rows);
        built = image;
      }
      // slice row (tap, c): channel c's bits from pixel q0 + the tap's offset on, one 128-bit
      // load shifted by the bit offset in its byte (the next byte's load fills the lanes' tops)
      for (let tap = 0; tap * ch < k; tap++) {
        const t = q0 + tap / kw * width + tap % kw, src = maps + <usize>(t >>> 3), dst = rows + (<usize>(tap * ch) << 4);
        shiftedRows(dst, src, ch, mapBytes, t & 7);
      }
      let oy = q0 / width, ox = q0 - oy * width;
      for (let i = 0; i < SLICE; i++) {
        store<i32>(targets + (<usize>i << 2), q0 + i < perImage && ox < outW ? (image * outH + oy) * outW + ox : -1);
        if (++ox == width) { ox = 0; oy++; }
      }
    } else {
      const base = s * SLICE;
      // row base + 32g + r's address in lane g of vector r; rows past m read row m − 1, whose
      // results for them are never stored (every result bit is its own row's)
      let ox = 0, oy = 0, b = 0;
      if (mode == GATHER) { ox = base % outW; oy = (base / outW) % outH; b = base / (outW * outH); }
      for (let i = 0; i < SLICE; i++) {
        let at: usize;
        if (mode == MATRIX) at = a + ((<usize>min(base + i, m - 1) * words) << 2);
        else {
          at = a + ((<usize>((b * height + oy * stride) * width + ox * stride) * pixelWords) << 2);
          if (base + i + 1 < m) { ox++; if (ox == outW) { ox = 0; oy++; if (oy == outH) { oy = 0; b++; } } }
        }
        store<i32>(addrs + (<usize>(((i & 31) << 2) | (i >>> 5)) << 2), <i32>at);
        store<i32>(targets + (<usize>i << 2), base + i < m ? base + i : -1);
      }
      // the slice: word q of rows base + 32g + r (lane g) transposed into slice rows 32q + (0..31)
      for (let q = 0; q < words; q++) {
        const at = rows + (<usize>(q << 5) << 4), offset = load<i32>(offsets + (<usize>q << 2));
        for (let r = 0; r < 32; r++) v128.store(at + (<usize>r << 4), gather(addrs, r, offset));
        transpose32x4(at);
      }
    }
    // P = 2·pop_i + 2^(W−1) bit-sliced: the popcounts counted like any list (all k rows), shifted
    // up one plane, and the top plane all ones (2·pop <= 2k < 2^(W−1): no carry into it)
    const popPlanes = count(rows, all, allLength, planes, carries);
    v128.store(pops, i8x16.splat(0));
    for (let b = 1; b < w - 1; b++) {
      v128.store(pops + (<usize>b << 4), b - 1 < popPlanes ? v128.load(planes + (<usize>(b - 1) << 4)) : i8x16.splat(0));
    }
    v128.store(pops + (<usize>(w - 1) << 4), i8x16.splat(-1));
    // the units in pairs: the positions both list counted once, the count kept (its level-0
    // registers and carries), then each unit's own positions counted on from it
    for (let u = 0; u < pairs; u++) {
      const h = rowLists + (<usize>u << 5), shared = load<i32>(h), unitA = load<i32>(h, 4), unitB = load<i32>(h, 8);
      const lenA = load<i32>(h, 12), lenB = load<i32>(h, 16), modes = load<i32>(h, 20), paddedA = (lenA + 7) & ~7;
      const listS = rowLists + ((<usize>(8 * pairs) + <usize>u * area) << 2), listA = listS + (<usize>shared << 2), listB = listA + (<usize>paddedA << 2);
      const from = level0(rows, listS, shared, planes, carries, -1);
      // (the shared carries stay: each unit's level 1 writes to `up`)
      if (unitB >= 0) copyVectors(saved, planes, LEVEL0_PLANES);
      unitBits(rows, listA, paddedA, shared + lenA, (modes & 1) != 0, unitA, planes, carries, up, from, k, w, pops, lim, flip, tile);
      if (unitB < 0) continue;
      copyVectors(planes, saved, LEVEL0_PLANES);
      unitBits(rows, listB, (lenB + 7) & ~7, shared + lenB, (modes & 2) != 0, unitB, planes, carries, up, from, k, w, pops, lim, flip, tile);
    }
    // units past n give 0 bits (flip's are 0 there)
    for (let j = n; j < outWords << 5; j++) v128.store(tile + (<usize>j << 4), i8x16.splat(0));
    // back to rows: tile words 32u..32u+31 transposed give word u of the results of slice
    // positions 32g + r, stored in the output rows `targets` gives them (none for −1)
    for (let u = 0; u < outWords; u++) {
      const at = tile + (<usize>(u << 5) << 4);
      transpose32x4(at);
      for (let r = 0; r < 32; r++) {
        const v = v128.load(at + (<usize>r << 4)), to = targets + (<usize>r << 2);
        let i = load<i32>(to);
        if (i >= 0) store<i32>(out + ((<usize>i * outWords + u) << 2), i32x4.extract_lane(v, 0));
        i = load<i32>(to, 128);
        if (i >= 0) store<i32>(out + ((<usize>i * outWords + u) << 2), i32x4.extract_lane(v, 1));
        i = load<i32>(to, 256);
        if (i >= 0) store<i32>(out + ((<usize>i * outWords + u) << 2), i32x4.extract_lane(v, 2));
        i = load<i32>(to, 384);
        if (i >= 0) store<i32>(out + ((<usize>i * outWords + u) << 2), i32x4.extract_lane(v, 3));
      }
    }
  }
}
