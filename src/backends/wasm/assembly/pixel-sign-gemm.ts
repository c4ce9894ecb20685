// Unsigned bytes × packed ±1 weights, WebAssembly SIMD, exact:
//   C[i,j] = Σ_p x[i,p] − 2·Σ_{p: bit p of row j set} x[i,p]
// for the columns j0 <= j < j1 (a thread's share). x is m rows of k bytes, s is n rows of
// ceil(k/32) u32 words (bit 1 = −1, tail bits 0), C is m × n int32.
//
// The weights stay packed: 16 bits of a row become a 16-byte mask in registers (splat, swizzle
// byte 0 to lanes 0-7 and byte 1 to lanes 8-15, AND with each lane's bit, compare), the mask
// picks the pixels whose weight is −1, and i16x8.extadd_pairwise_i8x16_u (one PMADDUBSW) adds
// them in pairs into int16 lanes. A mask serves four rows of x; a vector of x two columns.

// Columns of s per cache block (~16 KiB of weights kept in L1 while the row groups pass over it).
const S_BLOCK_BYTES: usize = 16384;
// A pair of bytes sums to <= 510; 128 such adds keep an int16 lane <= 65,280 < 2^16, read as
// unsigned when flushed. So lanes are flushed to int32 every 128 vectors (2048 bytes of k).
const FLUSH_EVERY: i32 = 128;

export function pixelSignGemm(x: usize, s: usize, c: usize, m: i32, n: i32, k: i32, j0: i32, j1: i32): void {
  const words = (k + 31) >>> 5;
  const rowBytes = <usize>words << 2;
  const nb = max<i32>(4, <i32>(S_BLOCK_BYTES / max<usize>(rowBytes, 1)) & ~3);
  for (let jb = j0; jb < j1; jb += nb) {
    const je = min(jb + nb, j1);
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      const xi = x + <usize>i * k;
      const t0 = rowSum(xi, k), t1 = rowSum(xi + k, k), t2 = rowSum(xi + 2 * k, k), t3 = rowSum(xi + 3 * k, k);
      for (let j = jb; j < je; j += 2) micro4x2(xi, s, c, i, j, je, n, k, words, t0, t1, t2, t3);
    }
    for (; i < m; i++) {
      const xi = x + <usize>i * k, t = rowSum(xi, k);
      for (let j = jb; j < je; j += 4) micro1x4(xi, s, c, i, j, je, n, k, words, t);
    }
  }
}

// 16 weight bits (at byte offset 2·v of a packed row) → 16 bytes, 0xff where the bit is set.
// @ts-ignore: decorator
@inline function mask16(row: usize, v: i32): v128 {
  // one PINSRW and one PSHUFB (constant indices below 16: V8 needs no out-of-range fix-up)
  const bits = v128.load16_lane(row + (<usize>v << 1), i16x8.splat(0), 0);
  const spread = i8x16.swizzle(bits, i8x16(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1));
  const lane = i8x16(1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32, 64, -128);
  return i8x16.eq(v128.and(spread, lane), lane);
}

// @ts-ignore: decorator
@inline function pairs(px: v128, mask: v128): v128 {
  return i16x8.extadd_pairwise_i8x16_u(v128.and(px, mask));
}

// The int16 lanes of an accumulator, read as unsigned, summed.
// @ts-ignore: decorator
@inline function laneSum(v: v128): i32 {
  const w = i32x4.extadd_pairwise_i16x8_u(v);
  return i32x4.extract_lane(w, 0) + i32x4.extract_lane(w, 1) + i32x4.extract_lane(w, 2) + i32x4.extract_lane(w, 3);
}

// Σ_p x[p] over one row of k bytes.
export function rowSum(row: usize, k: i32): i32 {
  const vecs = k >>> 4;
  let total = 0;
  for (let v0 = 0; v0 < vecs; v0 += FLUSH_EVERY) {
    const vEnd = min(v0 + FLUSH_EVERY, vecs);
    let acc = i16x8.splat(0);
    for (let v = v0; v < vEnd; v++) acc = i16x8.add(acc, i16x8.extadd_pairwise_i8x16_u(v128.load(row + (<usize>v << 4))));
    total += laneSum(acc);
  }
  for (let p = vecs << 4; p < k; p++) total += <i32>load<u8>(row + p);
  return total;
}

// Σ of the bytes of row x whose weight bit is set, for the k % 16 last bytes (scalar).
// @ts-ignore: decorator
@inline function tailSum(xr: usize, sr: usize, from: i32, k: i32): i32 {
  let sum = 0;
  for (let p = from; p < k; p++) {
    const bit = (load<u32>(sr + (<usize>(p >>> 5) << 2)) >>> (p & 31)) & 1;
    sum += <i32>load<u8>(xr + p) & -bit;
  }
  return sum;
}

