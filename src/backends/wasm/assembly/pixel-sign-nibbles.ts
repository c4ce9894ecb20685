// Unsigned bytes × ±1 weights by 16-entry table lookups, WebAssembly SIMD, exact:
//   C[i,j] = Σ_p x[i,p] − 2·N[i,j],   N[i,j] = Σ_{p: weight −1} x[i,p]
// for the columns j0 <= j < j1 (a thread's share, multiples of 16). The weights come in the nibble
// layout (kernels.ts, packSignNibbles): for each block of 16 columns and each group of 4
// consecutive p, 16 bytes, byte l holding the 4 weight bits of column 16·block + l.
//
// Each pixel x = 16h + l splits into nibbles. For one image and one group of 4 p, the sums of the
// l's over every subset of the 4 are at most 60: a 16-byte table, and so for the h's. One
// i8x16.swizzle looks up the subsets of all 16 columns at once, so an index load, two table
// loads, two swizzles and two adds do 64 multiply-adds; N = 16·Σ(h lookups) + Σ(l lookups).
//
// A group whose 4 bytes are all 0 adds nothing. Where an image has at least a quarter of such
// groups (handwritten digits: most of the frame is background), only the others are looked up:
// their tables are packed together and a list gives each one's index offset.

import { rowSum } from './pixel-sign-gemm';

// u8 lanes take 4 lookups (4 × 60 = 240); u16 lanes 1,024 groups (61,440) before widening.
const U8_GROUPS = 4;
const U16_GROUPS = 1024;

/** Scratch bytes one thread needs for rows of k bytes: the two tables of every group,
 *  16 columns × 2 int32 sums, and the index offsets of the groups looked up. */
export function pixelSignNibblesScratchBytes(k: i32): i32 { return paddedGroups(k) * 36 + 128; }

// Groups of 4 p, rounded up to whole u8 rounds; padding groups hold index 0 (the empty subset).
// @ts-ignore: decorator
@inline function paddedGroups(k: i32): i32 { return ((((k + 3) >>> 2) + U8_GROUPS - 1) / U8_GROUPS) * U8_GROUPS; }

export function pixelSignGemmNibbles(x: usize, t: usize, c: usize, m: i32, n: i32, k: i32,
  scratch: usize, scratchBytes: i32, j0: i32, j1: i32, thread: i32): void {
  const groups = paddedGroups(k);
  const tables = scratch + <usize>thread * scratchBytes;
  const wide = tables + (<usize>groups << 5), offsets = wide + 128;
  for (let i = 0; i < m; i++) {
    const xi = x + <usize>i * k;
    // the groups with a non-zero byte, listed where they are at most 3/4 of all
    const listed = listGroups(xi, k, groups, offsets), used = (listed + U8_GROUPS - 1) & ~(U8_GROUPS - 1);
    const sparse = used <= groups - (groups >>> 2);
    if (sparse) buildTablesListed(xi, k, tables, offsets, listed, used);
    else buildTables(xi, k, tables, groups);
    const total = rowSum(xi, k);
    for (let jb = j0 >>> 4; jb < (j1 + 15) >>> 4; jb++) {
      const idx = t + (<usize>jb * groups << 4);
      if (sparse) blockListed(idx, tables, offsets, used, wide);
      else block(idx, tables, groups, wide);
      const jEnd = min(j1, (jb + 1) << 4), out = c + ((<usize>i * n) << 2);
      if (jb << 4 >= j0 && jEnd - (jb << 4) == 16) {
        // a whole block: 4 columns a vector
        const o = out + (<usize>jb << 6), sum = i32x4.splat(total);
        for (let q: usize = 0; q < 64; q += 16) {
          const neg = i32x4.add(i32x4.shl(v128.load(wide + q, 64), 4), v128.load(wide + q));
          v128.store(o + q, i32x4.sub(sum, i32x4.shl(neg, 1)));
        }
        continue;
      }
      for (let j = max(j0, jb << 4); j < jEnd; j++) {
        const l = j & 15, neg = (load<i32>(wide + (<usize>l << 2), 64) << 4) + load<i32>(wide + (<usize>l << 2));
        // |result| <= 255·k fits int32; 2·neg may wrap for huge k, and the wrapped arithmetic
        // still lands on the exact result
        store<i32>(out + (<usize>j << 2), total - 2 * neg);
      }
    }
  }
}

/** pixelSignGemmNibbles on images i0 <= i < i1 (a thread's share when a batch is split by image:
 *  each thread then makes the tables of its own images only), all columns. */
