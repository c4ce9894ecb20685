import { ap2 } from '../ap2.js';

/** Shift-based AdaMax (QNN-SPEC §4.3) in place, `step` already AP2'd and scaled per parameter:
 *    m ← β1·m + (1 − β1)·g;  v ← max(β2·v, |g|);  θ ← θ − step·m/(AP2(v) + ε), clipped when clip > 0.
 *  torch: v is overwritten by AP2(v) + ε every step (Torch7's adaMax_binary_clip_shift.lua);
 *  else v keeps its exact value and AP2(v) + ε is used only to divide (the printed algorithm). */
export function shiftAdaMaxStep(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, step: number,
  beta1: number, beta2: number, eps: number, torch: boolean, clip: number): void {
  for (let i = 0; i < param.length; i++) {
    const g = grad[i]!;
    const mi = m[i] = beta1 * m[i]! + (1 - beta1) * g;
    const vi = Math.max(beta2 * v[i]!, Math.abs(g));
    let denom: number;
    if (torch) { denom = v[i] = ap2(vi) + eps; } else { v[i] = vi; denom = ap2(vi) + eps; }
    let t = param[i]! - step * mi / denom;
    if (clip > 0) t = Math.min(clip, Math.max(-clip, t));
    param[i] = t;
  }
}
