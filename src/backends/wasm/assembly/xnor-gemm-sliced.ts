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
// to six vector ops), a row costs about 5 vector ops for 128 columns and half the rows are
// skipped: 1.6-2.0x xnorGemm on one thread of a Zen 5 EPYC (bench/results/kernels.md).

/** Columns per slice: one v128 of bits. */
export const SLICE: i32 = 128;
/** Counter planes: 4 at level 0 (weights 1 to 8), then 3 per level L >= 1 (weights 2·8^L,
 *  4·8^L, 8·8^L); 31 planes count up to 2^31 rows. */
export const PLANES: i32 = 33;

/** Vectors for the carries of counting at most k rows: level 0's (one a block of 16 or 8, one a
 *  row of a last partial block), and the zeros levelUp fills its last block up with. */
// @ts-ignore: decorator
@inline export function carryVectors(k: i32): i32 { return (k >>> 3) + 16; }

/** Scratch bytes one thread needs for rows of k bits: the row list of one image (4 bytes a row),
 *  the counter planes and the carries passed from one level to the next (16-byte aligned). */
export function xnorSlicedScratchBytes(k: i32): i32 { return (k << 2) + PLANES * 16 + carryVectors(k) * 16 + 16; }

/** A thread's scratch: the row list at its start, then the planes, then the carries. */
// @ts-ignore: decorator
@inline export function planesOf(list: usize, k: i32): usize { return (list + (<usize>k << 2) + 15) & ~(<usize>15); }
// @ts-ignore: decorator
@inline export function carriesOf(planes: usize): usize { return planes + PLANES * 16; }

/** Lane q (0..3) of v as i32. */
// @ts-ignore: decorator
@inline export function lane(v: v128, q: i32): i32 {
  return q == 0 ? i32x4.extract_lane(v, 0) : q == 1 ? i32x4.extract_lane(v, 1) : q == 2 ? i32x4.extract_lane(v, 2) : i32x4.extract_lane(v, 3);
}

export function xnorGemmSliced(a: usize, t: usize, c: usize, m: i32, n: i32, k: i32,
  scratch: usize, scratchBytes: i32, j0: i32, j1: i32, thread: i32): void {
  const words = (k + 31) >>> 5;
  const list = scratch + <usize>thread * scratchBytes, planes = planesOf(list, k), carries = carriesOf(planes);
  const sliceBytes = (<usize>SLICE << 2) + (<usize>k << 4);
  for (let i = 0; i < m; i++) {
    const ai = a + ((<usize>i * words) << 2);
    // list the rarer of A_i's ones and zeros as byte offsets of slice rows
    const ones = onesOf(ai, words), zeros = ones > k - ones, len = listRows(ai, words, k, zeros, list, zeros ? k - ones : ones);
    for (let s = j0 / SLICE; s * SLICE < j1; s++) {
      const slice = t + <usize>s * sliceBytes;
      const used = count(slice + (<usize>SLICE << 2), list, len, planes, carries);
      const jStart = s * SLICE, jEnd = min(j1, jStart + SLICE);
      storeCounts(planes, used, slice, c + ((<usize>i * n + jStart) << 2), jEnd - jStart, k, ones, zeros);
    }
  }
}

/** xnorGemmSliced on rows i0 <= i < i1 of A (a thread's share when a batch is split by row: each
 *  thread then lists its own rows only), all columns. */
export function xnorGemmSlicedRows(a: usize, t: usize, c: usize, m: i32, n: i32, k: i32,
  scratch: usize, scratchBytes: i32, i0: i32, i1: i32, thread: i32): void {
  const words = (k + 31) >>> 5;
  xnorGemmSliced(a + ((<usize>i0 * words) << 2), t, c + ((<usize>i0 * n) << 2), i1 - i0, n, k, scratch, scratchBytes, 0, n, thread);
}

/** Set bits of a packed row of `words` words. */
export function onesOf(ai: usize, words: i32): i32 {
  let ones = 0;
  for (let w = 0; w < words; w++) ones += popcnt(load<u32>(ai + (<usize>w << 2)));
  return ones;
}

