import { popcount32 } from './popcount.js';

/** Binary GEMM on packed rows: C[i,j] = k - 2·popcount(A_i XOR B_j). */
export function xnorGemm(a: Uint32Array, b: Uint32Array, c: Int32Array, m: number, n: number, k: number): void {
  const words = Math.ceil(k / 32);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let differ = 0;
    for (let w = 0; w < words; w++) differ += popcount32(a[i * words + w]! ^ b[j * words + w]!);
    c[i * n + j] = k - 2 * differ; // tail bits are 0 in both rows, so they never differ
  }
}
