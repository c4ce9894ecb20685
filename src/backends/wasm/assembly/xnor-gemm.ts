// Binary GEMM on packed rows, WebAssembly SIMD: C[i,j] = k - 2·popcount(A_i XOR B_j) for the
// columns j0 <= j < j1 (a thread's share: splitting columns is what helps a batch-1 layer).
// Layout as in kernels.ts: a is m rows, b is n rows, each ceil(k/32) u32 words, tail bits 0.

import { THRESHOLD_TILE_ROWS, thresholdPack } from './threshold-pack';

// Columns of B per cache block: its rows are reused by every row pair of A, so keep ~16 KiB of
// them hot in L1 (half of Zen 3's 32 KiB; the A pair and the stream of C need the rest).
const B_BLOCK_BYTES: usize = 16384;
// i8x16 lanes count at most 8 set bits per v128; 31 adds keep a lane <= 248, below u8 overflow.
const FLUSH_EVERY: i32 = 31;

export function xnorGemm(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, j0: i32, j1: i32): void {
  const words = (k + 31) >>> 5;
  const rowBytes = <usize>words << 2;
  const nb = max<i32>(4, <i32>(B_BLOCK_BYTES / max<usize>(rowBytes, 1)) & ~3);
  for (let jb = j0; jb < j1; jb += nb) {
    const je = min(jb + nb, j1);
    let i = 0;
    for (; i + 2 <= m; i += 2) {
      for (let j = jb; j < je; j += 4) micro2x4(a + <usize>i * rowBytes, b, c, i, j, je, n, k, words);
    }
    if (i < m) for (let j = jb; j < je; j += 4) micro1x4(a + <usize>i * rowBytes, b, c, i, j, je, n, k, words);
  }
}

// The odd last row of A (and the whole of a batch-1 product): 1 × 4, all SIMD (one row waits on
// B streaming in, and a scalar half measured no faster here).
// @ts-ignore: decorator
@inline function micro1x4(a0: usize, b: usize, c: usize, i: i32, j: i32, je: i32, n: i32, k: i32, words: i32): void {
  const rowBytes = <usize>words << 2;
  const b0 = b + <usize>j * rowBytes;
  const b1 = j + 1 < je ? b0 + rowBytes : b0;
  const b2 = j + 2 < je ? b1 + rowBytes : b1;
  const b3 = j + 3 < je ? b2 + rowBytes : b2;
  const vecs = words >>> 2;
  let sums = i32x4.splat(0);
  for (let w0 = 0; w0 < vecs; w0 += FLUSH_EVERY) {
    const wEnd = min(w0 + FLUSH_EVERY, vecs);
    let s0 = i8x16.splat(0), s1 = s0, s2 = s0, s3 = s0;
    for (let w = w0; w < wEnd; w++) {
      const o = <usize>w << 4;
      const x = v128.load(a0 + o);
      s0 = i8x16.add(s0, i8x16.popcnt(v128.xor(x, v128.load(b0 + o))));
      s1 = i8x16.add(s1, i8x16.popcnt(v128.xor(x, v128.load(b1 + o))));
      s2 = i8x16.add(s2, i8x16.popcnt(v128.xor(x, v128.load(b2 + o))));
      s3 = i8x16.add(s3, i8x16.popcnt(v128.xor(x, v128.load(b3 + o))));
    }
    sums = i32x4.add(sums, byteSums4(s0, s1, s2, s3));
  }
  let t0: i64 = 0, t1: i64 = 0, t2: i64 = 0, t3: i64 = 0;
  let w = vecs << 2;
  for (; w + 2 <= words; w += 2) {
    const o = <usize>w << 2;
    const x = load<u64>(a0 + o);
    t0 += popcnt(x ^ load<u64>(b0 + o)); t1 += popcnt(x ^ load<u64>(b1 + o));
    t2 += popcnt(x ^ load<u64>(b2 + o)); t3 += popcnt(x ^ load<u64>(b3 + o));
  }
  if (w < words) {
    const o = <usize>w << 2;
    const x = load<u32>(a0 + o);
    t0 += <i64>popcnt(x ^ load<u32>(b0 + o)); t1 += <i64>popcnt(x ^ load<u32>(b1 + o));
    t2 += <i64>popcnt(x ^ load<u32>(b2 + o)); t3 += <i64>popcnt(x ^ load<u32>(b3 + o));
  }
  store4(c + ((<usize>i * n + j) << 2), je - j, k, i32x4.add(sums, lanes4(t0, t1, t2, t3)));
}

