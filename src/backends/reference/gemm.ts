/** Float GEMM, plain loops: C[m,n] (+)= op(A)[m,k]·op(B)[k,n] (see Kernels.gemm for layouts).
 *  Accumulates in float64 so that it is a better oracle than the kernels it checks. */
export function gemm(a: Float32Array, b: Float32Array, c: Float32Array, m: number, n: number, k: number,
  transA: boolean, transB: boolean, accumulate: boolean): void {
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let acc = 0;
    for (let p = 0; p < k; p++) {
      const av = transA ? a[p * m + i]! : a[i * k + p]!;
      const bv = transB ? b[j * k + p]! : b[p * n + j]!;
      acc += av * bv;
    }
    c[i * n + j] = accumulate ? c[i * n + j]! + acc : acc;
  }
}
