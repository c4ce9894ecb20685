import type { GpuQueue } from './gpu-queue.js';
import { u } from './gpu-queue.js';
import type { GpuStorage as G } from './gpu-storage.js';
import { shader } from './wgsl.js';

// Float GEMM tiled through workgroup memory: a 16×16 workgroup computes a 64×64 block of C, each
// invocation 4×4 of it, stepping k by 16. Tiles are loaded so that neighbouring invocations read
// neighbouring addresses whatever the operands' layouts; values outside the matrices load as 0.
// gemmSignB is the same kernel with B's tile read from sign bits (packed by column).

const FIELDS = 'm: u32, n: u32, k: u32, transA: u32, transB: u32, accumulate: u32, words: u32';

const LOAD_A = `
fn loadA(i: u32, kk: u32) -> f32 {
  if (i >= p.m || kk >= p.k) { return 0.0; }
  if (p.transA != 0u) { return a[kk * p.m + i]; }
  return a[i * p.k + kk];
}`;
const LOAD_B_FLOAT = `
fn loadB(kk: u32, j: u32) -> f32 {
  if (kk >= p.k || j >= p.n) { return 0.0; }
  if (p.transB != 0u) { return b[j * p.k + kk]; }
  return b[kk * p.n + j];
}`;
/** Bit kk of row j of s set means S[kk, j] = -1 (DESIGN.md's bit layout). */
const LOAD_B_SIGN = `
fn loadB(kk: u32, j: u32) -> f32 {
  if (kk >= p.k || j >= p.n) { return 0.0; }
  return select(1.0, -1.0, ((b[j * p.words + kk / 32u] >> (kk % 32u)) & 1u) != 0u);
}`;

function gemmCode(signB: boolean): string {
  const before = `${LOAD_A}${signB ? LOAD_B_SIGN : LOAD_B_FLOAT}
var<workgroup> As: array<f32, 1024>; // [16 k][64 rows]
var<workgroup> Bs: array<f32, 1024>; // [16 k][64 cols]`;
  return shader(FIELDS, [['a', 'f32'], ['b', signB ? 'u32' : 'f32'], ['c', 'f32']], `
  let row0 = wid.y * 64u; let col0 = wid.x * 64u;
  var acc: array<f32, 16>;
  let bByRow = ${signB ? 'true' : 'p.transB != 0u'}; // B stored [n, k]: read along k
  for (var k0 = 0u; k0 < p.k; k0 += 16u) {
    for (var e = 0u; e < 4u; e++) {
      let idx = lix * 4u + e;
      if (p.transA != 0u) { As[idx] = loadA(row0 + idx % 64u, k0 + idx / 64u); }
      else { let i = idx / 16u; let kk = idx % 16u; As[kk * 64u + i] = loadA(row0 + i, k0 + kk); }
      if (bByRow) { let j = idx / 16u; let kk = idx % 16u; Bs[kk * 64u + j] = loadB(k0 + kk, col0 + j); }
      else { Bs[idx] = loadB(k0 + idx / 64u, col0 + idx % 64u); }
    }
    workgroupBarrier();
    for (var kk = 0u; kk < 16u; kk++) {
      var av: array<f32, 4>; var bv: array<f32, 4>;
      for (var r = 0u; r < 4u; r++) { av[r] = As[kk * 64u + lid.y * 4u + r]; bv[r] = Bs[kk * 64u + lid.x * 4u + r]; }
      for (var r = 0u; r < 4u; r++) { for (var s = 0u; s < 4u; s++) { acc[r * 4u + s] += av[r] * bv[s]; } }
    }
    workgroupBarrier();
  }
  for (var r = 0u; r < 4u; r++) {
    let i = row0 + lid.y * 4u + r;
    if (i >= p.m) { continue; }
    for (var s = 0u; s < 4u; s++) {
      let j = col0 + lid.x * 4u + s;
      if (j >= p.n) { continue; }
      if (p.accumulate != 0u) { c[i * p.n + j] += acc[r * 4u + s]; } else { c[i * p.n + j] = acc[r * 4u + s]; }
    }
  }`, '16, 16', before);
}

/** Workgroups covering C [m, n] in 64×64 blocks. */
export const blocks = (m: number, n: number): [number, number] => [Math.ceil(n / 64), Math.ceil(m / 64)];

export function gemmKernels(q: GpuQueue) {
  return {
    gemm(a: G, b: G, c: G, m: number, n: number, k: number, transA: boolean, transB: boolean, accumulate: boolean) {
      q.dispatch('gemm', () => gemmCode(false), [a, b, c], [m, n, k, +transA, +transB, +accumulate, 0].map(u), blocks(m, n));
    },
    gemmSignB(a: G, s: G, c: G, m: number, n: number, k: number, accumulate: boolean, transA = false) {
      q.dispatch('gemmSignB', () => gemmCode(true), [a, s, c], [m, n, k, +transA, 1, +accumulate, Math.ceil(k / 32)].map(u), blocks(m, n));
    },
  };
}
