/** Float GEMM, plain loops: C[m,n] (+)= op(A)[m,k]·op(B)[k,n] (see Kernels.gemm for layouts).
 *  Accumulates in float64 so that it is a better oracle than the kernels it checks. The loop
 *  order follows B's layout only so that the inner loop reads memory in order: dot products
 *  when B is stored [n,k], row updates when it is stored [k,n]. */
export function gemm(a: Float32Array, b: Float32Array, c: Float32Array, m: number, n: number, k: number,
  transA: boolean, transB: boolean, accumulate: boolean): void {
  const A = (i: number, p: number): number => (transA ? a[p * m + i]! : a[i * k + p]!);
  const row = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    if (transB) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++) acc += A(i, p) * b[j * k + p]!;
        row[j] = acc;
      }
    } else {
      row.fill(0);
      for (let p = 0; p < k; p++) {
        const av = A(i, p);
        for (let j = 0; j < n; j++) row[j]! += av * b[p * n + j]!;
      }
    }
    for (let j = 0; j < n; j++) c[i * n + j] = accumulate ? c[i * n + j]! + row[j]! : row[j]!;
  }
}