// The byte sums of four i8x16 accumulators as one i32x4 (lane q: every byte of sq), reduced
// together: a quarter of the lane extractions of four separate sums.
// @ts-ignore: decorator
@inline function byteSums4(s0: v128, s1: v128, s2: v128, s3: v128): v128 {
  const q0 = i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(s0));
  const q1 = i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(s1));
  const q2 = i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(s2));
  const q3 = i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(s3));
  const ab = i32x4.add(i32x4.shuffle(q0, q1, 0, 4, 1, 5), i32x4.shuffle(q0, q1, 2, 6, 3, 7));
  const cd = i32x4.add(i32x4.shuffle(q2, q3, 0, 4, 1, 5), i32x4.shuffle(q2, q3, 2, 6, 3, 7));
  return i32x4.add(i32x4.shuffle(ab, cd, 0, 1, 4, 5), i32x4.shuffle(ab, cd, 2, 3, 6, 7));
}

// Four scalar counts (each < 2^31) as one i32x4.
// @ts-ignore: decorator
@inline function lanes4(t0: i64, t1: i64, t2: i64, t3: i64): v128 {
  return i32x4.replace_lane(i32x4.replace_lane(i32x4.replace_lane(i32x4.splat(<i32>t0), 1, <i32>t1), 2, <i32>t2), 3, <i32>t3);
}

// Store the first `count` (1..4) of four outputs, differ counts turned into dot products.
// @ts-ignore: decorator
@inline function store4(p: usize, count: i32, k: i32, differ: v128): void {
  const v = i32x4.sub(i32x4.splat(k), i32x4.shl(differ, 1));
  if (count > 3) { v128.store(p, v); return; }
  store<i32>(p, i32x4.extract_lane(v, 0));
  if (count > 1) store<i32>(p, i32x4.extract_lane(v, 1), 4);
  if (count > 2) store<i32>(p, i32x4.extract_lane(v, 2), 8);
}

