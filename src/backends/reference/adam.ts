/** Adam (Kingma & Ba) with bias correction, then optional clipping of the parameter
 *  (latent binary weights live in [-1, 1], QNN-SPEC §2.2). */
export function adamStep(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array,
  lr: number, beta1: number, beta2: number, eps: number, t: number, clip: number): void {
  const step = lr * Math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t);
  for (let i = 0; i < param.length; i++) {
    const g = grad[i]!;
    m[i] = beta1 * m[i]! + (1 - beta1) * g;
    v[i] = beta2 * v[i]! + (1 - beta2) * g * g;
    let p = param[i]! - step * m[i]! / (Math.sqrt(v[i]!) + eps);
    if (clip > 0) p = Math.min(clip, Math.max(-clip, p));
    param[i] = p;
  }
}
