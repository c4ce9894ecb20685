import type { Prepared, PreparedKind } from '../kernels.js';
import type { GpuQueue } from './gpu-queue.js';
import { grid, u } from './gpu-queue.js';
import type { GpuStorage as G } from './gpu-storage.js';
import { blocks } from './gemm.js';
import { packKernels } from './pack.js';
import { shader } from './wgsl.js';
import { xnorGemm, xnorThreshold } from './xnor-gemm.js';

// The packed engine's prepared layouts on the GPU: the packed rows as they are (the tiled
// kernels read them fastest so), copied into storage the handle owns, since a prepare call
// keeps no reference to its arguments. A threshold handle copies lim and flip and reads its
// weights' rows, which the contract says outlive it.

/** What a prepare* handle holds: `rows` n × ceil(k/32) words; lim and flip for a threshold layer. */
class GpuPrepared {
  constructor(readonly rows: G, readonly n: number, readonly k: number, readonly owned: readonly G[],
    readonly lim?: G, readonly flip?: G, readonly base?: G, readonly scale?: number) {}
}

const COPY = shader('count: u32', [['x', 'u32'], ['o', 'u32']], `
  if (flat >= p.count) { return; }
  o[flat] = x[flat];`);

/** Bytes × packed ±1 weights, tiled as the XNOR GEMM: a 64×64 block per 16×16 workgroup, k a
 *  weight word (32 bytes) at a time; the bytes of 64 rows and one word of 64 weight rows in
 *  workgroup memory. Bytes past k read 0, so each sum is the exact int32 of the definition. */
const PIXEL = shader('m: u32, n: u32, k: u32, words: u32', [['x', 'u32'], ['s', 'u32'], ['c', 'i32']], `
  let row0 = wid.y * 64u; let col0 = wid.x * 64u;
  var acc: array<i32, 16>;
  for (var w = 0u; w < p.words; w++) {
    for (var e = 0u; e < 8u; e++) {
      let idx = lix * 8u + e; let r = idx / 32u; let at = w * 32u + idx % 32u;
      var v = 0u;
      if (row0 + r < p.m && at < p.k) { let byte = (row0 + r) * p.k + at; v = (x[byte / 4u] >> ((byte % 4u) * 8u)) & 255u; }
      Xs[idx] = i32(v);
    }
    if (lix < 64u) {
      var bits = 0u;
      if (col0 + lix < p.n) { bits = s[(col0 + lix) * p.words + w]; }
      Ws[lix] = bits;
    }
    workgroupBarrier();
    for (var bit = 0u; bit < 32u; bit++) {
      var xv: array<i32, 4>;
      for (var r = 0u; r < 4u; r++) { xv[r] = Xs[(lid.y * 4u + r) * 32u + bit]; }
      for (var t = 0u; t < 4u; t++) {
        let negative = ((Ws[lid.x * 4u + t] >> bit) & 1u) == 1u;
        for (var r = 0u; r < 4u; r++) { acc[r * 4u + t] += select(xv[r], -xv[r], negative); }
      }
    }
    workgroupBarrier();
  }
  for (var r = 0u; r < 4u; r++) {
    let i = row0 + lid.y * 4u + r;
    if (i >= p.m) { continue; }
    for (var t = 0u; t < 4u; t++) {
      let j = col0 + lid.x * 4u + t;
      if (j < p.n) { c[i * p.n + j] = acc[r * 4u + t]; }
    }
  }`, '16, 16', `var<workgroup> Xs: array<i32, 2048>; // [64 rows][32 bytes]
var<workgroup> Ws: array<u32, 64>;`);

const handle = <W extends PreparedKind>(p: GpuPrepared): Prepared<W> => p as unknown as Prepared<W>;
const layout = (p: Prepared<PreparedKind>): GpuPrepared => p as unknown as GpuPrepared;

export function preparedKernels(q: GpuQueue) {
  /** A copy of the first `count` words of `src` (enqueued: it reads src when the chain gets there). */
  const copyOf = (src: G, kind: 'u32' | 'i32', count: number): G => {
    const out = q.alloc(kind, count);
    q.dispatch('copyWords', () => COPY, [src, out], [u(count)], grid(count));
    return out;
  };
  const { thresholdPack } = packKernels(q);
  /** C = bytes x times the packed ±1 rows s (pixelSignGemm). */
  const pixel = (x: G, s: G, c: G, m: number, n: number, k: number): void => {
    q.dispatch('pixelProduct', () => PIXEL, [x, s, c], [m, n, k, Math.ceil(k / 32)].map(u), blocks(m, n));
  };
  const rowsOf = (s: G, n: number, k: number): GpuPrepared => {
    const rows = copyOf(s, 'u32', n * Math.ceil(k / 32));
    return new GpuPrepared(rows, n, k, [rows]);
  };
  return {
    prepareBinaryWeights: (b: G, n: number, k: number): Prepared<'binary'> => handle(rowsOf(b, n, k)),
    binaryProduct(a: G, w: Prepared<'binary'>, c: G, m: number) {
      const { rows, n, k } = layout(w);
      xnorGemm(q, a, rows, c, m, n, k);
    },
    prepareBinaryThreshold(w: Prepared<'binary'>, lim: G, flip: G): Prepared<'binaryThreshold'> {
      const { rows, n, k } = layout(w);
      const limits = copyOf(lim, 'i32', n), flips = copyOf(flip, 'u32', Math.ceil(n / 32));
      return handle(new GpuPrepared(rows, n, k, [limits, flips], limits, flips));
    },
    binaryThreshold(a: G, t: Prepared<'binaryThreshold'>, out: G, m: number) {
      const { rows, n, k, lim, flip } = layout(t);
      xnorThreshold(q, a, rows, lim!, flip!, out, m, n, k);
    },
    preparePixelWeights: (s: G, n: number, k: number): Prepared<'pixel'> => handle(rowsOf(s, n, k)),
    pixelProduct(x: G, w: Prepared<'pixel'>, c: G, m: number) {
      const { rows, n, k } = layout(w);
      pixel(x, rows, c, m, n, k);
    },
    preparePixelThreshold(w: Prepared<'pixel'>, base: G, scale: number, lim: G, flip: G): Prepared<'pixelThreshold'> {
      const { rows, n, k } = layout(w);
      const bases = copyOf(base, 'i32', n), limits = copyOf(lim, 'i32', n), flips = copyOf(flip, 'u32', Math.ceil(n / 32));
      return handle(new GpuPrepared(rows, n, k, [bases, limits, flips], limits, flips, bases, scale));
    },
    /** The product into a scratch storage, then thresholdPack: two dispatches (the product is
     *  not fused here; the GPU's share of a first layer is small). */
    pixelThreshold(x: G, t: Prepared<'pixelThreshold'>, out: G, m: number) {
      const { rows, n, k, lim, flip, base, scale } = layout(t);
      const c = q.alloc('i32', m * n);
      pixel(x, rows, c, m, n, k);
      thresholdPack(c, m, n, base!, scale!, lim!, flip!, out);
      q.free(c);
    },
    pixelSignGemm: pixel,
    freePrepared(p: Prepared<PreparedKind>) {
      for (const s of layout(p).owned) q.free(s); // a second free of a storage does nothing
    },
  };
}
