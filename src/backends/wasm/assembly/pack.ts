// Sign packing from floats (kernels.ts layout): bit 1 where x < 0. The test is a float compare,
// not the raw sign bit, so -0.0 packs as 0 (sign(0) = +1) and NaN as 0, like the reference.

/** Rows [rLo, rHi) of x [rows, k] (a thread's chunk; rows is the caller's, unused here). */
export function packRows(x: usize, out: usize, rows: i32, k: i32, rLo: i32, rHi: i32): void {
  const words = (k + 31) >>> 5;
  const zero = f32x4.splat(0);
  for (let r = rLo; r < rHi; r++) {
    const row = x + ((<usize>r * k) << 2);
    const dst = out + ((<usize>r * words) << 2);
    const full = k >>> 5;
    for (let w = 0; w < full; w++) {
      const src = row + (<usize>w << 7);
      let bits: u32 = 0;
      for (let q = 0; q < 8; q++) bits |= <u32>i32x4.bitmask(f32x4.lt(v128.load(src + (<usize>q << 4)), zero)) << (q << 2);
      store<u32>(dst + (<usize>w << 2), bits);
    }
    if (full < words) { // the tail word: bits past k stay 0
      let bits: u32 = 0;
      for (let p = full << 5; p < k; p++) if (load<f32>(row + (<usize>p << 2)) < 0) bits |= 1 << (p & 31);
      store<u32>(dst + (<usize>full << 2), bits);
    }
  }
}

/** x [k, n] packed down its columns: out row j holds column j along k. Four columns at a time,
 *  each lane of a v128 collecting one column's word. Words [wLo, wHi) of every column (a
 *  thread's chunk: 32 rows of x each). */
export function packCols(x: usize, out: usize, k: i32, n: i32, wLo: i32, wHi: i32): void {
  const words = (k + 31) >>> 5;
  const zero = f32x4.splat(0);
  for (let w = wLo; w < wHi; w++) {
    const depth = min(32, k - (w << 5));
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      let acc = i32x4.splat(0);
      let src = x + ((<usize>(w << 5) * n + j) << 2);
      for (let p = 0; p < depth; p++) {
        acc = v128.or(acc, v128.and(f32x4.lt(v128.load(src), zero), i32x4.splat(1 << p)));
        src += <usize>n << 2;
      }
      const dst = out + ((<usize>j * words + w) << 2);
      const stride = <usize>words << 2;
      store<i32>(dst, i32x4.extract_lane(acc, 0));
      store<i32>(dst + stride, i32x4.extract_lane(acc, 1));
      store<i32>(dst + 2 * stride, i32x4.extract_lane(acc, 2));
      store<i32>(dst + 3 * stride, i32x4.extract_lane(acc, 3));
    }
    for (; j < n; j++) {
      let bits: u32 = 0;
      for (let p = 0; p < depth; p++) if (load<f32>(x + ((<usize>((w << 5) + p) * n + j) << 2)) < 0) bits |= 1 << p;
      store<u32>(out + ((<usize>j * words + w) << 2), bits);
    }
  }
}
