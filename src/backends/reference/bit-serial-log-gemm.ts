import { popcount32 } from './popcount.js';

/** C[m,n] = Σ_k G[m,k]·S[n,k], G as sign + exponent planes, S packed ±1 (see kernels.ts).
 *  Per plane: bits where the signs agree count +1 and where they differ −1, so the plane's dot
 *  is popcount(P) − 2·popcount(P & (sign XOR s)); tail bits are 0 in P, so they never count.
 *  Planes with no bits in a row are skipped: log-quantized gradients use few of their 31 codes. */
export function bitSerialLogGemm(sign: Uint32Array, planeBits: Uint32Array, planes: number, scale: Int32Array,
  s: Uint32Array, c: Float32Array, m: number, n: number, k: number): void {
  const words = Math.ceil(k / 32), eMin = scale[0]!;
  const counts = new Int32Array(planes);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < planes; p++) {
      let bits = 0;
      for (let w = 0; w < words; w++) bits += popcount32(planeBits[(i * planes + p) * words + w]!);
      counts[p] = bits;
    }
    for (let j = 0; j < n; j++) {
      let acc = 0; // float64: exact, see kernels.ts
      for (let p = 0; p < planes; p++) {
        if (counts[p] === 0) continue;
        let differ = 0;
        for (let w = 0; w < words; w++) {
          differ += popcount32(planeBits[(i * planes + p) * words + w]! & (sign[i * words + w]! ^ s[j * words + w]!));
        }
        acc += 2 ** (eMin + p) * (counts[p]! - 2 * differ);
      }
      c[i * n + j] = acc;
    }
  }
}
