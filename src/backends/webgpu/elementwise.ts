import type { GpuQueue } from './gpu-queue.js';
import { f, grid, u } from './gpu-queue.js';
import type { GpuStorage as G } from './gpu-storage.js';
import { shader } from './wgsl.js';

// Elementwise kernels over whole storages, one invocation per element. Float32 like the
// reference's typed arrays; where the reference compares a float32 with a double (dropout's p,
// passInside's bounds), the double is replaced by the float32 that gives the same comparisons.

const F = 'f32' as const;
const SIGN = shader('n: u32', [['x', F], ['o', F]], 'if (flat >= p.n) { return; } o[flat] = select(-1.0, 1.0, x[flat] >= 0.0);');
const STOCHASTIC = shader('n: u32', [['x', F], ['r', F], ['o', F]],
  // P(+1) = hardSigmoid(x) = clip((x+1)/2, 0, 1) (QNN-SPEC §1.2)
  'if (flat >= p.n) { return; } let q = min(1.0, max(0.0, (x[flat] + 1.0) / 2.0)); o[flat] = select(-1.0, 1.0, r[flat] < q);');
const CLAMP = shader('n: u32, lo: f32, hi: f32', [['x', F], ['o', F]], 'if (flat >= p.n) { return; } o[flat] = min(p.hi, max(p.lo, x[flat]));');
const PASS = shader('n: u32, lo: f32, hi: f32', [['dy', F], ['x', F], ['dx', F]],
  'if (flat >= p.n) { return; } let v = x[flat]; dx[flat] = select(0.0, dy[flat], v >= p.lo && v <= p.hi);');
const DROPOUT = shader('n: u32, p: f32, keep: f32', [['x', F], ['r', F], ['o', F], ['mask', F]],
  'if (flat >= p.n) { return; } let m = select(0.0, p.keep, r[flat] >= p.p); mask[flat] = m; o[flat] = x[flat] * m;');
const RUNNING = shader('n: u32, a: f32, b: f32', [['avg', F], ['x', F]],
  'if (flat >= p.n) { return; } avg[flat] = p.a * avg[flat] + p.b * x[flat];');
// f32(i32) is rounded to nearest by one addition of two exact halves, whatever the conversion rounds to
const INT_TO_FLOAT = shader('n: u32', [['x', 'i32'], ['o', F]],
  'if (flat >= p.n) { return; } let v = x[flat]; o[flat] = f32(v >> 8u) * 256.0 + f32(v & 255);');
const COPY = shader('n: u32, srcAt: u32, dstAt: u32', [['src', F], ['dst', F]], 'if (flat >= p.n) { return; } dst[p.dstAt + flat] = src[p.srcAt + flat];');
const TRANSPOSE = shader('rows: u32, cols: u32', [['x', F], ['o', F]],
  `let c = gid.x; let r = gid.y; if (r >= p.rows || c >= p.cols) { return; } o[c * p.rows + r] = x[r * p.cols + c];`, '16, 16');

/** The float32 nearest to x from above / below (x itself when it is one). */
export function f32Above(x: number): number {
  const r = Math.fround(x);
  return r >= x ? r : nextFloat32(r, 1);
}
export function f32Below(x: number): number {
  const r = Math.fround(x);
  return r <= x ? r : nextFloat32(r, -1);
}
function nextFloat32(x: number, dir: 1 | -1): number {
  const b = new Float32Array([x]), w = new Int32Array(b.buffer);
  if (x === 0) return dir * 2 ** -149;
  w[0]! += (x > 0) === (dir > 0) ? 1 : -1;
  return b[0]!;
}

export function elementwiseKernels(q: GpuQueue) {
  const run = (key: string, code: string, bufs: G[], params: number[], n: number) => q.dispatch(key, () => code, bufs, params, grid(n));
  return {
    sign: (x: G, out: G) => run('sign', SIGN, [x, out], [u(x.length)], x.length),
    stochasticSign: (x: G, r: G, out: G) => run('stochasticSign', STOCHASTIC, [x, r, out], [u(x.length)], x.length),
    clamp: (x: G, out: G, lo: number, hi: number) => run('clamp', CLAMP, [x, out], [u(x.length), f(lo), f(hi)], x.length),
    // x >= lo (a double) holds for a float32 x exactly when x >= the float32 at or above lo
    passInside: (dy: G, x: G, dx: G, lo: number, hi: number) =>
      run('passInside', PASS, [dy, x, dx], [u(x.length), f(f32Above(lo)), f(f32Below(hi))], x.length),
    dropout: (x: G, r: G, prob: number, out: G, mask: G) =>
      run('dropout', DROPOUT, [x, r, out, mask], [u(x.length), f(f32Above(prob)), f(1 / (1 - prob))], x.length),
    runningAverage: (avg: G, x: G, momentum: number) =>
      run('runningAverage', RUNNING, [avg, x], [u(avg.length), f(1 - momentum), f(momentum)], avg.length),
    intToFloat: (x: G, out: G) => run('intToFloat', INT_TO_FLOAT, [x, out], [u(x.length)], x.length),
    copy: (src: G, srcAt: number, dst: G, dstAt: number, n: number) => run('copy', COPY, [src, dst], [u(n), u(srcAt), u(dstAt)], n),
    transpose: (x: G, rows: number, cols: number, out: G) =>
      q.dispatch('transpose', () => TRANSPOSE, [x, out], [u(rows), u(cols)], [Math.ceil(cols / 16), Math.ceil(rows / 16)]),
  };
}
