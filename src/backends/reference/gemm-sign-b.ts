/** C[m,n] (+)= op(A)[m,k]·S[k,n], S = ±1 packed by column (row j of s = column j of S along k);
 *  A stored [m,k], or [k,m] when transA. A set bit means -1, so the product is a subtraction. */
export function gemmSignB(a: Float32Array, s: Uint32Array, c: Float32Array, m: number, n: number, k: number,
  accumulate: boolean, transA = false): void {
  const words = Math.ceil(k / 32);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let acc = 0;
    for (let p = 0; p < k; p++) {
      const negative = (s[j * words + (p >>> 5)]! >>> (p & 31)) & 1;
      const x = transA ? a[p * m + i]! : a[i * k + p]!;
      acc += negative ? -x : x;
    }
    c[i * n + j] = accumulate ? c[i * n + j]! + acc : acc;
  }
}
