// Log-quantized gradient products (QNN-SPEC §3.5), WebAssembly SIMD. Layouts as in kernels.ts:
// a row of G is a sign row plus `planes` exponent planes (one-hot: plane p has bit 1 where
// |g| = 2^(eMin+p)), each ceil(k/32) u32 words with tail bits 0; S is ±1 packed along k.
//
// Per output, C[i,j] = Σ_p 2^(eMin+p)·(cnt_p − 2·popcount(P_p AND (sign_i XOR s_j))), cnt_p =
// popcount(P_p). Cost is (planes in use) AND+popcounts over k bits, so the planes a row does
// not use are dropped once per row: its used planes are copied to scratch, packed tight and
// zero-padded to whole v128s (gradients use a band of exponents, not all 31 codes). Each
// column quad's sign_i XOR s_j is made once per row and serves every plane.
//
// Bit-identical to reference/bit-serial-log-gemm.ts by following its float order: the popcounts
// are integers (exact in any order); each plane's term 2^(eMin+p)·(cnt − 2·differ) is the same
// f64 product, and the terms are added in ascending p, one chain per output, then rounded once
// to f32. So the result does not depend on the thread split either.

// i8x16 lanes count at most 8 set bits per v128; 31 adds keep a lane <= 248, below u8 overflow.
const FLUSH_EVERY: i32 = 31;

/** Scratch bytes one thread needs: the used planes (padded to v128s), four XOR rows, and the
 *  list of used planes (scale f64, count i32; 16 bytes each). */
export function bitSerialLogGemmScratchBytes(planes: i32, k: i32): i32 {
  const vecs = (((k + 31) >>> 5) + 3) >>> 2;
  return (planes + 4) * (vecs << 4) + (planes << 4);
}

/** Kernels.packLogPlanes. The exponent is read from the float's bits: a power of two has a zero
 *  mantissa (normal: e = biased − 127) or a single mantissa bit (subnormal: e = −149 + its
 *  index), the same e as the reference's round(log2|x|). ±0 sets no bit, sign included. */
export function packLogPlanes(x: usize, rows: i32, k: i32, eMin: i32, planes: i32, sign: usize, planeBits: usize): void {
  const words = (k + 31) >>> 5;
  memory.fill(sign, 0, (<usize>rows * words) << 2);
  memory.fill(planeBits, 0, (<usize>rows * planes * words) << 2);
  for (let r = 0; r < rows; r++) {
    const xr = x + ((<usize>r * k) << 2);
    const sr = sign + ((<usize>r * words) << 2);
    const pr = planeBits + ((<usize>r * planes * words) << 2);
    for (let w = 0; w < words; w++) {
      const first = w << 5, count = min(32, k - first);
      let sw: u32 = 0;
      for (let b = 0; b < count; b++) {
        const bits = load<u32>(xr + (<usize>(first + b) << 2));
        const mag = bits & 0x7fffffff;
        if (mag == 0) continue;
        sw |= (bits >>> 31) << b;
        const biased = mag >>> 23;
        const e = biased != 0 ? <i32>biased - 127 : -149 + <i32>ctz(mag);
        const at = pr + ((<usize>(e - eMin) * words + w) << 2);
        store<u32>(at, load<u32>(at) | (<u32>1 << b));
      }
      store<u32>(sr + (<usize>w << 2), sw);
    }
  }
}

/** Kernels.bitSerialLogGemm for the columns j0 <= j < j1 (a thread's share); scratch is thread
 *  0's block, this thread's is `thread` blocks further. */
