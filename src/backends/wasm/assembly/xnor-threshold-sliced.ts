// A hidden layer's product and sign in one pass, WebAssembly SIMD: out row i, bit j =
// (C[i,j] < lim[j]) XOR flip bit j, C = k − 2·popcount(A_i XOR B_j), for the columns j0 <= j < j1
// (multiples of 128). B comes as packSlices lays it, the thresholds as packThresholdSlices does
// (reference/xnor-threshold-sliced.ts): D = lim + 2·pop(B_j) and E = 2·pop(B_j) − lim, W-bit two's
// complement with the sign bit flipped, bit-sliced like the counts.
//
// The counts c_j come from xnor-gemm-sliced.ts's count, bit-sliced. With bias = k − 2|N1|:
//   ones listed:  C = bias + 4c − 2·pop, so C < lim  ⟺  4c + bias < D;
//   zeros listed: C = bias − 4c + 2·pop, so C < lim  ⟺  E < 4c − bias.
// Both sides are compared bit-sliced, 128 columns at once: 4c ± bias by a ripple add of the
// constant (5 ops a plane), then the borrow of a subtraction (4 ops a plane) is the comparison.
// That replaces un-slicing the counts into int32 (about 8 ops per plane per 16 columns) and the
// threshold pass over them; the result is already the packed output.

import { carriesOf, count, lane, listRows, onesOf, planesOf, SLICE } from './xnor-gemm-sliced';

/** Bit-sliced over 128 lanes: z = 4c + beta (c the counts in `used` planes at `planes`, beta a
 *  constant; W-bit two's complement with the sign bit flipped at the top) compared with the W
 *  planes of y at `other` (the same form): z < y, or y < z where `after`. Each plane is one ripple
 *  step of the constant's add (5 ops) and one of a subtraction's borrow (4 ops), whose last
 *  borrow is the comparison. */
// @ts-ignore: decorator
@inline export function compareSliced(planes: usize, used: i32, beta: i32, w: i32, other: usize, after: bool): v128 {
  return after ? compareOrdered(planes, used, beta, w, other, true) : compareOrdered(planes, used, beta, w, other, false);
}

// compareSliced with `after` a constant, in three runs of planes: below 2 (4c has none: z is
// beta's bits), c's planes, and above them (the constant's add only carries on); the top plane
// last, its bit flipped. beta's bits are taken off the bottom of a copy (its arithmetic shift
// repeats the sign bit past 31, as two's complement wants). Written so (branches and the
// constant's bits out of the loops) it is about 9 instructions a plane, not 50.
// @ts-ignore: decorator
@inline function compareOrdered(planes: usize, used: i32, beta: i32, w: i32, other: usize, after: bool): v128 {
  let cy = i8x16.splat(0), less = cy, bits = beta, b = 0;
  const top = w - 1, cTop = min(used + 2, top);
  for (; b < min(2, top); b++, bits >>= 1) less = borrow(i32x4.splat(-(bits & 1)), v128.load(other + (<usize>b << 4)), less, after);
  for (; b < cTop; b++, bits >>= 1) {
    const c = v128.load(planes + (<usize>(b - 2) << 4)), mask = i32x4.splat(-(bits & 1)), half = v128.xor(c, mask);
    const z = v128.xor(half, cy);
    cy = v128.or(v128.and(c, mask), v128.and(cy, half));
    less = borrow(z, v128.load(other + (<usize>b << 4)), less, after);
  }
  for (; b < top; b++, bits >>= 1) {
    const mask = i32x4.splat(-(bits & 1));
    less = borrow(v128.xor(mask, cy), v128.load(other + (<usize>b << 4)), less, after);
    cy = v128.and(cy, mask);
  }
  // the top plane: c's plane there if any (c fits below it in practice), the sign bit flipped
  const c = top >= 2 && top - 2 < used ? v128.load(planes + (<usize>(top - 2) << 4)) : i8x16.splat(0);
  const z = v128.not(v128.xor(v128.xor(c, i32x4.splat(-(bits & 1))), cy));
  return borrow(z, v128.load(other + (<usize>top << 4)), less, after);
}

// One plane of the borrow of x − y (the last one's out is x < y), with (x, y) = (z, d), or
// (d, z) where `after`.
// @ts-ignore: decorator
@inline function borrow(z: v128, d: v128, less: v128, after: bool): v128 {
  const x = after ? d : z, y = after ? z : d;
  return v128.or(v128.andnot(y, x), v128.andnot(less, v128.xor(x, y)));
}

export function xnorThresholdSliced(a: usize, t: usize, th: usize, flip: usize, out: usize, m: i32, n: i32, k: i32,
  scratch: usize, scratchBytes: i32, j0: i32, j1: i32, thread: i32): void {
  const words = (k + 31) >>> 5, outWords = (n + 31) >>> 5;
  const list = scratch + <usize>thread * scratchBytes, planes = planesOf(list, k), carries = carriesOf(planes);
  const sliceBytes = (<usize>SLICE << 2) + (<usize>k << 4);
  const w = 33 - clz(<u32>(3 * k + 1)), planeBytes = <usize>w << 4; // W planes of D, then of E
  for (let i = 0; i < m; i++) {
    const ai = a + ((<usize>i * words) << 2);
    const ones = onesOf(ai, words), zeros = ones > k - ones, len = listRows(ai, words, k, zeros, list, zeros ? k - ones : ones);
    const bias = k - 2 * ones, beta = zeros ? -bias : bias;
    const row = out + ((<usize>i * outWords) << 2);
    for (let s = j0 / SLICE; s * SLICE < j1; s++) {
      const slice = t + <usize>s * sliceBytes;
      const used = count(slice + (<usize>SLICE << 2), list, len, planes, carries);
      // D's planes, or E's (W planes further) where the zeros were listed
      const limits = th + <usize>s * (planeBytes << 1) + (zeros ? planeBytes : 0);
      // ones listed: 4c + beta < D; zeros listed: E < 4c + beta
      const less = compareSliced(planes, used, beta, w, limits, zeros);
      const jStart = s * SLICE, cols = min(j1, jStart + SLICE) - jStart;
      const at = <usize>(jStart >>> 5) << 2;
      if (cols == SLICE) {
        v128.store(row + at, v128.xor(less, v128.load(flip + at)));
      } else {
        // the last, partial slice: whole words only up to n, bits past n 0 (flip's are)
        for (let q = 0; q < (cols + 31) >>> 5; q++) {
          const valid = cols - (q << 5), keep = valid >= 32 ? -1 : (1 << valid) - 1;
          const o = at + (<usize>q << 2);
          store<i32>(row + o, (lane(less, q) & keep) ^ load<i32>(flip + o));
        }
      }
    }
  }
}

/** xnorThresholdSliced on rows i0 <= i < i1 of A, all columns (a batch split by row). */
export function xnorThresholdSlicedRows(a: usize, t: usize, th: usize, flip: usize, out: usize, m: i32, n: i32, k: i32,
  scratch: usize, scratchBytes: i32, i0: i32, i1: i32, thread: i32): void {
  const words = (k + 31) >>> 5, outWords = (n + 31) >>> 5;
  xnorThresholdSliced(a + ((<usize>i0 * words) << 2), t, th, flip, out + ((<usize>i0 * outWords) << 2), i1 - i0, n, k,
    scratch, scratchBytes, 0, n, thread);
}
