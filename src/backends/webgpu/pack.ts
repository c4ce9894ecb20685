import type { GpuQueue } from './gpu-queue.js';
import { grid, i, u } from './gpu-queue.js';
import type { GpuStorage as G } from './gpu-storage.js';
import { shader } from './wgsl.js';

// Bit packing (DESIGN.md: element p of a row is bit p&31 of word p>>5, bit 1 = -1 = the float
// sign of a negative value, tail bits 0), one invocation per output word. `x < 0.0` is false
// for -0, so sign(0) = +1 packs as 0 whatever the zero's sign.

const PACK_ROWS = shader('rows: u32, k: u32, words: u32', [['x', 'f32'], ['o', 'u32']], `
  if (flat >= p.rows * p.words) { return; }
  let r = flat / p.words; let p0 = (flat % p.words) * 32u;
  var bits = 0u;
  for (var b = 0u; b < 32u && p0 + b < p.k; b++) { if (x[r * p.k + p0 + b] < 0.0) { bits |= 1u << b; } }
  o[flat] = bits;`);
const PACK_COLS = shader('k: u32, n: u32, words: u32', [['x', 'f32'], ['o', 'u32']], `
  if (flat >= p.n * p.words) { return; }
  let j = flat / p.words; let p0 = (flat % p.words) * 32u;
  var bits = 0u;
  for (var b = 0u; b < 32u && p0 + b < p.k; b++) { if (x[(p0 + b) * p.n + j] < 0.0) { bits |= 1u << b; } }
  o[flat] = bits;`);
// int32 arithmetic wraps in WGSL as in the reference's `| 0`
const THRESHOLD = shader('rows: u32, n: u32, words: u32, affine: u32, scale: i32', [['c', 'i32'], ['base', 'i32'], ['lim', 'i32'], ['flip', 'u32'], ['o', 'u32']], `
  if (flat >= p.rows * p.words) { return; }
  let r = flat / p.words; let w = flat % p.words;
  var bits = 0u;
  for (var b = 0u; b < 32u && w * 32u + b < p.n; b++) {
    let j = w * 32u + b;
    var v = c[r * p.n + j];
    if (p.affine != 0u) { v = base[j] + p.scale * v; }
    if (v < lim[j]) { bits |= 1u << b; }
  }
  o[flat] = bits ^ flip[w];`);

export function packKernels(q: GpuQueue) {
  return {
    packRows(x: G, out: G, rows: number, k: number) {
      const words = Math.ceil(k / 32);
      q.dispatch('packRows', () => PACK_ROWS, [x, out], [rows, k, words].map(u), grid(rows * words));
    },
    packCols(x: G, out: G, k: number, n: number) {
      const words = Math.ceil(k / 32);
      q.dispatch('packCols', () => PACK_COLS, [x, out], [k, n, words].map(u), grid(n * words));
    },
    thresholdPack(c: G, rows: number, n: number, base: G | null, scale: number, lim: G, flip: G, out: G) {
      const words = Math.ceil(n / 32);
      q.dispatch('thresholdPack', () => THRESHOLD, [c, base ?? lim, lim, flip, out], [u(rows), u(n), u(words), u(base ? 1 : 0), i(scale)], grid(rows * words));
    },
  };
}