export function pixelSignGemmNibblesRows(x: usize, t: usize, c: usize, m: i32, n: i32, k: i32,
  scratch: usize, scratchBytes: i32, i0: i32, i1: i32, thread: i32): void {
  pixelSignGemmNibbles(x + <usize>i0 * k, t, c + ((<usize>i0 * n) << 2), i1 - i0, n, k, scratch, scratchBytes, 0, n, thread);
}

// One block of 16 columns over every group: the l sums to wide[0..15], the h sums to wide[16..31].
// @ts-ignore: decorator
@inline function block(idx: usize, tables: usize, groups: i32, wide: usize): void {
  memory.fill(wide, 0, 128);
  for (let g0 = 0; g0 < groups; g0 += U16_GROUPS) {
    const gEnd = min(g0 + U16_GROUPS, groups);
    let la = i16x8.splat(0), lb = la, ha = la, hb = la;
    for (let g = g0; g < gEnd; g += U8_GROUPS) {
      const ix = idx + (<usize>g << 4), tb = tables + (<usize>g << 5);
      const i0 = v128.load(ix), i1 = v128.load(ix, 16), i2 = v128.load(ix, 32), i3 = v128.load(ix, 48);
      const l = sumLow(tb, i0, i1, i2, i3), h = sumHigh(tb, i0, i1, i2, i3);
      la = i16x8.add(la, i16x8.extend_low_i8x16_u(l)); lb = i16x8.add(lb, i16x8.extend_high_i8x16_u(l));
      ha = i16x8.add(ha, i16x8.extend_low_i8x16_u(h)); hb = i16x8.add(hb, i16x8.extend_high_i8x16_u(h));
    }
    widen(wide, la); widen(wide + 32, lb); widen(wide + 64, ha); widen(wide + 96, hb);
  }
}

// block over the listed groups only: table slot g holds the group whose index offset is
// offsets[g] (the list is padded to whole u8 rounds with empty tables).
// @ts-ignore: decorator
@inline function blockListed(idx: usize, tables: usize, offsets: usize, used: i32, wide: usize): void {
  memory.fill(wide, 0, 128);
  for (let g0 = 0; g0 < used; g0 += U16_GROUPS) {
    const gEnd = min(g0 + U16_GROUPS, used);
    let la = i16x8.splat(0), lb = la, ha = la, hb = la;
    for (let g = g0; g < gEnd; g += U8_GROUPS) {
      const at = offsets + (<usize>g << 2), tb = tables + (<usize>g << 5);
      const i0 = v128.load(idx + load<u32>(at)), i1 = v128.load(idx + load<u32>(at, 4));
      const i2 = v128.load(idx + load<u32>(at, 8)), i3 = v128.load(idx + load<u32>(at, 12));
      const l = sumLow(tb, i0, i1, i2, i3), h = sumHigh(tb, i0, i1, i2, i3);
      la = i16x8.add(la, i16x8.extend_low_i8x16_u(l)); lb = i16x8.add(lb, i16x8.extend_high_i8x16_u(l));
      ha = i16x8.add(ha, i16x8.extend_low_i8x16_u(h)); hb = i16x8.add(hb, i16x8.extend_high_i8x16_u(h));
    }
    widen(wide, la); widen(wide + 32, lb); widen(wide + 64, ha); widen(wide + 96, hb);
  }
}

// The 4 bytes of group g (0 past k).
// @ts-ignore: decorator
@inline function groupWord(xi: usize, k: i32, g: i32): u32 {
  if ((g << 2) + 4 <= k) return load<u32>(xi + (<usize>g << 2));
  let word: u32 = 0;
  for (let q = 0; q < 4; q++) if ((g << 2) + q < k) word |= <u32>load<u8>(xi + (<usize>(g << 2) + q)) << (q << 3);
  return word;
}

// Byte offsets (g·16, into a block's indices) of the groups with a non-zero byte, then 0 up to a
// whole u8 round (padding: slots with empty tables); returns how many groups were listed.
function listGroups(xi: usize, k: i32, groups: i32, offsets: usize): i32 {
  let listed = 0;
  for (let g = 0; g < groups; g++) {
    store<u32>(offsets + (<usize>listed << 2), <u32>g << 4);
    listed += <i32>(groupWord(xi, k, g) != 0);
  }
  for (let pad = listed; pad & (U8_GROUPS - 1); pad++) store<u32>(offsets + (<usize>pad << 2), 0);
  return listed;
}