// 2 rows of A × 4 rows of B per pass over k, 8 words (256 bits) a step: the first 4 words as one
// v128 (XOR, i8x16.popcnt, add into i8 lanes), the other 4 as two u64 per row through scalar
// XOR + popcnt into i64 sums. V8 lowers i8x16.popcnt to six vector ops, so the vector units are
// the bottleneck of an all-SIMD loop; the scalar half runs beside it on the integer units (x86
// POPCNT), with its own registers: +10-20% over all-SIMD on a Zen 5 EPYC. Each loaded v128 of B
// serves two rows of A and each of A four rows of B. Missing columns (j+q >= je) reuse a valid
// row and are simply not stored.
// @ts-ignore: decorator
@inline function micro2x4(a0: usize, b: usize, c: usize, i: i32, j: i32, je: i32, n: i32, k: i32, words: i32): void {
  const rowBytes = <usize>words << 2;
  const a1 = a0 + rowBytes;
  const b0 = b + <usize>j * rowBytes;
  const b1 = j + 1 < je ? b0 + rowBytes : b0;
  const b2 = j + 2 < je ? b1 + rowBytes : b1;
  const b3 = j + 3 < je ? b2 + rowBytes : b2;
  const units = words >>> 3;
  let t00: i64 = 0, t01: i64 = 0, t02: i64 = 0, t03: i64 = 0, t10: i64 = 0, t11: i64 = 0, t12: i64 = 0, t13: i64 = 0;
  let sums0 = i32x4.splat(0), sums1 = sums0;
  for (let u0 = 0; u0 < units; u0 += FLUSH_EVERY) {
    const uEnd = min(u0 + FLUSH_EVERY, units);
    let s00 = i8x16.splat(0), s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00;
    for (let u = u0; u < uEnd; u++) {
      const o = <usize>u << 5;
      const x0 = v128.load(a0 + o), x1 = v128.load(a1 + o);
      const y0 = v128.load(b0 + o), y1 = v128.load(b1 + o), y2 = v128.load(b2 + o), y3 = v128.load(b3 + o);
      const p0 = load<u64>(a0 + o, 16), p1 = load<u64>(a1 + o, 16), r0 = load<u64>(a0 + o, 24), r1 = load<u64>(a1 + o, 24);
      let q = load<u64>(b0 + o, 16), e = load<u64>(b0 + o, 24);
      s00 = i8x16.add(s00, i8x16.popcnt(v128.xor(x0, y0))); t00 += popcnt(p0 ^ q) + popcnt(r0 ^ e);
      s10 = i8x16.add(s10, i8x16.popcnt(v128.xor(x1, y0))); t10 += popcnt(p1 ^ q) + popcnt(r1 ^ e);
      q = load<u64>(b1 + o, 16); e = load<u64>(b1 + o, 24);
      s01 = i8x16.add(s01, i8x16.popcnt(v128.xor(x0, y1))); t01 += popcnt(p0 ^ q) + popcnt(r0 ^ e);
      s11 = i8x16.add(s11, i8x16.popcnt(v128.xor(x1, y1))); t11 += popcnt(p1 ^ q) + popcnt(r1 ^ e);
      q = load<u64>(b2 + o, 16); e = load<u64>(b2 + o, 24);
      s02 = i8x16.add(s02, i8x16.popcnt(v128.xor(x0, y2))); t02 += popcnt(p0 ^ q) + popcnt(r0 ^ e);
      s12 = i8x16.add(s12, i8x16.popcnt(v128.xor(x1, y2))); t12 += popcnt(p1 ^ q) + popcnt(r1 ^ e);
      q = load<u64>(b3 + o, 16); e = load<u64>(b3 + o, 24);
      s03 = i8x16.add(s03, i8x16.popcnt(v128.xor(x0, y3))); t03 += popcnt(p0 ^ q) + popcnt(r0 ^ e);
      s13 = i8x16.add(s13, i8x16.popcnt(v128.xor(x1, y3))); t13 += popcnt(p1 ^ q) + popcnt(r1 ^ e);
    }
    sums0 = i32x4.add(sums0, byteSums4(s00, s01, s02, s03));
    sums1 = i32x4.add(sums1, byteSums4(s10, s11, s12, s13));
  }
  // the last words: two at a time as u64, then one
  let w = units << 3;
  for (; w + 2 <= words; w += 2) {
    const o = <usize>w << 2;
    const x0 = load<u64>(a0 + o), x1 = load<u64>(a1 + o);
    let y = load<u64>(b0 + o); t00 += popcnt(x0 ^ y); t10 += popcnt(x1 ^ y);
    y = load<u64>(b1 + o); t01 += popcnt(x0 ^ y); t11 += popcnt(x1 ^ y);
    y = load<u64>(b2 + o); t02 += popcnt(x0 ^ y); t12 += popcnt(x1 ^ y);
    y = load<u64>(b3 + o); t03 += popcnt(x0 ^ y); t13 += popcnt(x1 ^ y);
  }
  if (w < words) {
    const o = <usize>w << 2;
    const x0 = load<u32>(a0 + o), x1 = load<u32>(a1 + o);
    let y = load<u32>(b0 + o); t00 += <i64>popcnt(x0 ^ y); t10 += <i64>popcnt(x1 ^ y);
    y = load<u32>(b1 + o); t01 += <i64>popcnt(x0 ^ y); t11 += <i64>popcnt(x1 ^ y);
    y = load<u32>(b2 + o); t02 += <i64>popcnt(x0 ^ y); t12 += <i64>popcnt(x1 ^ y);
    y = load<u32>(b3 + o); t03 += <i64>popcnt(x0 ^ y); t13 += <i64>popcnt(x1 ^ y);
  }
  store4(c + ((<usize>i * n + j) << 2), je - j, k, i32x4.add(sums0, lanes4(t00, t01, t02, t03)));
  store4(c + ((<usize>(i + 1) * n + j) << 2), je - j, k, i32x4.add(sums1, lanes4(t10, t11, t12, t13)));
}

/** Scratch bytes one thread needs for xnorThresholdRows: a tile of products. */
export function xnorThresholdRowsScratchBytes(n: i32): i32 { return THRESHOLD_TILE_ROWS * (n << 2); }

/** out = thresholdPack(xnorGemm(a, b), m, n, null, 1, lim, flip) for rows i0 <= i < i1, a tile of
 *  rows at a time (the products of a layer too narrow for the bit-sliced kernels, written to
 *  cache and thresholded there rather than stored in full and read back): the same integers and
 *  comparisons, so the same bits. */
export function xnorThresholdRows(a: usize, b: usize, lim: usize, flip: usize, out: usize, m: i32, n: i32, k: i32,
  scratch: usize, scratchBytes: i32, i0: i32, i1: i32, thread: i32): void {
  const tile = scratch + <usize>thread * scratchBytes, rowBytes = <usize>((k + 31) >>> 5) << 2, outWords = (n + 31) >>> 5;
  for (let r = i0; r < i1; r += THRESHOLD_TILE_ROWS) {
    const rows = min(THRESHOLD_TILE_ROWS, i1 - r);
    xnorGemm(a + <usize>r * rowBytes, b, tile, rows, n, k, 0, n);
    thresholdPack(tile, rows, n, 0, 1, lim, flip, out + ((<usize>r * outWords) << 2));
  }
}
