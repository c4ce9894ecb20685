// Float GEMM, WebAssembly SIMD: f32x4 mul + add, or fused multiply-add in the relaxed-SIMD build
// (Node 20 compiles it only behind a V8 flag, which the CLI sets).
// C[m,n] (+)= op(A)[m,k]·op(B)[k,n] for the columns j0 <= j < j1 (a thread's share).
// GotoBLAS-style: B is packed into KC × NR panels, A into MR × KC panels, and a 4 × 8
// register-blocked micro-kernel runs over them. The same code serves gemmSignB, whose B is ±1
// packed by column: the panel packer expands the bits to ±1.0, so a·(±1) is exact and the micro-
// kernel is shared.
//
// Determinism: every output is one chain c = c + a·b over p = 0..k-1 in order (k blocks continue
// from the value stored in C), whatever tile, thread or edge path computes it. So results do not
// depend on the column split, i.e. on the thread count.

const MR = 4;
const NR = 8;
const KC = 512;
const MC = 64;
const NC = 1024;

export const TRANS_A = 1;
export const TRANS_B = 2;
export const ACCUMULATE = 4;
export const SIGN_B = 8;

/** Scratch bytes one thread needs: the A block, the B block and an edge tile. */
export function gemmScratchBytes(): i32 { return (MC * KC + KC * NC + MR * NR) * 4; }

export function gemm(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, flags: i32,
  scratch: usize, scratchBytes: i32, j0: i32, j1: i32, thread: i32): void {
  const packA = scratch + <usize>thread * scratchBytes;
  const packB = packA + <usize>(MC * KC * 4);
  const tile = packB + <usize>(KC * NC * 4);
  const accumulate = (flags & ACCUMULATE) != 0;
  if (k == 0) { // nothing to add: overwrite with 0 or leave C as is
    if (!accumulate) for (let i = 0; i < m; i++) memory.fill(c + ((<usize>i * n + j0) << 2), 0, <usize>(j1 - j0) << 2);
    return;
  }
  for (let jc = j0; jc < j1; jc += NC) {
    const nc = min(NC, j1 - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const loadC = accumulate || pc > 0;
      packBBlock(b, packB, n, k, flags, pc, kc, jc, nc);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packABlock(a, packA, m, k, (flags & TRANS_A) != 0, ic, mc, pc, kc);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const bp = packB + (<usize>(jr * kc) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const ap = packA + (<usize>(ir * kc) << 2);
            const cp = c + ((<usize>(ic + ir) * n + jc + jr) << 2);
            if (mr == MR && nr == NR) {
              micro4x8(ap, bp, cp, <usize>n << 2, kc, loadC);
            } else { // edge: run on a full tile, move only the valid part in and out
              if (loadC) moveTile(cp, <usize>n << 2, tile, NR * 4, mr, nr, true);
              micro4x8(ap, bp, tile, NR * 4, kc, loadC);
              moveTile(cp, <usize>n << 2, tile, NR * 4, mr, nr, false);
            }
          }
        }
      }
    }
  }
}

// @ts-ignore: decorator
@inline function micro4x8(ap: usize, bp: usize, cp: usize, ldc: usize, kc: i32, loadC: bool): void {
  let c00 = f32x4.splat(0), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  if (loadC) {
    c00 = v128.load(cp); c01 = v128.load(cp, 16);
    c10 = v128.load(cp + ldc); c11 = v128.load(cp + ldc, 16);
    c20 = v128.load(cp + 2 * ldc); c21 = v128.load(cp + 2 * ldc, 16);
    c30 = v128.load(cp + 3 * ldc); c31 = v128.load(cp + 3 * ldc, 16);
  }
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let x = v128.load32_splat(ap);
    c00 = madd(x, b0, c00); c01 = madd(x, b1, c01);
    x = v128.load32_splat(ap, 4);
    c10 = madd(x, b0, c10); c11 = madd(x, b1, c11);
    x = v128.load32_splat(ap, 8);
    c20 = madd(x, b0, c20); c21 = madd(x, b1, c21);
    x = v128.load32_splat(ap, 12);
    c30 = madd(x, b0, c30); c31 = madd(x, b1, c31);
    ap += MR * 4; bp += NR * 4;
  }
  v128.store(cp, c00); v128.store(cp, c01, 16);
  v128.store(cp + ldc, c10); v128.store(cp + ldc, c11, 16);
  v128.store(cp + 2 * ldc, c20); v128.store(cp + 2 * ldc, c21, 16);
  v128.store(cp + 3 * ldc, c30); v128.store(cp + 3 * ldc, c31, 16);
}

// c + a·b. The plain build rounds the product, then the sum: 16 operations per 4 × 8 step on
// two ports, which bounds it at 4 multiply-adds a cycle. The relaxed build fuses them (one
// rounding, half the operations). With ±1 operands (gemmSignB) both give the same bits.
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  return ASC_FEATURE_RELAXED_SIMD ? f32x4.relaxed_madd(a, b, c) : f32x4.add(c, f32x4.mul(a, b));
}

// Copy the valid mr × nr corner between C and the edge tile (toTile: C → tile, else back).
function moveTile(cp: usize, ldc: usize, tile: usize, ldt: usize, mr: i32, nr: i32, toTile: bool): void {
  for (let r = 0; r < mr; r++) {
    const src = toTile ? cp + <usize>r * ldc : tile + <usize>r * ldt;
    const dst = toTile ? tile + <usize>r * ldt : cp + <usize>r * ldc;
    memory.copy(dst, src, <usize>nr << 2);
  }
}