// The l (low-nibble) lookups of 4 groups whose tables start at tb, summed in u8 lanes (<= 240);
// sumHigh likewise for the h lookups.
// @ts-ignore: decorator
@inline function sumLow(tb: usize, i0: v128, i1: v128, i2: v128, i3: v128): v128 {
  return i8x16.add(
    i8x16.add(lookup16(v128.load(tb), i0), lookup16(v128.load(tb, 32), i1)),
    i8x16.add(lookup16(v128.load(tb, 64), i2), lookup16(v128.load(tb, 96), i3)));
}
// @ts-ignore: decorator
@inline function sumHigh(tb: usize, i0: v128, i1: v128, i2: v128, i3: v128): v128 {
  return i8x16.add(
    i8x16.add(lookup16(v128.load(tb, 16), i0), lookup16(v128.load(tb, 48), i1)),
    i8x16.add(lookup16(v128.load(tb, 80), i2), lookup16(v128.load(tb, 112), i3)));
}

// The 16-entry table lookup. Indices here are always below 16, where relaxed_swizzle (one
// PSHUFB) and swizzle (which V8 precedes with a saturating add that zeroes indices >= 16) agree;
// the relaxed build (where the engine has relaxed SIMD) saves that add: about 20% on this kernel.
// @ts-ignore: decorator
@inline function lookup16(table: v128, index: v128): v128 {
  return ASC_FEATURE_RELAXED_SIMD ? i8x16.relaxed_swizzle(table, index) : i8x16.swizzle(table, index);
}

// Add 8 u16 lanes to 8 int32 sums at p.
// @ts-ignore: decorator
@inline function widen(p: usize, v: v128): void {
  v128.store(p, i32x4.add(v128.load(p), i32x4.extend_low_i16x8_u(v)));
  v128.store(p, i32x4.add(v128.load(p, 16), i32x4.extend_high_i16x8_u(v)), 16);
}

// For each group of 4 pixels (0 past k): table lo[e] = Σ of the low nibbles of the pixels whose
// bit is set in e, then table hi[e] likewise, 32 bytes per group.
function buildTables(xi: usize, k: i32, tables: usize, groups: i32): void {
  for (let g = 0; g < groups; g++) storeTables(groupWord(xi, k, g), tables + (<usize>g << 5));
}

// The same for the listed groups, into consecutive slots; the padding slots up to `used` get
// empty tables.
function buildTablesListed(xi: usize, k: i32, tables: usize, offsets: usize, listed: i32, used: i32): void {
  for (let g = 0; g < used; g++) {
    const word = g < listed ? groupWord(xi, k, <i32>(load<u32>(offsets + (<usize>g << 2)) >>> 4)) : 0;
    storeTables(word, tables + (<usize>g << 5));
  }
}

// Group word → its lo table (subset sums of the low nibbles) and hi table, 32 bytes at dst.
// @ts-ignore: decorator
@inline function storeTables(word: u32, dst: usize): void {
  // byte lane e of bit_t is 0xff when bit t of e is set
  const bit0 = i8x16(0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1, 0, -1);
  const bit1 = i8x16(0, 0, -1, -1, 0, 0, -1, -1, 0, 0, -1, -1, 0, 0, -1, -1);
  const bit2 = i8x16(0, 0, 0, 0, -1, -1, -1, -1, 0, 0, 0, 0, -1, -1, -1, -1);
  const bit3 = i8x16(0, 0, 0, 0, 0, 0, 0, 0, -1, -1, -1, -1, -1, -1, -1, -1);
  const nibble = i8x16.splat(15);
  const v = i32x4.splat(word);
  const lo = v128.and(v, nibble), hi = v128.and(i16x8.shr_u(v, 4), nibble);
  v128.store(dst, subsetSums(lo, bit0, bit1, bit2, bit3));
  v128.store(dst, subsetSums(hi, bit0, bit1, bit2, bit3), 16);
}

// Lane e: Σ_t (bit t of e) · byte t of v.
// @ts-ignore: decorator
@inline function subsetSums(v: v128, bit0: v128, bit1: v128, bit2: v128, bit3: v128): v128 {
  return i8x16.add(
    i8x16.add(v128.and(bit0, i8x16.swizzle(v, i8x16.splat(0))), v128.and(bit1, i8x16.swizzle(v, i8x16.splat(1)))),
    i8x16.add(v128.and(bit2, i8x16.swizzle(v, i8x16.splat(2))), v128.and(bit3, i8x16.swizzle(v, i8x16.splat(3)))));
}
