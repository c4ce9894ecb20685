import type { BinaryOp } from '../kernels.js';
import type { GpuQueue } from './gpu-queue.js';
import { f, grid, u } from './gpu-queue.js';
import type { GpuStorage as G } from './gpu-storage.js';
import { shader } from './wgsl.js';

/** Ranks up to this are native; a higher one is run by `fallback` (the reference on read-back arrays). */
export const MAX_RANK = 8;
const OPS: Record<BinaryOp, string> = { add: 'a + b', sub: 'a - b', mul: 'a * b', div: 'a / b' };
/** Shapes and strides as 2 × vec4 each (uniform arrays have 16-byte elements). */
const DIMS = 'shape: array<vec4u, 2>, sa: array<vec4u, 2>, sb: array<vec4u, 2>';

const broadcastCode = (op: BinaryOp) => shader(`n: u32, rank: u32, _0: u32, _1: u32, ${DIMS}`, [['x', 'f32'], ['y', 'f32'], ['o', 'f32']], `
  if (flat >= p.n) { return; }
  var rest = flat; var ia = 0u; var ib = 0u;
  for (var d = i32(p.rank) - 1; d >= 0; d--) {
    let size = p.shape[d / 4][d % 4];
    let at = rest % size; rest = rest / size;
    ia += at * p.sa[d / 4][d % 4]; ib += at * p.sb[d / 4][d % 4];
  }
  let a = x[ia]; let b = y[ib];
  o[flat] = ${OPS[op]};`);

// One invocation per output element sums its inputs in the reference's order (x's index rising),
// in float32 as the reference's Float32Array accumulator does, then scales.
const REDUCE = shader(`n: u32, rank: u32, reduced: u32, scale: f32, ${DIMS}`, [['x', 'f32'], ['o', 'f32']], `
  if (flat >= p.n) { return; }
  // shape: x's dims; sa: x's strides on kept dims (0 on reduced); sb: x's strides on reduced dims (0 on kept)
  var rest = flat; var base = 0u;
  for (var d = i32(p.rank) - 1; d >= 0; d--) {
    let keep = p.sa[d / 4][d % 4] != 0u || p.sb[d / 4][d % 4] == 0u;
    if (keep) { let size = p.shape[d / 4][d % 4]; base += (rest % size) * p.sa[d / 4][d % 4]; rest = rest / size; }
  }
  var sum = 0.0;
  for (var r = 0u; r < p.reduced; r++) {
    var left = r; var at = base;
    for (var d = i32(p.rank) - 1; d >= 0; d--) {
      let stride = p.sb[d / 4][d % 4];
      if (stride != 0u) { let size = p.shape[d / 4][d % 4]; at += (left % size) * stride; left = left / size; }
    }
    sum += x[at];
  }
  o[flat] = sum * p.scale;`);

function dims(...lists: (readonly number[])[]): number[] {
  const out: number[] = [];
  for (const list of lists) for (let d = 0; d < 8; d++) out.push(list[d] ?? 0);
  return out;
}

export function broadcastKernels(q: GpuQueue, fallback: (name: 'broadcastBinary' | 'reduceSum', args: unknown[]) => void) {
  return {
    broadcastBinary(op: BinaryOp, a: G, aStrides: readonly number[], b: G, bStrides: readonly number[], out: G, outShape: readonly number[]) {
      if (outShape.length > MAX_RANK) return fallback('broadcastBinary', [op, a, aStrides, b, bStrides, out, outShape]);
      const n = outShape.reduce((x, y) => x * y, 1);
      q.dispatch(`broadcast-${op}`, () => broadcastCode(op), [a, b, out], [u(n), u(outShape.length), 0, 0, ...dims(outShape, aStrides, bStrides)], grid(n));
    },
    reduceSum(x: G, xShape: readonly number[], keep: readonly boolean[], out: G, scale = 1) {
      if (xShape.length > MAX_RANK) return fallback('reduceSum', [x, xShape, keep, out, scale]);
      const rank = xShape.length, strides = new Array<number>(rank);
      for (let d = rank - 1, s = 1; d >= 0; d--) { strides[d] = s; s *= xShape[d]!; }
      const kept = strides.map((s, d) => (keep[d] ? s : 0)), reduced = strides.map((s, d) => (keep[d] ? 0 : s));
      // a size-1 dim has no effect either way; mark it kept with stride 1 so the shader's test holds
      const n = xShape.reduce((acc, size, d) => acc * (keep[d] ? size : 1), 1);
      const count = xShape.reduce((acc, size, d) => acc * (keep[d] ? 1 : size), 1);
      q.dispatch('reduceSum', () => REDUCE, [x, out], [u(n), u(rank), u(count), f(scale), ...dims(xShape, kept.map((s) => s || 0), reduced)], grid(n));
    },
  };
}
