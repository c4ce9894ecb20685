/** Gradient-norm clipping over many storages: the squares summed into one value, then each scaled. */

export function sumSquares(x: Float32Array, sum: Float32Array): void {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  sum[0] = sum[0]! + s;
}

export function clipToNorm(x: Float32Array, sum: Float32Array, maxNorm: number): void {
  const norm = Math.sqrt(sum[0]!);
  if (!(norm > maxNorm)) return; // also a NaN norm: the loss shows it, the weights are not scaled by NaN
  const scale = maxNorm / norm;
  for (let i = 0; i < x.length; i++) x[i] = x[i]! * scale;
}
