import type { GpuQueue } from './gpu-queue.js';
import { u } from './gpu-queue.js';
import type { GpuStorage as G } from './gpu-storage.js';
import { blocks } from './gemm.js';
import { shader } from './wgsl.js';

// Binary GEMM, C = k − 2·popcount(a XOR b) per output (DESIGN.md): a 16×16 workgroup computes a
// 64×64 block, each invocation 4×4, stepping through k 8 words (256 bits) at a time with both
// operands' tiles in workgroup memory. Words past a row's end load as 0 in both operands, like
// the tail bits, so they never differ and the true k stays exact.

const XNOR = shader('m: u32, n: u32, k: u32, words: u32', [['a', 'u32'], ['b', 'u32'], ['c', 'i32']], `
  let row0 = wid.y * 64u; let col0 = wid.x * 64u;
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
  }
  for (var r = 0u; r < 4u; r++) {
    let i = row0 + lid.y * 4u + r;
    if (i >= p.m) { continue; }
    for (var s = 0u; s < 4u; s++) {
      let j = col0 + lid.x * 4u + s;
      if (j < p.n) { c[i * p.n + j] = i32(p.k) - 2 * i32(differ[r * 4u + s]); }
    }
  }`, '16, 16', `var<workgroup> As: array<u32, 512>; // [64 rows][8 words]
var<workgroup> Bs: array<u32, 512>;`);

export function xnorGemmKernels(q: GpuQueue) {
  return {
    xnorGemm(a: G, b: G, c: G, m: number, n: number, k: number) {
      q.dispatch('xnorGemm', () => XNOR, [a, b, c], [m, n, k, Math.ceil(k / 32)].map(u), blocks(m, n));
    },
  };
}
