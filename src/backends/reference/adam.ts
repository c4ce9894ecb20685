const f = Math.fround;

/** Adam (Kingma & Ba) with bias correction, then optional clipping of the parameter (latent
 *  binary weights live in [-1, 1], QNN-SPEC §2.2). Float32 arithmetic, every operation rounded
 *  in this order, so a SIMD backend can match it bit for bit with four lanes at a time. */
export function adamStep(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array,
  lr: number, beta1: number, beta2: number, eps: number, t: number, clip: number): void {
  const step = f(lr * Math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t));
  const b1 = f(beta1), b2 = f(beta2), c1 = f(1 - beta1), c2 = f(1 - beta2), e = f(eps), hi = f(clip);
  for (let i = 0; i < param.length; i++) {
    const g = grad[i]!;
    const mi = f(f(b1 * m[i]!) + f(c1 * g));
    const vi = f(f(b2 * v[i]!) + f(f(c2 * g) * g)); // c2·g first: g² alone overflows float32 sooner
    let p = f(param[i]! - f(f(step * mi) / f(f(Math.sqrt(vi)) + e)));
    if (clip > 0) p = Math.min(hi, Math.max(-hi, p));
    m[i] = mi; v[i] = vi; param[i] = p;
  }
}
