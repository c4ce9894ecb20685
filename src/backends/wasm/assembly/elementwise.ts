// Elementwise kernels of training, wasm SIMD. Each must equal the reference bit for bit, so the
// ones whose reference computes in float64 (stochasticSign) compute in f64x2 here too.

// @ts-ignore: decorator
@inline function f32x2(p: usize): v128 { return f64x2.promote_low_f32x4(v128.load64_zero(p)); }

/** out = x >= 0 ? +1 : -1 (NaN → -1, like the reference's comparison). A job over the elements
 *  [start, end) (each is computed alone, so the split changes no bit). */
export function sign(x: usize, out: usize, start: i32, end: i32): void {
  const one = f32x4.splat(1), minusOne = f32x4.splat(-1), zero = f32x4.splat(0);
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, v128.bitselect(one, minusOne, f32x4.ge(v128.load(x + o), zero)));
  }
  for (; i < end; i++) store<f32>(out + (<usize>i << 2), load<f32>(x + (<usize>i << 2)) >= 0 ? 1 : -1);
}

/** out = min(hi, max(lo, x)). lo, hi arrive as f32 (their bits: a job takes i32 arguments):
 *  rounding is monotonic, so clamping to the rounded bounds gives the rounded float64 result.
 *  f32x4.min/max propagate NaN like Math.min/max. A job over the elements [start, end). */
export function clamp(x: usize, out: usize, loBits: i32, hiBits: i32, start: i32, end: i32): void {
  const lo = reinterpret<f32>(loBits), hi = reinterpret<f32>(hiBits);
  const l = f32x4.splat(lo), h = f32x4.splat(hi);
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.min(h, f32x4.max(l, v128.load(x + o))));
  }
  for (; i < end; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    store<f32>(out + (<usize>i << 2), v != v ? v : min(hi, max(lo, v)));
  }
}

/** dx = lo <= x <= hi ? dy : 0. The glue passes the f32 bounds that make an f32 compare agree
 *  with the reference's float64 one (the smallest f32 >= lo, the largest <= hi). */
export function passInside(dy: usize, x: usize, dx: usize, loBits: i32, hiBits: i32, start: i32, end: i32): void {
  // a thread-pool job: the f32 bounds arrive as their bits (jobs take i32 arguments), and the
  // elements [start, end) as one chunk (each is computed alone, so the split changes no bit)
  const skip = <usize>start << 2;
  passInsideRange(dy + skip, x + skip, dx + skip, end - start, reinterpret<f32>(loBits), reinterpret<f32>(hiBits));
}

// @ts-ignore: decorator
@inline function passInsideRange(dy: usize, x: usize, dx: usize, length: i32, lo: f32, hi: f32): void {
  const l = f32x4.splat(lo), h = f32x4.splat(hi);
  let i = 0;
  for (; i + 4 <= length; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    v128.store(dx + o, v128.and(v128.load(dy + o), v128.and(f32x4.ge(v, l), f32x4.le(v, h))));
  }
  for (; i < length; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    store<f32>(dx + (<usize>i << 2), v >= lo && v <= hi ? load<f32>(dy + (<usize>i << 2)) : 0);
  }
}

/** out = u < clip((x+1)/2, 0, 1) ? +1 : -1, in float64 as the reference (QNN-SPEC §1.2), so
 *  that u landing exactly on the probability decides the same way. */
export function stochasticSign(x: usize, u: usize, out: usize, length: i32): void {
  const one = f64x2.splat(1), zero = f64x2.splat(0), half = f64x2.splat(0.5);
  const plus = f32x4.splat(1), minus = f32x4.splat(-1);
  let i = 0;
  for (; i + 2 <= length; i += 2) {
    const o = <usize>i << 2;
    const p = f64x2.min(one, f64x2.max(zero, f64x2.mul(f64x2.add(f32x2(x + o), one), half)));
    const take = f64x2.lt(f32x2(u + o), p); // two i64 masks → the low two i32 lanes
    v128.store64_lane(out + o, v128.bitselect(plus, minus, i32x4.shuffle(take, take, 0, 2, 0, 2)), 0);
  }
  for (; i < length; i++) {
    const o = <usize>i << 2;
    const p = min<f64>(1, max<f64>(0, (<f64>load<f32>(x + o) + 1) * 0.5));
    store<f32>(out + o, <f64>load<f32>(u + o) < p ? 1 : -1);
  }
}
