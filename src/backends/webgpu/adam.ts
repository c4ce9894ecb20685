import type { GpuQueue } from './gpu-queue.js';
import { f, grid, u } from './gpu-queue.js';
import type { GpuStorage as G } from './gpu-storage.js';
import { shader } from './wgsl.js';

// Adam with bias correction and clipping (reference/adam.ts): the same float32 operations in the
// same order, the bias-corrected step size computed once on the host in double, as there.
const ADAM = shader('n: u32, step: f32, b1: f32, b2: f32, c1: f32, c2: f32, eps: f32, clip: f32', [['param', 'f32'], ['grad', 'f32'], ['m', 'f32'], ['v', 'f32']], `
  if (flat >= p.n) { return; }
  let g = grad[flat];
  let mi = p.b1 * m[flat] + p.c1 * g;
  let vi = p.b2 * v[flat] + (p.c2 * g) * g; // c2·g first: g² alone overflows float32 sooner
  var w = param[flat] - (p.step * mi) / (sqrt(vi) + p.eps);
  if (p.clip > 0.0) { w = min(p.clip, max(-p.clip, w)); }
  m[flat] = mi; v[flat] = vi; param[flat] = w;`);

export function adamKernels(q: GpuQueue) {
  return {
    adamStep(param: G, grad: G, m: G, v: G, lr: number, beta1: number, beta2: number, eps: number, t: number, clip: number) {
      const step = lr * Math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t);
      q.dispatch('adamStep', () => ADAM, [param, grad, m, v],
        [u(param.length), ...[step, beta1, beta2, 1 - beta1, 1 - beta2, eps, clip].map(f)], grid(param.length));
    },
  };
}
