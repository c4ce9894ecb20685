/** Groups of 4 weights along k per block of 16 columns in the nibble layout: ceil(k/4), rounded
 *  up to a multiple of 4 (padding groups are index 0, the empty subset). */
export function nibbleGroups(k: number): number { return Math.ceil(Math.ceil(k / 4) / 4) * 4; }

/** u32 words of the nibble layout of n weight rows of length k. */
export function signNibbleWords(n: number, k: number): number { return Math.ceil(n / 16) * nibbleGroups(k) * 4; }

/** Re-lay n packed ±1 rows s (ceil(k/32) words each, bit 1 = −1) in the nibble layout that
 *  Kernels.pixelSignGemmNibbles reads: for block b of 16 rows and group g of 4 consecutive k,
 *  16 bytes at byte offset (b·groups + g)·16; byte l holds bits 4g..4g+3 of row 16b + l in its
 *  low nibble (0 past n and past k). Done once per model, so plain code. */
export function packSignNibbles(s: Uint32Array, n: number, k: number, out: Uint32Array = new Uint32Array(signNibbleWords(n, k))): Uint32Array {
  const words = Math.ceil(k / 32), groups = nibbleGroups(k), bytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  bytes.fill(0);
  for (let j = 0; j < n; j++) {
    const base = (j >>> 4) * groups * 16 + (j & 15);
    for (let g = 0; g < Math.ceil(k / 4); g++) bytes[base + g * 16] = (s[j * words + (g >>> 3)]! >>> ((g & 7) * 4)) & 15;
  }
  return out;
}

/** pixelSignGemm (same result, exactly) with the weights in the nibble layout:
 *  C[i,j] = Σ_p x[i,p]·w[j,p], w = −1 where the bit is set. */
export function pixelSignGemmNibbles(x: Uint8Array, t: Uint32Array, c: Int32Array, m: number, n: number, k: number): void {
  const groups = nibbleGroups(k), bytes = new Uint8Array(t.buffer, t.byteOffset, t.byteLength);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let dot = 0;
    for (let p = 0; p < k; p++) {
      const nibble = bytes[((j >>> 4) * groups + (p >>> 2)) * 16 + (j & 15)]!;
      dot += (nibble >>> (p & 3)) & 1 ? -x[i * k + p]! : x[i * k + p]!;
    }
    c[i * n + j] = dot;
  }
}
