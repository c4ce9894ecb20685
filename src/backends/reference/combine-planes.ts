/** Combine plane products into the packed graph's integer T (Kernels.combinePlanes): for each of
 *  `rows` inputs, T[j] = Σ_{b<p, w<q} 2^{b+w}·C[r·p + b, j·q + w], read a plane row at a time.
 *  |T| < 2^31 (the packed graph's bound), so the int32 shifts and sums are exact. */
export function combinePlanes(c: Int32Array, rows: number, p: number, n: number, q: number, t: Int32Array): void {
  const nq = n * q;
  for (let r = 0; r < rows; r++) {
    const at = r * p * nq, out = r * n;
    if (q === 1) {
      for (let j = 0; j < n; j++) t[out + j] = c[at + j]!;
      for (let b = 1; b < p; b++) {
        const off = at + b * n;
        for (let j = 0; j < n; j++) t[out + j] = t[out + j]! + (c[off + j]! << b);
      }
      continue;
    }
    t.fill(0, out, out + n);
    for (let b = 0; b < p; b++) {
      const off = at + b * nq;
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let w = 0; w < q; w++) acc += c[off + j * q + w]! << w;
        t[out + j] = t[out + j]! + (acc << b);
      }
    }
  }
}

/** T from the pixel products S = x·b_q (Kernels.combinePixelProducts): Σ_n 2^n·C_n =
 *  255·Σb − 2·S per weight plane (deploy/pixel-dot.ts), so T[j] = Σ_q 2^q·(255·sums[j·q + q'] − 2·S). */
export function combinePixelProducts(s: Int32Array, rows: number, n: number, q: number, sums: Int32Array, t: Int32Array): void {
  const nq = n * q;
  for (let r = 0; r < rows; r++) {
    const at = r * nq, out = r * n;
    if (q === 1) { for (let j = 0; j < n; j++) t[out + j] = 255 * sums[j]! - 2 * s[at + j]!; continue; }
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let w = 0; w < q; w++) acc += (255 * sums[j * q + w]! - 2 * s[at + j * q + w]!) * 2 ** w;
      t[out + j] = acc;
    }
  }
}