export function bitSerialLogGemm(sign: usize, planeBits: usize, planes: i32, eMin: i32, s: usize, c: usize,
  m: i32, n: i32, k: i32, scratch: usize, scratchBytes: i32, j0: i32, j1: i32, thread: i32): void {
  const words = (k + 31) >>> 5;
  const rowBytes = <usize>words << 2;
  const vecs = (words + 3) >>> 2;
  const vecBytes = <usize>vecs << 4;
  const packed = scratch + <usize>thread * scratchBytes;
  const xors = packed + <usize>planes * vecBytes;
  const list = xors + 4 * vecBytes;
  for (let i = 0; i < m; i++) {
    // the planes row i uses, copied tight and zero-padded (tail bits 0: they never count)
    const signRow = sign + <usize>i * rowBytes;
    let used = 0;
    for (let p = 0; p < planes; p++) {
      const src = planeBits + (<usize>i * planes + p) * rowBytes;
      let count = 0;
      for (let w = 0; w < words; w++) count += <i32>popcnt(load<u32>(src + (<usize>w << 2)));
      if (count == 0) continue;
      const dst = packed + <usize>used * vecBytes;
      memory.copy(dst, src, rowBytes);
      memory.fill(dst + rowBytes, 0, vecBytes - rowBytes);
      store<f64>(list + (<usize>used << 4), NativeMath.scalbn(1.0, eMin + p));
      store<i32>(list + (<usize>used << 4), count, 8);
      used++;
    }
    const out = c + ((<usize>i * n) << 2);
    if (used == 0) { memory.fill(out + (<usize>j0 << 2), 0, <usize>(j1 - j0) << 2); continue; }
    for (let j = j0; j < j1; j += 4) {
      // sign_i XOR s_j for four columns (a missing column repeats the last valid one, unstored);
      // their padding is left as is: the planes' zero padding masks it
      for (let q = 0; q < 4; q++) {
        const col = min(j + q, j1 - 1);
        const sRow = s + <usize>col * rowBytes, dst = xors + <usize>q * vecBytes;
        for (let w = 0; w < words; w++) {
          const o = <usize>w << 2;
          store<u32>(dst + o, load<u32>(signRow + o) ^ load<u32>(sRow + o));
        }
      }
      let acc01 = f64x2.splat(0), acc23 = f64x2.splat(0);
      for (let l = 0; l < used; l++) {
        const plane = packed + <usize>l * vecBytes;
        let differ = i32x4.splat(0);
        for (let v0 = 0; v0 < vecs; v0 += FLUSH_EVERY) {
          const vEnd = min(v0 + FLUSH_EVERY, vecs);
          let d0 = i8x16.splat(0), d1 = d0, d2 = d0, d3 = d0;
          for (let v = v0; v < vEnd; v++) {
            const o = <usize>v << 4;
            const bits = v128.load(plane + o);
            d0 = i8x16.add(d0, i8x16.popcnt(v128.and(bits, v128.load(xors + o))));
            d1 = i8x16.add(d1, i8x16.popcnt(v128.and(bits, v128.load(xors + vecBytes + o))));
            d2 = i8x16.add(d2, i8x16.popcnt(v128.and(bits, v128.load(xors + 2 * vecBytes + o))));
            d3 = i8x16.add(d3, i8x16.popcnt(v128.and(bits, v128.load(xors + 3 * vecBytes + o))));
          }
          differ = i32x4.add(differ, sum4(d0, d1, d2, d3));
        }
        // term = 2^(eMin+p)·(cnt − 2·differ): the reference's f64 product, added in its order
        const entry = list + (<usize>l << 4);
        const term = i32x4.sub(i32x4.splat(load<i32>(entry, 8)), i32x4.shl(differ, 1));
        const scale = f64x2.splat(load<f64>(entry));
        acc01 = f64x2.add(acc01, f64x2.mul(f64x2.convert_low_i32x4_s(term), scale));
        acc23 = f64x2.add(acc23, f64x2.mul(f64x2.convert_low_i32x4_s(i32x4.shuffle(term, term, 2, 3, 2, 3)), scale));
      }
      const at = out + (<usize>j << 2), count = j1 - j;
      store<f32>(at, <f32>f64x2.extract_lane(acc01, 0));
      if (count > 1) store<f32>(at, <f32>f64x2.extract_lane(acc01, 1), 4);
      if (count > 2) store<f32>(at, <f32>f64x2.extract_lane(acc23, 0), 8);
      if (count > 3) store<f32>(at, <f32>f64x2.extract_lane(acc23, 1), 12);
    }
  }
}

// Byte counts of four columns → (Σ d0, Σ d1, Σ d2, Σ d3): widen, then a transposing add.
// @ts-ignore: decorator
@inline function sum4(d0: v128, d1: v128, d2: v128, d3: v128): v128 {
  const a = i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(d0));
  const b = i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(d1));
  const c = i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(d2));
  const d = i32x4.extadd_pairwise_i16x8_u(i16x8.extadd_pairwise_i8x16_u(d3));
  const ab = i32x4.add(i32x4.shuffle(a, b, 0, 4, 1, 5), i32x4.shuffle(a, b, 2, 6, 3, 7));
  const cd = i32x4.add(i32x4.shuffle(c, d, 0, 4, 1, 5), i32x4.shuffle(c, d, 2, 6, 3, 7));
  return i32x4.add(i32x4.shuffle(ab, cd, 0, 1, 4, 5), i32x4.shuffle(ab, cd, 2, 3, 6, 7));
}
