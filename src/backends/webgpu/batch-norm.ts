import { elementwiseKernels } from './elementwise.js';
import type { GpuQueue } from './gpu-queue.js';
import { f, grid, u } from './gpu-queue.js';
import type { GpuStorage as G } from './gpu-storage.js';
import { shader } from './wgsl.js';

// Batch norm over x [rows, ch]: one invocation per channel walks its column (neighbouring
// invocations read neighbouring channels), statistics in float32 in two passes (mean, then the
// centred squares), as conformance's float32 tolerance for them states.

const F = 'f32' as const;
const TRAIN = shader('rows: u32, ch: u32, eps: f32', [['x', F], ['gamma', F], ['beta', F], ['y', F], ['xhat', F], ['mean', F], ['inv', F]], `
  let c = flat; if (c >= p.ch) { return; }
  var sum = 0.0;
  for (var r = 0u; r < p.rows; r++) { sum += x[r * p.ch + c]; }
  let mu = sum / f32(p.rows);
  var sq = 0.0;
  for (var r = 0u; r < p.rows; r++) { let d = x[r * p.ch + c] - mu; sq += d * d; }
  let is = 1.0 / sqrt(sq / f32(p.rows) + p.eps);
  mean[c] = mu; inv[c] = is;
  for (var r = 0u; r < p.rows; r++) {
    let h = (x[r * p.ch + c] - mu) * is;
    xhat[r * p.ch + c] = h; y[r * p.ch + c] = gamma[c] * h + beta[c];
  }`);
const EVAL = shader('n: u32, ch: u32', [['x', F], ['gamma', F], ['beta', F], ['mean', F], ['inv', F], ['y', F]], `
  if (flat >= p.n) { return; } let c = flat % p.ch;
  y[flat] = gamma[c] * (x[flat] - mean[c]) * inv[c] + beta[c];`);
const BACKWARD = shader('rows: u32, ch: u32', [['dy', F], ['xhat', F], ['gamma', F], ['inv', F], ['dx', F], ['dgamma', F], ['dbeta', F]], `
  let c = flat; if (c >= p.ch) { return; }
  var sdy = 0.0; var sdyx = 0.0;
  for (var r = 0u; r < p.rows; r++) { let g = dy[r * p.ch + c]; sdy += g; sdyx += g * xhat[r * p.ch + c]; }
  dgamma[c] = sdyx; dbeta[c] = sdy;
  let scale = gamma[c] * inv[c]; let n = f32(p.rows);
  for (var r = 0u; r < p.rows; r++) { let i = r * p.ch + c; dx[i] = scale * (dy[i] - sdy / n - xhat[i] * sdyx / n); }`);
const EVAL_BACKWARD = shader('rows: u32, ch: u32', [['dy', F], ['x', F], ['gamma', F], ['mean', F], ['inv', F], ['dx', F], ['dgamma', F], ['dbeta', F]], `
  let c = flat; if (c >= p.ch) { return; }
  var sg = 0.0; var sb = 0.0;
  for (var r = 0u; r < p.rows; r++) {
    let i = r * p.ch + c; let g = dy[i];
    dx[i] = g * gamma[c] * inv[c]; sg += g * ((x[i] - mean[c]) * inv[c]); sb += g;
  }
  dgamma[c] = sg; dbeta[c] = sb;`);

export function batchNormKernels(q: GpuQueue) {
  const { clamp, passInside } = elementwiseKernels(q);
  const train = (x: G, rows: number, ch: number, gamma: G, beta: G, eps: number, y: G, xhat: G, mean: G, invStd: G): void => {
    q.dispatch('batchNormTrain', () => TRAIN, [x, gamma, beta, y, xhat, mean, invStd], [u(rows), u(ch), f(eps)], grid(ch, 256));
  };
  const backward = (dy: G, xhat: G, rows: number, ch: number, gamma: G, invStd: G, dx: G, dgamma: G, dbeta: G): void => {
    q.dispatch('batchNormBackward', () => BACKWARD, [dy, xhat, gamma, invStd, dx, dgamma, dbeta], [u(rows), u(ch)], grid(ch));
  };
  return {
    batchNormTrain: train,
    /** The norm then the clamp, two dispatches: on a GPU the pair costs no copy to fuse away. */
    batchNormTrainHardtanh(x: G, rows: number, ch: number, gamma: G, beta: G, eps: number, y: G, out: G, xhat: G, mean: G, invStd: G) {
      train(x, rows, ch, gamma, beta, eps, y, xhat, mean, invStd);
      clamp(y, out, -1, 1);
    },
    batchNormEval(x: G, rows: number, ch: number, gamma: G, beta: G, mean: G, invStd: G, y: G) {
      q.dispatch('batchNormEval', () => EVAL, [x, gamma, beta, mean, invStd, y], [u(rows * ch), u(ch)], grid(rows * ch));
    },
    batchNormBackward: backward,
    batchNormHardtanhBackward(dout: G, y: G, xhat: G, rows: number, ch: number, gamma: G, invStd: G, dx: G, dgamma: G, dbeta: G) {
      const dy = q.alloc('f32', rows * ch);
      passInside(dout, y, dy, -1, 1);
      backward(dy, xhat, rows, ch, gamma, invStd, dx, dgamma, dbeta);
      q.free(dy);
    },
    batchNormEvalBackward(dy: G, x: G, rows: number, ch: number, gamma: G, mean: G, invStd: G, dx: G, dgamma: G, dbeta: G) {
      q.dispatch('batchNormEvalBackward', () => EVAL_BACKWARD, [dy, x, gamma, mean, invStd, dx, dgamma, dbeta], [u(rows), u(ch)], grid(ch));
    },
  };
}
