// Bit-matrix transpose (Kernels.transposeBits), 32 × 32 blocks: a block's 32 words are
// transposed in place by five rounds of masked swaps (Hacker's Delight 7-3, for bit q = column
// q), so 1024 bits cost about 600 operations instead of one shift-and-mask each.

/** x rows × ceil(cols/32) words → out cols × ceil(rows/32) words. A job over the blocks of 32
 *  rows of x [rbLo, rbHi) (words rbLo..rbHi-1 of every row of out, which no other thread
 *  writes); scratch: 128 bytes per thread. */
export function transposeBits(x: usize, rows: i32, cols: i32, out: usize, scratch: usize, rbLo: i32, rbHi: i32, thread: i32): void {
  const inWords = (cols + 31) >>> 5, outWords = (rows + 31) >>> 5, block = scratch + (<usize>thread << 7);
  for (let rb = rbLo; rb < rbHi; rb++) {
    const r0 = rb << 5, n = min(32, rows - r0);
    for (let wb = 0; wb < inWords; wb++) {
      for (let t = 0; t < 32; t++) {
        store<u32>(block + (<usize>t << 2), t < n ? load<u32>(x + ((<usize>(r0 + t) * inWords + wb) << 2)) : 0);
      }
      transpose32(block);
      // rows of out past cols do not exist; rows of x past `rows` were 0, so tail bits are 0
      const p0 = wb << 5, q1 = min(32, cols - p0);
      for (let q = 0; q < q1; q++) store<u32>(out + ((<usize>(p0 + q) * outWords + rb) << 2), load<u32>(block + (<usize>q << 2)));
    }
  }
}

// Swap the off-diagonal j × j sub-blocks of every 2j × 2j block: rows k (high columns) with
// rows k + j (low columns), for j = 16, 8, 4, 2, 1.
// @ts-ignore: decorator
@inline function transpose32(a: usize): void {
  let m: u32 = 0x0000ffff;
  for (let j = 16; j != 0; j >>= 1, m ^= m << j) {
    for (let k = 0; k < 32; k = (k + j + 1) & ~j) {
      const pk = a + (<usize>k << 2), pj = a + (<usize>(k + j) << 2);
      const t = ((load<u32>(pk) >>> j) ^ load<u32>(pj)) & m;
      store<u32>(pk, load<u32>(pk) ^ (t << j));
      store<u32>(pj, load<u32>(pj) ^ t);
    }
  }
}
