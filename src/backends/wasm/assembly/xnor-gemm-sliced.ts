// Binary GEMM by bit-sliced counting, WebAssembly SIMD: the same C[i,j] = k − 2·popcount(A_i XOR B_j)
// as xnorGemm, for the columns j0 <= j < j1 (a thread's share, multiples of 128), with B in the
// sliced layout (reference/xnor-gemm-sliced.ts, packSlices): per slice of 128 columns, their
// popcounts (128 int32), then for each p < k one v128 holding bit p of the 128 columns.
//
// With N1 the positions p where A_i is 1 and c_j = #{p ∈ N1 : B_j bit p = 1}:
//   popcount(A_i XOR B_j) = |N1| + popcount(B_j) − 2·c_j.
// So only the rows p ∈ N1 of a slice are added up, 128 counters at once, bit-sliced (plane b of
// the counters holds their bit b). Where A_i has more ones than zeros the zeros are listed
// instead (c'_j over N0: popcount = |N1| − popcount(B_j) + 2·c'_j), so at most k/2 rows are read
// per image and slice. Against xnorGemm's XOR + popcount of every word (V8 lowers i8x16.popcnt
// to six vector ops), a row costs about 9 vector ops for 128 columns and half the rows are
// skipped: 1.4x xnorGemm at (100, 2048, 2048) on one thread of a Zen 5 EPYC.

/** Columns per slice: one v128 of bits. */
const SLICE: i32 = 128;
/** Counter planes: 3 kept in registers while counting (weights 1, 2, 4), the rest in memory; 31
 *  count up to 2^31 − 1 rows. */
const PLANES: i32 = 31;

/** Scratch bytes one thread needs for rows of k bits: the row list of one image (4 bytes a row)
 *  and the counter planes (16-byte aligned). */
export function xnorSlicedScratchBytes(k: i32): i32 { return (k << 2) + PLANES * 16 + 16; }

export function xnorGemmSliced(a: usize, t: usize, c: usize, m: i32, n: i32, k: i32,
  scratch: usize, scratchBytes: i32, j0: i32, j1: i32, thread: i32): void {
  const words = (k + 31) >>> 5;
  const list = scratch + <usize>thread * scratchBytes;
  const planes = (list + (<usize>k << 2) + 15) & ~(<usize>15);
  const sliceBytes = (<usize>SLICE << 2) + (<usize>k << 4);
  for (let i = 0; i < m; i++) {
    const ai = a + ((<usize>i * words) << 2);
    // ones of A_i: count them, then list the rarer of ones and zeros as byte offsets of slice rows
    let ones = 0;
    for (let w = 0; w < words; w++) ones += popcnt(load<u32>(ai + (<usize>w << 2)));
    const zeros = ones > k - ones;
    const len = listRows(ai, words, k, zeros, list);
    for (let s = j0 / SLICE; s * SLICE < j1; s++) {
      const slice = t + <usize>s * sliceBytes;
      const used = count(slice + (<usize>SLICE << 2), list, len, planes);
      const jStart = s * SLICE, jEnd = min(j1, jStart + SLICE);
      storeCounts(planes, used, slice, c + ((<usize>i * n + jStart) << 2), jEnd - jStart, k, ones, zeros);
    }
  }
}

// Byte offsets (p·16) of the rows to add: p where A_i's bit is 1, or 0 (p < k) when zeros.
function listRows(ai: usize, words: i32, k: i32, zeros: bool, list: usize): i32 {
  let len = 0;
  for (let w = 0; w < words; w++) {
    let bits = load<u32>(ai + (<usize>w << 2));
    if (zeros) {
      bits = ~bits;
      const valid = k - (w << 5);
      if (valid < 32) bits &= (1 << valid) - 1;
    }
    while (bits != 0) {
      store<u32>(list + (<usize>len << 2), ((w << 5) + ctz(bits)) << 4);
      len++;
      bits &= bits - 1;
    }
  }
  return len;
}

