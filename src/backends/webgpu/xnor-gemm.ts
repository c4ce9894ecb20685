import type { GpuQueue } from './gpu-queue.js';
import { u } from './gpu-queue.js';
import type { GpuStorage as G } from './gpu-storage.js';
import { blocks } from './gemm.js';
import { shader } from './wgsl.js';

// Binary GEMM, C = k − 2·popcount(a XOR b) per output (DESIGN.md): a 16×16 workgroup computes a
// 64×64 block, each invocation 4×4, stepping through k 8 words (256 bits) at a time with both
// operands' tiles in workgroup memory. Words past a row's end load as 0 in both operands, like
// the tail bits, so they never differ and the true k stays exact. The block's products end in
// `differ` (16 per invocation); what follows the loop (`epilogue`) stores them.

export const XNOR_TILES = `var<workgroup> As: array<u32, 512>; // [64 rows][8 words]
var<workgroup> Bs: array<u32, 512>;`;

/** The tiled popcount loop over a block: leaves `differ[r*4+s]` = popcount(a_i XOR b_j) for
 *  row i = row0 + lid.y*4 + r, column j = col0 + lid.x*4 + s. Needs p.m, p.n, p.words. Row
 *  blocks go on in z past the y limit (block wid.y + wid.z·nwg.y; z is 1 but for tall products). */
export const XNOR_BLOCK = `
  let row0 = (wid.y + wid.z * nwg.y) * 64u; let col0 = wid.x * 64u;
  var differ: array<u32, 16>;
  for (var w0 = 0u; w0 < p.words; w0 += 8u) {
    for (var e = 0u; e < 2u; e++) {
      let idx = lix * 2u + e; let r = idx / 8u; let w = w0 + idx % 8u;
      As[idx] = select(0u, a[(row0 + r) * p.words + w], row0 + r < p.m && w < p.words);
      Bs[idx] = select(0u, b[(col0 + r) * p.words + w], col0 + r < p.n && w < p.words);
    }
    workgroupBarrier();
    for (var w = 0u; w < 8u; w++) {
      var av: array<u32, 4>; var bv: array<u32, 4>;
      for (var r = 0u; r < 4u; r++) { av[r] = As[(lid.y * 4u + r) * 8u + w]; bv[r] = Bs[(lid.x * 4u + r) * 8u + w]; }
      for (var r = 0u; r < 4u; r++) { for (var s = 0u; s < 4u; s++) { differ[r * 4u + s] += countOneBits(av[r] ^ bv[s]); } }
    }
    workgroupBarrier();
  }`;

const XNOR = shader('m: u32, n: u32, k: u32, words: u32', [['a', 'u32'], ['b', 'u32'], ['c', 'i32']], `${XNOR_BLOCK}
  for (var r = 0u; r < 4u; r++) {
    let i = row0 + lid.y * 4u + r;
    if (i >= p.m) { continue; }
    for (var s = 0u; s < 4u; s++) {
      let j = col0 + lid.x * 4u + s;
      if (j < p.n) { c[i * p.n + j] = i32(p.k) - 2 * i32(differ[r * 4u + s]); }
    }
  }`, '16, 16', XNOR_TILES);

/** thresholdPack fused onto the product: each product's bit is OR-ed into the block's 64 rows ×
 *  2 words in workgroup memory, which are then flipped and stored; the products are never
 *  stored. Bits past n are never set (and flip's are 0), so tail bits stay 0. */
const XNOR_THRESHOLD = shader('m: u32, n: u32, k: u32, words: u32, outWords: u32',
  [['a', 'u32'], ['b', 'u32'], ['lim', 'i32'], ['flip', 'u32'], ['o', 'u32']], `
  if (lix < 128u) { atomicStore(&Ow[lix], 0u); }
  workgroupBarrier();${XNOR_BLOCK}
  for (var r = 0u; r < 4u; r++) {
    if (row0 + lid.y * 4u + r >= p.m) { continue; }
    for (var s = 0u; s < 4u; s++) {
      let col = lid.x * 4u + s; let j = col0 + col;
      if (j < p.n && i32(p.k) - 2 * i32(differ[r * 4u + s]) < lim[j]) {
        atomicOr(&Ow[(lid.y * 4u + r) * 2u + col / 32u], 1u << (col % 32u));
      }
    }
  }
  workgroupBarrier();
  if (lix < 128u) {
    let i = row0 + lix / 2u; let wo = wid.x * 2u + lix % 2u;
    if (i < p.m && wo < p.outWords) { o[i * p.outWords + wo] = atomicLoad(&Ow[lix]) ^ flip[wo]; }
  }`, '16, 16', `${XNOR_TILES}
var<workgroup> Ow: array<atomic<u32>, 128>; // [64 rows][2 words] of output bits`);

/** C[m,n] = k − 2·popcount(a_i XOR b_j): xnorGemm, and binaryProduct on prepared rows. */
export function xnorGemm(q: GpuQueue, a: G, b: G, c: G, m: number, n: number, k: number): void {
  q.dispatch('xnorGemm', () => XNOR, [a, b, c], [m, n, k, Math.ceil(k / 32)].map(u), blocks(m, n));
}

export function xnorGemmKernels(q: GpuQueue) {
  return {
    xnorGemm: (a: G, b: G, c: G, m: number, n: number, k: number) => xnorGemm(q, a, b, c, m, n, k),
  };
}

/** C = xnorGemm(a, b) then thresholdPack(C, m, n, null, 1, lim, flip, out), in one dispatch. */
export function xnorThreshold(q: GpuQueue, a: G, b: G, lim: G, flip: G, out: G, m: number, n: number, k: number): void {
  q.dispatch('xnorThreshold', () => XNOR_THRESHOLD, [a, b, lim, flip, out], [m, n, k, Math.ceil(k / 32), Math.ceil(n / 32)].map(u), blocks(m, n));
}
