/** u32 words of rowLists' layout for n rows of k bits: 8 words a pair of rows, then each pair's
 *  lists at a fixed stride of 2·floor(k/2) + 16 words (the rarer bit value of a row of k bits
 *  occurs at most floor(k/2) times, a pair's lists hold each listed position of its rows once,
 *  and each row's own list is padded by at most 7). */
export function rowListWords(n: number, k: number): number {
  return Math.ceil(n / 2) * (8 + pairStride(k));
}

const pairStride = (k: number): number => 2 * (k >>> 1) + 16;

const popcount = (v: number): number => {
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
};

/** The weight rows b (n packed rows of k bits, as xnorGemm's b) as the lists that
 *  assembly/xnor-threshold-row-sliced.ts counts. Each row lists the positions p < k of its
 *  rarer bit value (zeros where it has more ones than zeros). Rows go in pairs, each row with
 *  the unpaired row after it whose list shares the most positions with its own (greedy); the
 *  shared positions, cut to a multiple of 8, are listed once for the pair, the rest in each
 *  row's own list. Pair u: words 8u..8u+5 the shared length, the two rows (the second −1
 *  where none is left), their own lengths, their modes (bit 0 and bit 1: 1 if that row lists
 *  zeros); from word 8·ceil(n/2) + u·(2·floor(k/2) + 16) the byte offsets 16p of the shared
 *  positions, then of the first row's own, then the second's, each in increasing order and each
 *  own list padded to a multiple of 8 with 16·32·ceil(k/32), the kernel's zero row after the
 *  slice: the kernel counts whole blocks of 8 only. Done once per model, so plain code. */
export function packRowLists(b: Uint32Array, n: number, k: number, out: Uint32Array = new Uint32Array(rowListWords(n, k))): Uint32Array {
  const words = Math.ceil(k / 32), pairs = Math.ceil(n / 2), stride = pairStride(k), zeroRow = 16 * 32 * words;
  out.fill(0, 0, rowListWords(n, k));
  // each row's listed positions as a mask of k bits, and its mode
  const masks = new Uint32Array(n * words), zeros = new Uint8Array(n);
  const valid = (w: number): number => (w === words - 1 && k % 32 !== 0 ? (2 ** (k % 32)) - 1 : 0xffffffff);
  for (let j = 0; j < n; j++) {
    let ones = 0;
    for (let w = 0; w < words; w++) ones += popcount(b[j * words + w]! & valid(w));
    zeros[j] = ones > k - ones ? 1 : 0;
    for (let w = 0; w < words; w++) masks[j * words + w] = ((zeros[j] ? ~b[j * words + w]! : b[j * words + w]!) & valid(w)) >>> 0;
  }
  const shared = (i: number, j: number): number => {
    let c = 0;
    for (let w = 0; w < words; w++) c += popcount(masks[i * words + w]! & masks[j * words + w]!);
    return c;
  };
  const paired = new Uint8Array(n);
  const positions = (j: number, keep: (p: number) => boolean): number[] => {
    const list: number[] = [];
    for (let p = 0; p < k; p++) if ((masks[j * words + (p >>> 5)]! >>> (p & 31)) & 1 && keep(p)) list.push(p);
    return list;
  };
  for (let u = 0, a = 0; u < pairs; u++) {
    while (paired[a]) a++;
    paired[a] = 1;
    let partner = -1, most = -1;
    for (let j = a + 1; j < n; j++) {
      if (paired[j]) continue;
      const c = shared(a, j);
      if (c > most) { most = c; partner = j; }
    }
    if (partner >= 0) paired[partner] = 1;
    const both = partner < 0 ? [] : positions(a, (p) => ((masks[partner * words + (p >>> 5)]! >>> (p & 31)) & 1) === 1);
    const common = new Set(both.slice(0, both.length - (both.length % 8)));
    const own = (j: number): number[] => (j < 0 ? [] : positions(j, (p) => !common.has(p)));
    const listA = own(a), listB = own(partner), at = 8 * pairs + u * stride;
    const padded = (list: number[]): number[] => [...list.map((p) => 16 * p), ...new Array<number>((8 - (list.length % 8)) % 8).fill(zeroRow)];
    out.set([...[...common].map((p) => 16 * p), ...padded(listA), ...padded(listB)], at);
    out.set([common.size, a, partner < 0 ? 0xffffffff : partner, listA.length, listB.length, zeros[a]! | (partner < 0 ? 0 : zeros[partner]! << 1)], 8 * u);
  }
  return out;
}
