import type { GpuQueue } from './gpu-queue.js';
import { grid, u } from './gpu-queue.js';
import type { GpuStorage as G } from './gpu-storage.js';
import { shader } from './wgsl.js';

// The packed engine's integer steps around its products (kernels.ts, "packed inference"): bit
// planes of raw pixels, plane products combined, k-bit codes. All integer, so exact. Byte
// storage (u8) is bound as u32 words, 4 bytes each, little-endian: byte i is
// (x[i/4] >> 8·(i%4)) & 255. int32 arithmetic wraps in WGSL as the reference's does in JS.

/** One invocation per (image, word): the word of each of the 8 planes. */
const PACK_PLANES = shader('count: u32, k: u32, words: u32', [['x', 'u32'], ['o', 'u32']], `
  if (flat >= p.count * p.words) { return; }
  let img = flat / p.words; let w = flat % p.words;
  var planes: array<u32, 8>;
  for (var b = 0u; b < 32u && w * 32u + b < p.k; b++) {
    let at = img * p.k + w * 32u + b; let v = (x[at / 4u] >> ((at % 4u) * 8u)) & 255u;
    for (var n = 0u; n < 8u; n++) { planes[n] |= ((v >> n) & 1u) << b; }
  }
  for (var n = 0u; n < 8u; n++) { o[(img * 8u + n) * p.words + w] = planes[n]; }`);

/** One invocation per output: T[r,j] = Σ_{b,w} C[(r·planesIn + b)·n·q + j·q + w] << (b + w). */
const COMBINE_PLANES = shader('rows: u32, planesIn: u32, n: u32, q: u32', [['c', 'i32'], ['t', 'i32']], `
  if (flat >= p.rows * p.n) { return; }
  let r = flat / p.n; let j = flat % p.n;
  var sum = 0i;
  for (var b = 0u; b < p.planesIn; b++) {
    for (var w = 0u; w < p.q; w++) { sum += c[((r * p.planesIn + b) * p.n + j) * p.q + w] << (b + w); }
  }
  t[flat] = sum;`);

/** One invocation per output: T[r,j] = Σ_w (255·sums[j·q + w] − 2·S[r, j·q + w]) << w. */
const COMBINE_PIXELS = shader('rows: u32, n: u32, q: u32', [['s', 'i32'], ['sums', 'i32'], ['t', 'i32']], `
  if (flat >= p.rows * p.n) { return; }
  let r = flat / p.n; let j = flat % p.n;
  var sum = 0i;
  for (var w = 0u; w < p.q; w++) { sum += (255 * sums[j * p.q + w] - 2 * s[(r * p.n + j) * p.q + w]) << w; }
  t[flat] = sum;`);

/** One invocation per (row, word of 32 units): each unit's code from its 2^bits − 1 thresholds,
 *  its bits OR-ed into the `bits` plane words. */
const PACK_CODES = shader('rows: u32, n: u32, bits: u32, per: u32, words: u32', [['vals', 'i32'], ['lim', 'i32'], ['flip', 'u32'], ['o', 'u32']], `
  if (flat >= p.rows * p.words) { return; }
  let r = flat / p.words; let w = flat % p.words;
  var planes: array<u32, 8>;
  for (var b = 0u; b < 32u && w * 32u + b < p.n; b++) {
    let j = w * 32u + b; let v = vals[r * p.n + j];
    var code = 0u;
    for (var i = 0u; i < p.per; i++) {
      let at = j * p.per + i;
      code += select(0u, 1u, v < lim[at]) ^ ((flip[at / 4u] >> ((at % 4u) * 8u)) & 255u);
    }
    for (var t = 0u; t < p.bits; t++) { planes[t] |= ((code >> t) & 1u) << b; }
  }
  for (var t = 0u; t < p.bits; t++) { o[(r * p.bits + t) * p.words + w] = planes[t]; }`);

export function engineEpilogueKernels(q: GpuQueue) {
  return {
    packPlanes(pixels: G, count: number, k: number, out: G) {
      const words = Math.ceil(k / 32);
      q.dispatch('packPlanes', () => PACK_PLANES, [pixels, out], [count, k, words].map(u), grid(count * words));
    },
    combinePlanes(c: G, rows: number, p: number, n: number, qw: number, t: G) {
      q.dispatch('combinePlanes', () => COMBINE_PLANES, [c, t], [rows, p, n, qw].map(u), grid(rows * n));
    },
    combinePixelProducts(s: G, rows: number, n: number, qw: number, sums: G, t: G) {
      q.dispatch('combinePixelProducts', () => COMBINE_PIXELS, [s, sums, t], [rows, n, qw].map(u), grid(rows * n));
    },
    packCodes(v: G, rows: number, n: number, bits: number, lim: G, flip: G, out: G) {
      const words = Math.ceil(n / 32);
      q.dispatch('packCodes', () => PACK_CODES, [v, lim, flip, out], [rows, n, bits, 2 ** bits - 1, words].map(u), grid(rows * words));
    },
  };
}
