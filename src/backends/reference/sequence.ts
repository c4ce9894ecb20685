/** dst[dstAt + i] += src[i] for i < n. */
export function addAt(src: Float32Array, dst: Float32Array, dstAt: number, n: number): void {
  for (let i = 0; i < n; i++) dst[dstAt + i]! += src[i]!;
}
