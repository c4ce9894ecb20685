/** Bytes × packed ±1 weights (Kernels.pixelSignGemm): C[i,j] = Σ_p x[i,p]·w[j,p], w = −1 where
 *  bit p of row j is set (bit 1 = −1), +1 elsewhere. */
export function pixelSignGemm(x: Uint8Array, s: Uint32Array, c: Int32Array, m: number, n: number, k: number): void {
  const words = Math.ceil(k / 32);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let dot = 0;
    for (let p = 0; p < k; p++) {
      const negative = (s[j * words + (p >>> 5)]! >>> (p & 31)) & 1;
      dot += negative ? -x[i * k + p]! : x[i * k + p]!;
    }
    c[i * n + j] = dot;
  }
}