// Add the listed rows of one slice into the counter planes (planes[b] = bit b of the 128 counts);
// returns how many planes hold the counts. 8 rows at a time: carry-save adders on pairs (the sum
// x ^ y goes into a level, the carry (x & y) | (level & (x ^ y)) one level up) keep weights 1, 2
// and 4 in registers; each block's one weight-8 carry then ripples through the memory planes in a
// fixed number of steps. Measured against blocks of 2 to 32 rows and a ripple that stops at the
// first zero carry (a data-dependent branch, mispredicted often): this was the fastest.
function count(rows: usize, list: usize, len: i32, planes: usize): i32 {
  const high = 32 - clz(<u32>(len >>> 3)); // memory planes a count <= len can reach
  for (let b = 3; b < 3 + high; b++) v128.store(planes + (<usize>b << 4), i8x16.splat(0));
  let ones = i8x16.splat(0), twos = ones, fours = ones;
  let r = 0;
  for (; r + 8 <= len; r += 8) {
    const at = list + (<usize>r << 2);
    let d0 = v128.load(rows + load<u32>(at)), d1 = v128.load(rows + load<u32>(at, 4));
    let s = v128.xor(d0, d1); const c0 = v128.or(v128.and(d0, d1), v128.and(ones, s)); ones = v128.xor(ones, s);
    d0 = v128.load(rows + load<u32>(at, 8)); d1 = v128.load(rows + load<u32>(at, 12));
    s = v128.xor(d0, d1); const c1 = v128.or(v128.and(d0, d1), v128.and(ones, s)); ones = v128.xor(ones, s);
    s = v128.xor(c0, c1); const c2 = v128.or(v128.and(c0, c1), v128.and(twos, s)); twos = v128.xor(twos, s);
    d0 = v128.load(rows + load<u32>(at, 16)); d1 = v128.load(rows + load<u32>(at, 20));
    s = v128.xor(d0, d1); const c3 = v128.or(v128.and(d0, d1), v128.and(ones, s)); ones = v128.xor(ones, s);
    d0 = v128.load(rows + load<u32>(at, 24)); d1 = v128.load(rows + load<u32>(at, 28));
    s = v128.xor(d0, d1); const c4 = v128.or(v128.and(d0, d1), v128.and(ones, s)); ones = v128.xor(ones, s);
    s = v128.xor(c3, c4); const c5 = v128.or(v128.and(c3, c4), v128.and(twos, s)); twos = v128.xor(twos, s);
    s = v128.xor(c2, c5); let cy = v128.or(v128.and(c2, c5), v128.and(fours, s)); fours = v128.xor(fours, s);
    let p = planes + 48;
    for (let b = 0; b < high; b++, p += 16) {
      const old = v128.load(p);
      v128.store(p, v128.xor(old, cy));
      cy = v128.and(old, cy);
    }
  }
  // the last < 8 rows one at a time (half adders up the levels)
  for (; r < len; r++) {
    let d = v128.load(rows + load<u32>(list + (<usize>r << 2)));
    let cy = v128.and(ones, d); ones = v128.xor(ones, d);
    d = v128.and(twos, cy); twos = v128.xor(twos, cy);
    cy = v128.and(fours, d); fours = v128.xor(fours, d);
    ripple(planes + 48, cy);
  }
  v128.store(planes, ones); v128.store(planes, twos, 16); v128.store(planes, fours, 32);
  return 3 + high;
}

// Add a 1-bit-per-counter vector into the memory planes from p on; stops once no carry is left.
// @ts-ignore: decorator
@inline function ripple(p: usize, v: v128): void {
  while (v128.any_true(v)) {
    const old = v128.load(p);
    v128.store(p, v128.xor(old, v));
    v = v128.and(old, v);
    p += 16;
  }
}

