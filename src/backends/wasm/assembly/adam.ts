// One Adam step (QNN-SPEC §2.2 clipping included) in float32, four parameters per f32x4, each
// operation in the reference's order, so the result equals the reference bit for bit. (A float64
// version was bound by its divisions and square roots: 14 ms for the 10 M weights of the MNIST
// MLP on 2 threads.) Each element is computed alone, so a thread's chunk [lo, hi) gives the same
// bits whatever the split.

/** Elements [lo, hi) of one Adam step. The hyper-parameters come through memory (a thread-pool
 *  job takes i32 arguments only): hyper holds step, beta1, beta2, 1 - beta1, 1 - beta2, eps,
 *  clip as float32, rounded by the caller as the reference rounds them. */
export function adamStep(param: usize, grad: usize, m: usize, v: usize, hyper: usize, lo: i32, hi: i32): void {
  const skip = <usize>lo << 2;
  adamRange(param + skip, grad + skip, m + skip, v + skip, hi - lo, load<f32>(hyper), load<f32>(hyper, 4),
    load<f32>(hyper, 8), load<f32>(hyper, 12), load<f32>(hyper, 16), load<f32>(hyper, 20), load<f32>(hyper, 24));
}

// @ts-ignore: decorator
@inline function adamRange(param: usize, grad: usize, m: usize, v: usize, length: i32,
  step: f32, beta1: f32, beta2: f32, c1: f32, c2: f32, eps: f32, clip: f32): void {
  const b1 = f32x4.splat(beta1), b2 = f32x4.splat(beta2), d1 = f32x4.splat(c1), d2 = f32x4.splat(c2);
  const s = f32x4.splat(step), e = f32x4.splat(eps), hi = f32x4.splat(clip), lo = f32x4.splat(-clip);
  let i = 0;
  for (; i + 4 <= length; i += 4) {
    const o = <usize>i << 2;
    const g = v128.load(grad + o);
    const mi = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(d1, g));
    const vi = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(f32x4.mul(d2, g), g));
    let p = f32x4.sub(v128.load(param + o), f32x4.div(f32x4.mul(s, mi), f32x4.add(f32x4.sqrt(vi), e)));
    if (clip > 0) p = f32x4.min(hi, f32x4.max(lo, p));
    v128.store(m + o, mi); v128.store(v + o, vi); v128.store(param + o, p);
  }
  for (; i < length; i++) {
    const o = <usize>i << 2;
    const g = load<f32>(grad + o);
    const mi = beta1 * load<f32>(m + o) + c1 * g;
    const vi = beta2 * load<f32>(v + o) + c2 * g * g;
    let p = load<f32>(param + o) - step * mi / (Mathf.sqrt(vi) + eps);
    if (clip > 0) p = min(clip, max(-clip, p));
    store<f32>(m + o, mi); store<f32>(v + o, vi); store<f32>(param + o, p);
  }
}