// Byte offsets (p·16) of the rows to add: p where A_i's bit is 1, or 0 (p < k) when zeros;
// `listed` of them (A_i's ones, or k − ones). A row with many (over k/8, k >= 64) goes a byte at a
// time through LIST_TABLE, with no branch per bit: the bit loop's exit, unpredictable per word,
// and its serial bit clearing made listing a trained CNV's conv3 rows (about 40 % listed) cost
// half as much as counting them. The table writes 8 entries a byte: at most 8 past the last,
// inside the list's k entries since listed <= k/2.
export function listRows(ai: usize, words: i32, k: i32, zeros: bool, list: usize, listed: i32): i32 {
  let len = 0;
  if (listed > (k >>> 3) && k >= 64) {
    const step = i32x4.splat(128);
    for (let w = 0; w < words; w++) {
      let bits = load<u32>(ai + (<usize>w << 2));
      if (zeros) {
        bits = ~bits;
        const valid = k - (w << 5);
        if (valid < 32) bits &= (1 << valid) - 1;
      }
      let base = i32x4.splat(w << 9);
      for (let q = 0; q < 32; q += 8) {
        const byte = (bits >>> q) & 255, e = LIST_TABLE + (<usize>byte << 5), at = list + (<usize>len << 2);
        v128.store(at, i32x4.add(v128.load(e), base)); v128.store(at, i32x4.add(v128.load(e, 16), base), 16);
        len += <i32>popcnt(byte);
        base = i32x4.add(base, step);
      }
    }
    return len;
  }
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

// For each byte value, the offsets 16·b of its set bits b in increasing order (8 slots, the
// unused ones 0). It lies just past the static data, where no data segment reaches (a segment is
// written again whenever a worker instantiates the module on the shared memory: zeros there would
// race with a running job), and heapBase() ends after it, so the heap never takes it. Every
// instance's start writes the same values, the main one's before any job runs.
export const LIST_TABLE_BYTES: usize = 256 * 32;
export const LIST_TABLE: usize = (__heap_base + 63) & ~(<usize>63);
for (let v = 0; v < 256; v++) {
  let slot = 0;
  for (let b = 0; b < 8; b++) {
    if (((v >>> b) & 1) == 0) continue;
    store<u32>(LIST_TABLE + (<usize>v << 5) + (<usize>slot << 2), b << 4);
    slot++;
  }
}

// Add the listed rows of one slice into the counter planes (planes[b] = bit b of the 128 counts);
// returns how many planes hold the counts. Level 0 adds the rows 16 at a time with a tree of
// carry-save adders on pairs (the sum x ^ y goes into a level register, the carry
// (x & y) | (reg & (x ^ y)) one up) into ones, twos, fours and eights (weights 1 to 8), and
// stores each block's weight-16 carry; level 1 counts those carries 8 at a time the same way
// (weights 16, 32, 64), and so on until none is left. Against blocks of 8 at level 0, blocks of
// 16 leave level 1 half the carries (it was a sixth of the counting time on CNV's conv2).
export function count(rows: usize, list: usize, len: i32, planes: usize, carries: usize): i32 {
  return countFrom(rows, list, len, planes, carries, -1, carries);
}

/** count, going on from where a level0 of a list whose length was a multiple of 8 stopped
 *  (from >= 0: its ones, twos, fours and eights in planes[0..4), its `from` carries at
 *  carries[0..)): the counts of both lists together. Level 1 writes its carries to `up`
 *  (carryVectors(k) vectors; carries itself, or elsewhere to keep carries[0..from) for another
 *  count from them). */
export function countFrom(rows: usize, list: usize, len: i32, planes: usize, carries: usize, from: i32, up: usize): i32 {
  let level = 0;
  // level 0 reads the slice rows through the list, writing its carries to `carries`
  let n = level0(rows, list, len, planes, carries, from);
  // the next levels write theirs over what they have read (never ahead of it)
  let buf = carries;
  while (n > 0) {
    level++;
    n = levelUp(buf, n, planes + (<usize>(LEVEL0_PLANES + (level - 1) * 3) << 4), up);
    buf = up;
  }
  return LEVEL0_PLANES + level * 3;
}

/** Planes level 0 keeps (weights 1, 2, 4, 8). */
export const LEVEL0_PLANES: i32 = 4;

// The carry of adding x and y into a level register (whose new value is reg ^ x ^ y).
// @ts-ignore: decorator
@inline function csa(x: v128, y: v128, reg: v128): v128 { return v128.or(v128.and(x, y), v128.and(reg, v128.xor(x, y))); }

export function level0(rows: usize, list: usize, len: i32, planes: usize, out: usize, from: i32): i32 {
  let ones = i8x16.splat(0), twos = ones, fours = ones, eights = ones;
  let written = 0, r = 0;
  if (from >= 0) {
    ones = v128.load(planes); twos = v128.load(planes, 16); fours = v128.load(planes, 32); eights = v128.load(planes, 48);
    written = from;
  }
  // the stores of partial carries between the quarters of a block (each overwritten by the
  // next) keep the engine from loading all the rows first, which spills the level registers
  for (; r + 16 <= len; r += 16) {
    const at = list + (<usize>r << 2), slot = out + (<usize>written << 4);
    let d0 = v128.load(rows + load<u32>(at)), d1 = v128.load(rows + load<u32>(at, 4));
    let c0 = csa(d0, d1, ones); ones = v128.xor(ones, v128.xor(d0, d1));
    d0 = v128.load(rows + load<u32>(at, 8)); d1 = v128.load(rows + load<u32>(at, 12));
    let c1 = csa(d0, d1, ones); ones = v128.xor(ones, v128.xor(d0, d1));
    const c2 = csa(c0, c1, twos); twos = v128.xor(twos, v128.xor(c0, c1));
    v128.store(slot, c2);
    d0 = v128.load(rows + load<u32>(at, 16)); d1 = v128.load(rows + load<u32>(at, 20));
    c0 = csa(d0, d1, ones); ones = v128.xor(ones, v128.xor(d0, d1));
    d0 = v128.load(rows + load<u32>(at, 24)); d1 = v128.load(rows + load<u32>(at, 28));
    c1 = csa(d0, d1, ones); ones = v128.xor(ones, v128.xor(d0, d1));
    const c5 = csa(c0, c1, twos); twos = v128.xor(twos, v128.xor(c0, c1));
    const e0 = csa(c2, c5, fours); fours = v128.xor(fours, v128.xor(c2, c5));
    v128.store(slot, e0);
    d0 = v128.load(rows + load<u32>(at, 32)); d1 = v128.load(rows + load<u32>(at, 36));
    c0 = csa(d0, d1, ones); ones = v128.xor(ones, v128.xor(d0, d1));
    d0 = v128.load(rows + load<u32>(at, 40)); d1 = v128.load(rows + load<u32>(at, 44));
    c1 = csa(d0, d1, ones); ones = v128.xor(ones, v128.xor(d0, d1));
    const c6 = csa(c0, c1, twos); twos = v128.xor(twos, v128.xor(c0, c1));
    v128.store(slot, c6);
    d0 = v128.load(rows + load<u32>(at, 48)); d1 = v128.load(rows + load<u32>(at, 52));
    c0 = csa(d0, d1, ones); ones = v128.xor(ones, v128.xor(d0, d1));
    d0 = v128.load(rows + load<u32>(at, 56)); d1 = v128.load(rows + load<u32>(at, 60));
    c1 = csa(d0, d1, ones); ones = v128.xor(ones, v128.xor(d0, d1));
    const c7 = csa(c0, c1, twos); twos = v128.xor(twos, v128.xor(c0, c1));
    const e1 = csa(c6, c7, fours); fours = v128.xor(fours, v128.xor(c6, c7));
    v128.store(slot, csa(e0, e1, eights)); written++; eights = v128.xor(eights, v128.xor(e0, e1));
  }
  // 8 more rows: their weight-8 carry into eights by a half adder
  if (r + 8 <= len) {
    const at = list + (<usize>r << 2);
    let d0 = v128.load(rows + load<u32>(at)), d1 = v128.load(rows + load<u32>(at, 4));
    let c0 = csa(d0, d1, ones); ones = v128.xor(ones, v128.xor(d0, d1));
    d0 = v128.load(rows + load<u32>(at, 8)); d1 = v128.load(rows + load<u32>(at, 12));
    let c1 = csa(d0, d1, ones); ones = v128.xor(ones, v128.xor(d0, d1));
    const c2 = csa(c0, c1, twos); twos = v128.xor(twos, v128.xor(c0, c1));
    d0 = v128.load(rows + load<u32>(at, 16)); d1 = v128.load(rows + load<u32>(at, 20));
    c0 = csa(d0, d1, ones); ones = v128.xor(ones, v128.xor(d0, d1));
    d0 = v128.load(rows + load<u32>(at, 24)); d1 = v128.load(rows + load<u32>(at, 28));
    c1 = csa(d0, d1, ones); ones = v128.xor(ones, v128.xor(d0, d1));
    const c5 = csa(c0, c1, twos); twos = v128.xor(twos, v128.xor(c0, c1));
    const e0 = csa(c2, c5, fours); fours = v128.xor(fours, v128.xor(c2, c5));
    v128.store(out + (<usize>written << 4), v128.and(eights, e0)); written++; eights = v128.xor(eights, e0);
    r += 8;
  }
  // the last < 8 rows one at a time (half adders up the levels); a carry out of eights is one
  // more input of the next level
  for (; r < len; r++) {
    let d = v128.load(rows + load<u32>(list + (<usize>r << 2)));
    let cy = v128.and(ones, d); ones = v128.xor(ones, d);
    d = v128.and(twos, cy); twos = v128.xor(twos, cy);
    cy = v128.and(fours, d); fours = v128.xor(fours, d);
    d = v128.and(eights, cy); eights = v128.xor(eights, cy);
    v128.store(out + (<usize>written << 4), d);
    written += <i32>v128.any_true(d);
  }
  v128.store(planes, ones); v128.store(planes, twos, 16); v128.store(planes, fours, 32); v128.store(planes, eights, 48);
  return written;
}

// A level above 0: the same on n stored vectors at buf, its carries written to out[0..) (buf
// itself, or apart).
// The last block is filled up with zero vectors (they add nothing) instead of a loop of single
// vectors: that loop's serial carry count cost about as much as all the blocks (a profile of
// CNV's conv2). n <= 7 vectors sum to at most 7 per lane, so they leave no carry (and up to 3
// sum to at most 3: fours, set by the carry out of twos, never carries on).
// (Kept apart from level0 on purpose: one shared body with the row address chosen inside
// measured 401 vs 460 GMAC/s, the listed loads losing their constant offsets.)
function levelUp(buf: usize, len: i32, planes: usize, out: usize): i32 {
  let ones = i8x16.splat(0), twos = ones, fours = ones;
  if (len <= 3) {
    // a few (the top level's usual one or two): half adders, cheaper than a block of zeros
    for (let r = 0; r < len; r++) {
      const d = v128.load(buf + (<usize>r << 4)), cy = v128.and(ones, d);
      ones = v128.xor(ones, d); fours = v128.or(fours, v128.and(twos, cy)); twos = v128.xor(twos, cy);
    }
    v128.store(planes, ones); v128.store(planes, twos, 16); v128.store(planes, fours, 32);
    return 0;
  }
  for (let r = len; (r & 7) != 0; r++) v128.store(buf + (<usize>r << 4), ones);
  let written = 0;
  for (let r = 0; r < len; r += 8) {
    const at = buf + (<usize>r << 4);
    let d0 = v128.load(at), d1 = v128.load(at, 16);
    const c0 = csa(d0, d1, ones); ones = v128.xor(ones, v128.xor(d0, d1));
    d0 = v128.load(at, 32); d1 = v128.load(at, 48);
    const c1 = csa(d0, d1, ones); ones = v128.xor(ones, v128.xor(d0, d1));
    const c2 = csa(c0, c1, twos); twos = v128.xor(twos, v128.xor(c0, c1));
    v128.store(out + (<usize>written << 4), c2); // as in level0 (written <= r: read already)
    d0 = v128.load(at, 64); d1 = v128.load(at, 80);
    const c3 = csa(d0, d1, ones); ones = v128.xor(ones, v128.xor(d0, d1));
    d0 = v128.load(at, 96); d1 = v128.load(at, 112);
    const c4 = csa(d0, d1, ones); ones = v128.xor(ones, v128.xor(d0, d1));
    const c5 = csa(c3, c4, twos); twos = v128.xor(twos, v128.xor(c3, c4));
    v128.store(out + (<usize>written << 4), csa(c2, c5, fours)); written++; fours = v128.xor(fours, v128.xor(c2, c5));
  }
  v128.store(planes, ones); v128.store(planes, twos, 16); v128.store(planes, fours, 32);
  return len > 7 ? written : 0;
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
  for (let q = 0; q < rest - at; q++) store<i32>(o + (<usize>(at + q) << 2), lane(v, q));
}