// A block rows ic..ic+mc, depth pc..pc+kc → MR-row panels, [p][r] inside each; rows past m are 0.
function packABlock(a: usize, dst: usize, m: i32, k: i32, transA: bool, ic: i32, mc: i32, pc: i32, kc: i32): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const panel = dst + (<usize>(ir * kc) << 2);
    for (let r = 0; r < MR; r++) {
      const i = ic + ir + r;
      if (ir + r >= mc) { for (let p = 0; p < kc; p++) store<f32>(panel + (<usize>(p * MR + r) << 2), 0); continue; }
      if (transA) { // A stored [k, m]: column i walks with stride m
        for (let p = 0; p < kc; p++) store<f32>(panel + (<usize>(p * MR + r) << 2), load<f32>(a + ((<usize>(pc + p) * m + i) << 2)));
      } else {
        const row = a + ((<usize>i * k + pc) << 2);
        for (let p = 0; p < kc; p++) store<f32>(panel + (<usize>(p * MR + r) << 2), load<f32>(row + (<usize>p << 2)));
      }
    }
  }
}

// B block depth pc..pc+kc, columns jc..jc+nc → NR-column panels, [p][c] inside; columns past
// the block are 0. With SIGN_B, b is the ±1 matrix packed by column (n rows of ceil(k/32) words).
function packBBlock(b: usize, dst: usize, n: i32, k: i32, flags: i32, pc: i32, kc: i32, jc: i32, nc: i32): void {
  const words = (k + 31) >>> 5;
  for (let jr = 0; jr < nc; jr += NR) {
    const panel = dst + (<usize>(jr * kc) << 2);
    const nr = min(NR, nc - jr);
    if ((flags & (TRANS_B | SIGN_B)) == 0 && nr == NR) { // B stored [k, n]: 8 contiguous floats per p
      for (let p = 0; p < kc; p++) {
        const src = b + ((<usize>(pc + p) * n + jc + jr) << 2);
        v128.store(panel + (<usize>(p * NR) << 2), v128.load(src));
        v128.store(panel + (<usize>(p * NR) << 2), v128.load(src, 16), 16);
      }
      continue;
    }
    if (flags & SIGN_B) { packSignPanel(b, panel, words, pc, kc, jc + jr, nr); continue; }
    for (let cc = 0; cc < NR; cc++) {
      const j = jc + jr + cc;
      if (cc >= nr) { for (let p = 0; p < kc; p++) store<f32>(panel + (<usize>(p * NR + cc) << 2), 0); continue; }
      if (flags & TRANS_B) { // B stored [n, k]: column j is row j
        const row = b + ((<usize>j * k + pc) << 2);
        for (let p = 0; p < kc; p++) store<f32>(panel + (<usize>(p * NR + cc) << 2), load<f32>(row + (<usize>p << 2)));
      } else {
        for (let p = 0; p < kc; p++) store<f32>(panel + (<usize>(p * NR + cc) << 2), load<f32>(b + ((<usize>(pc + p) * n + j) << 2)));
      }
    }
  }
}

// One NR-column panel of a ±1 matrix packed by column: the words of 8 columns side by side in two
// v128, and each bit q moved to the float sign bit of 1.0 (shift right q, then left 31), 8 floats
// per 4 ops. Columns past nr read as +1 and are discarded with the edge tile. pc is a multiple
// of 32 (KC is), so a block starts on a word.
function packSignPanel(s: usize, panel: usize, words: i32, pc: i32, kc: i32, j: i32, nr: i32): void {
  const one = f32x4.splat(1.0);
  const stride = <usize>words << 2;
  for (let p = 0; p < kc; p += 32) {
    const at = s + <usize>j * stride + (<usize>((pc + p) >>> 5) << 2);
    let lo = i32x4.splat(0), hi = lo;
    lo = i32x4.replace_lane(lo, 0, load<i32>(at));
    if (nr > 1) lo = i32x4.replace_lane(lo, 1, load<i32>(at + stride));
    if (nr > 2) lo = i32x4.replace_lane(lo, 2, load<i32>(at + 2 * stride));
    if (nr > 3) lo = i32x4.replace_lane(lo, 3, load<i32>(at + 3 * stride));
    if (nr > 4) hi = i32x4.replace_lane(hi, 0, load<i32>(at + 4 * stride));
    if (nr > 5) hi = i32x4.replace_lane(hi, 1, load<i32>(at + 5 * stride));
    if (nr > 6) hi = i32x4.replace_lane(hi, 2, load<i32>(at + 6 * stride));
    if (nr > 7) hi = i32x4.replace_lane(hi, 3, load<i32>(at + 7 * stride));
    const depth = min(32, kc - p);
    let dst = panel + (<usize>(p * NR) << 2);
    for (let q = 0; q < depth; q++) {
      v128.store(dst, v128.or(i32x4.shl(i32x4.shr_u(lo, q), 31), one));
      v128.store(dst, v128.or(i32x4.shl(i32x4.shr_u(hi, q), 31), one), 16);
      dst += NR * 4;
    }
  }
}