// Un-slice the counts c_j (planes[b] bit j = bit b of c_j) of `cols` (1..128) columns and store
// C = k − 2·popcount(A XOR B_j) for them, popcount = |N1| + pop(B_j) − 2c_j, or
// |N1| − pop(B_j) + 2c_j when the zeros were counted.
function storeCounts(planes: usize, used: i32, pops: usize, out: usize, cols: i32, k: i32, ones: i32, zeros: bool): void {
  // planes in use: up to the highest non-zero one (the counts need not fill all)
  let top = used;
  while (top > 0 && !v128.any_true(v128.load(planes + (<usize>(top - 1) << 4)))) top--;
  const bitOf = i8x16(1, 2, 4, 8, 16, 32, 64, -128, 1, 2, 4, 8, 16, 32, 64, -128);
  const halves = i8x16(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);
  const sign = zeros ? -2 : 2, bias = k - 2 * ones;
  for (let g = 0; g < 8; g++) {
    if (g << 4 >= cols) break;
    // bytes 2g, 2g+1 of each plane hold the bits of columns 16g..16g+15: spread one per lane
    const sel = i8x16.add(i8x16.splat(<i8>(g << 1)), halves);
    let lo = i32x4.splat(0), mid = lo, hi = lo, top4 = lo;
    for (let b0 = 0; b0 < top; b0 += 7) {
      // up to 7 planes summed in u8 lanes (<= 127), then widened and shifted into place
      let acc = i8x16.splat(0);
      const bEnd = min(b0 + 7, top);
      for (let b = b0; b < bEnd; b++) {
        const bits = v128.and(i8x16.swizzle(v128.load(planes + (<usize>b << 4)), sel), bitOf);
        const weight: i32 = 1 << (b - b0);
        acc = i8x16.add(acc, v128.and(i8x16.eq(bits, bitOf), i8x16.splat(<i8>weight)));
      }
      const w16lo = i16x8.extend_low_i8x16_u(acc), w16hi = i16x8.extend_high_i8x16_u(acc), sh = b0;
      lo = i32x4.add(lo, i32x4.shl(i32x4.extend_low_i16x8_u(w16lo), sh));
      mid = i32x4.add(mid, i32x4.shl(i32x4.extend_high_i16x8_u(w16lo), sh));
      hi = i32x4.add(hi, i32x4.shl(i32x4.extend_low_i16x8_u(w16hi), sh));
      top4 = i32x4.add(top4, i32x4.shl(i32x4.extend_high_i16x8_u(w16hi), sh));
    }
    const p = pops + (<usize>g << 6), o = out + (<usize>g << 6);
    const rest = cols - (g << 4);
    finish(o, p, lo, 0, rest, bias, sign, zeros);
    finish(o, p, mid, 4, rest, bias, sign, zeros);
    finish(o, p, hi, 8, rest, bias, sign, zeros);
    finish(o, p, top4, 12, rest, bias, sign, zeros);
  }
}

// Four columns from lane offset at: C = k − 2|N1| + sign·(2c − pop), sign 2 where the ones were
// listed, −2 where the zeros were.
// @ts-ignore: decorator
@inline function finish(o: usize, pops: usize, cnt: v128, at: i32, rest: i32, bias: i32, sign: i32, zeros: bool): void {
  if (at >= rest) return;
  const pop = v128.load(pops + (<usize>at << 2));
  const v = i32x4.add(i32x4.splat(bias), i32x4.mul(i32x4.splat(sign), i32x4.sub(i32x4.shl(cnt, 1), pop)));
  if (at + 4 <= rest) { v128.store(o + (<usize>at << 2), v); return; }
  for (let q = 0; q < rest - at; q++) {
    const x = q == 0 ? i32x4.extract_lane(v, 0) : q == 1 ? i32x4.extract_lane(v, 1) : i32x4.extract_lane(v, 2);
    store<i32>(o + (<usize>(at + q) << 2), x);
  }
}
