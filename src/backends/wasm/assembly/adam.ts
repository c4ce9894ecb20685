// One Adam step (QNN-SPEC §2.2 clipping included), float64 arithmetic in the reference's exact
// order (m and v are rounded to f32 when stored and re-read rounded, as the reference does), so
// the result equals the reference bit for bit. Two parameters per f64x2. Each element is computed
// alone, so a thread's chunk [lo, hi) gives the same bits whatever the split.

// @ts-ignore: decorator
@inline function f32x2(p: usize): v128 { return f64x2.promote_low_f32x4(v128.load64_zero(p)); }
// @ts-ignore: decorator
@inline function rounded(v: v128): v128 { return f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(v)); }
// @ts-ignore: decorator
@inline function store2(p: usize, v: v128): void { v128.store64_lane(p, f32x4.demote_f64x2_zero(v), 0); }

/** Elements [lo, hi) of one Adam step. The float64 hyper-parameters come through memory (a
 *  thread-pool job takes i32 arguments only): hyper holds step, beta1, beta2, eps, clip. */
export function adamStep(param: usize, grad: usize, m: usize, v: usize, hyper: usize, lo: i32, hi: i32): void {
  const skip = <usize>lo << 2;
  adamRange(param + skip, grad + skip, m + skip, v + skip, hi - lo, load<f64>(hyper), load<f64>(hyper, 8),
    load<f64>(hyper, 16), load<f64>(hyper, 24), load<f64>(hyper, 32));
}

// @ts-ignore: decorator
@inline function adamRange(param: usize, grad: usize, m: usize, v: usize, length: i32,
  step: f64, beta1: f64, beta2: f64, eps: f64, clip: f64): void {
  const b1 = f64x2.splat(beta1), b2 = f64x2.splat(beta2), c1 = f64x2.splat(1 - beta1), c2 = f64x2.splat(1 - beta2);
  const s = f64x2.splat(step), e = f64x2.splat(eps), hi = f64x2.splat(clip), lo = f64x2.splat(-clip);
  let i = 0;
  for (; i + 2 <= length; i += 2) {
    const o = <usize>i << 2;
    const g = f32x2(grad + o);
    const mi = rounded(f64x2.add(f64x2.mul(b1, f32x2(m + o)), f64x2.mul(c1, g)));
    const vi = rounded(f64x2.add(f64x2.mul(b2, f32x2(v + o)), f64x2.mul(f64x2.mul(c2, g), g)));
    let p = f64x2.sub(f32x2(param + o), f64x2.div(f64x2.mul(s, mi), f64x2.add(f64x2.sqrt(vi), e)));
    if (clip > 0) p = f64x2.min(hi, f64x2.max(lo, p));
    store2(m + o, mi); store2(v + o, vi); store2(param + o, p);
  }
  for (; i < length; i++) {
    const o = <usize>i << 2;
    const g = <f64>load<f32>(grad + o);
    const mi = <f32>(beta1 * <f64>load<f32>(m + o) + (1 - beta1) * g);
    const vi = <f32>(beta2 * <f64>load<f32>(v + o) + (1 - beta2) * g * g);
    let p = <f64>load<f32>(param + o) - step * <f64>mi / (Math.sqrt(<f64>vi) + eps);
    if (clip > 0) p = min(clip, max(-clip, p));
    store<f32>(m + o, mi); store<f32>(v + o, vi); store<f32>(param + o, <f32>p);
  }
}