// 4 rows of x × 2 rows of s per pass over k: 8 accumulators, 2 masks and 4 pixel vectors (14 of
// x64's 16 vector registers). A missing second column reuses the first and is not stored.
// @ts-ignore: decorator
@inline function micro4x2(x0: usize, s: usize, c: usize, i: i32, j: i32, je: i32, n: i32, k: i32, words: i32,
  t0: i32, t1: i32, t2: i32, t3: i32): void {
  const rowBytes = <usize>words << 2;
  const x1 = x0 + k, x2 = x1 + k, x3 = x2 + k;
  const s0 = s + <usize>j * rowBytes, s1 = j + 1 < je ? s0 + rowBytes : s0;
  const vecs = k >>> 4;
  let u00 = 0, u01 = 0, u10 = 0, u11 = 0, u20 = 0, u21 = 0, u30 = 0, u31 = 0;
  for (let v0 = 0; v0 < vecs; v0 += FLUSH_EVERY) {
    const vEnd = min(v0 + FLUSH_EVERY, vecs);
    let a00 = i16x8.splat(0), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
    for (let v = v0; v < vEnd; v++) {
      const m0 = mask16(s0, v), m1 = mask16(s1, v), o = <usize>v << 4;
      const p0 = v128.load(x0 + o), p1 = v128.load(x1 + o), p2 = v128.load(x2 + o), p3 = v128.load(x3 + o);
      a00 = i16x8.add(a00, pairs(p0, m0)); a01 = i16x8.add(a01, pairs(p0, m1));
      a10 = i16x8.add(a10, pairs(p1, m0)); a11 = i16x8.add(a11, pairs(p1, m1));
      a20 = i16x8.add(a20, pairs(p2, m0)); a21 = i16x8.add(a21, pairs(p2, m1));
      a30 = i16x8.add(a30, pairs(p3, m0)); a31 = i16x8.add(a31, pairs(p3, m1));
    }
    u00 += laneSum(a00); u01 += laneSum(a01); u10 += laneSum(a10); u11 += laneSum(a11);
    u20 += laneSum(a20); u21 += laneSum(a21); u30 += laneSum(a30); u31 += laneSum(a31);
  }
  const from = vecs << 4;
  if (from < k) {
    u00 += tailSum(x0, s0, from, k); u01 += tailSum(x0, s1, from, k);
    u10 += tailSum(x1, s0, from, k); u11 += tailSum(x1, s1, from, k);
    u20 += tailSum(x2, s0, from, k); u21 += tailSum(x2, s1, from, k);
    u30 += tailSum(x3, s0, from, k); u31 += tailSum(x3, s1, from, k);
  }
  // t − 2u: |result| <= 255·k fits int32; 2u may wrap for huge k, and the wrapped i32
  // arithmetic still lands on the exact result
  const two = j + 1 < je;
  const c0 = c + ((<usize>i * n + j) << 2), row = <usize>n << 2;
  store<i32>(c0, t0 - 2 * u00); if (two) store<i32>(c0, t0 - 2 * u01, 4);
  store<i32>(c0 + row, t1 - 2 * u10); if (two) store<i32>(c0 + row, t1 - 2 * u11, 4);
  store<i32>(c0 + 2 * row, t2 - 2 * u20); if (two) store<i32>(c0 + 2 * row, t2 - 2 * u21, 4);
  store<i32>(c0 + 3 * row, t3 - 2 * u30); if (two) store<i32>(c0 + 3 * row, t3 - 2 * u31, 4);
}

// The last m % 4 rows (and the whole of a batch-1 product): 1 row × 4 columns.
// @ts-ignore: decorator
@inline function micro1x4(x0: usize, s: usize, c: usize, i: i32, j: i32, je: i32, n: i32, k: i32, words: i32, t: i32): void {
  const rowBytes = <usize>words << 2;
  const s0 = s + <usize>j * rowBytes;
  const s1 = j + 1 < je ? s0 + rowBytes : s0;
  const s2 = j + 2 < je ? s1 + rowBytes : s1;
  const s3 = j + 3 < je ? s2 + rowBytes : s2;
  const vecs = k >>> 4;
  let u0 = 0, u1 = 0, u2 = 0, u3 = 0;
  for (let v0 = 0; v0 < vecs; v0 += FLUSH_EVERY) {
    const vEnd = min(v0 + FLUSH_EVERY, vecs);
    let a0 = i16x8.splat(0), a1 = a0, a2 = a0, a3 = a0;
    for (let v = v0; v < vEnd; v++) {
      const p = v128.load(x0 + (<usize>v << 4));
      a0 = i16x8.add(a0, pairs(p, mask16(s0, v)));
      a1 = i16x8.add(a1, pairs(p, mask16(s1, v)));
      a2 = i16x8.add(a2, pairs(p, mask16(s2, v)));
      a3 = i16x8.add(a3, pairs(p, mask16(s3, v)));
    }
    u0 += laneSum(a0); u1 += laneSum(a1); u2 += laneSum(a2); u3 += laneSum(a3);
  }
  const from = vecs << 4;
  if (from < k) {
    u0 += tailSum(x0, s0, from, k); u1 += tailSum(x0, s1, from, k);
    u2 += tailSum(x0, s2, from, k); u3 += tailSum(x0, s3, from, k);
  }
  const p = c + ((<usize>i * n + j) << 2), count = je - j;
  store<i32>(p, t - 2 * u0);
  if (count > 1) store<i32>(p, t - 2 * u1, 4);
  if (count > 2) store<i32>(p, t - 2 * u2, 8);
  if (count > 3) store<i32>(p, t - 2 * u3, 12);
}
