/** u32 words of rowLists' layout for n rows of k bits: a length and a mode per row, then each
 *  row's list at a fixed stride of floor(k/2) words (the rarer bit value of a row of k bits
 *  occurs at most that often). */
export function rowListWords(n: number, k: number): number { return n * (2 + (k >>> 1)); }

/** The weight rows b (n packed rows of k bits, as xnorGemm's b) as the lists that
 *  assembly/xnor-threshold-row-sliced.ts counts: for row j, word 2j its list's length and word
 *  2j + 1 whether it lists zeros (where the row has more ones than zeros) or ones; from word
 *  2n + j·floor(k/2), the byte offsets 16p of the listed positions p < k, in increasing order.
 *  Done once per model, so plain code. */
export function packRowLists(b: Uint32Array, n: number, k: number, out: Uint32Array = new Uint32Array(rowListWords(n, k))): Uint32Array {
  const words = Math.ceil(k / 32), stride = k >>> 1;
  out.fill(0, 0, rowListWords(n, k));
  for (let j = 0; j < n; j++) {
    const bit = (p: number): number => (b[j * words + (p >>> 5)]! >>> (p & 31)) & 1;
    let ones = 0;
    for (let p = 0; p < k; p++) ones += bit(p);
    const zeros = ones > k - ones, at = 2 * n + j * stride;
    let len = 0;
    for (let p = 0; p < k; p++) if (bit(p) === (zeros ? 0 : 1)) out[at + len++] = 16 * p;
    out[2 * j] = len;
    out[2 * j + 1] = zeros ? 1 : 0;
  }
  return out;
}
