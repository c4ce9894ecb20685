/** k-bit output codes as planes (Kernels.packCodes): code = Σ_i (v < lim[j·per + i]) XOR
 *  flip[j·per + i], per = 2^bits − 1; 32 units at a time, each plane's word built in a register
 *  and stored once. The 2-bit case (the paper's W1/A2 setting) is unrolled. */
export function packCodes(v: Int32Array, rows: number, n: number, bits: number, lim: Int32Array, flip: Uint8Array, out: Uint32Array): void {
  const words = Math.ceil(n / 32), per = 2 ** bits - 1, acc = new Int32Array(bits);
  for (let r = 0; r < rows; r++) {
    const at = r * n, outAt = r * bits * words;
    if (bits === 2) { packCodes2(v, at, n, lim, flip, out, outAt, words); continue; }
    for (let w = 0; w < words; w++) {
      acc.fill(0);
      const j0 = w << 5, j1 = Math.min(n, j0 + 32);
      for (let j = j0; j < j1; j++) {
        const x = v[at + j]!, base = j * per, bit = j - j0;
        let code = 0;
        for (let i = 0; i < per; i++) code += (+(x < lim[base + i]!)) ^ flip[base + i]!;
        for (let b = 0; b < bits; b++) acc[b] = acc[b]! | (((code >>> b) & 1) << bit);
      }
      for (let b = 0; b < bits; b++) out[outAt + b * words + w] = acc[b]!;
    }
  }
}

/** One row of 2-bit codes: 3 thresholds, 2 planes. */
function packCodes2(v: Int32Array, at: number, n: number, lim: Int32Array, flip: Uint8Array, out: Uint32Array, outAt: number, words: number): void {
  for (let w = 0; w < words; w++) {
    const j0 = w << 5, j1 = Math.min(n, j0 + 32);
    let p0 = 0, p1 = 0;
    for (let j = j0; j < j1; j++) {
      const x = v[at + j]!, t = 3 * j, bit = j - j0;
      const code = ((+(x < lim[t]!)) ^ flip[t]!) + ((+(x < lim[t + 1]!)) ^ flip[t + 1]!) + ((+(x < lim[t + 2]!)) ^ flip[t + 2]!);
      p0 |= (code & 1) << bit; p1 |= (code >>> 1) << bit;
    }
    out[outAt + w] = p0; out[outAt + words + w] = p1;
  }
}
