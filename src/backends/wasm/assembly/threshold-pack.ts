// Threshold and pack, WebAssembly SIMD (kernels.ts thresholdPack): four units per compare, their
// results gathered by i32x4.bitmask, a word of 32 units XORed with its flip bits and stored.

/** Rows of products a fused kernel makes and thresholds at a time (xnorThresholdRows,
 *  pixelThresholdDot): a tile that stays in the thread's scratch, in cache, never stored in full. */
export const THRESHOLD_TILE_ROWS = 16;

export function thresholdPack(c: usize, rows: i32, n: i32, base: usize, scale: i32, lim: usize, flip: usize, out: usize): void {
  const words = (n + 31) >>> 5, full = n >>> 5;
  const k = i32x4.splat(scale);
  for (let r = 0; r < rows; r++) {
    const row = c + ((<usize>r * n) << 2), dst = out + ((<usize>r * words) << 2);
    for (let w = 0; w < full; w++) {
      let bits: u32 = 0;
      for (let q = 0; q < 8; q++) {
        const o = (<usize>(w * 32 + q * 4)) << 2;
        let v = v128.load(row + o);
        if (base) v = i32x4.add(v128.load(base + o), i32x4.mul(k, v));
        bits |= <u32>i32x4.bitmask(i32x4.lt_s(v, v128.load(lim + o))) << (q * 4);
      }
      store<u32>(dst + (<usize>w << 2), bits ^ load<u32>(flip + (<usize>w << 2)));
    }
    if (full < words) { // the last n % 32 units, one by one; tail bits stay 0
      let bits: u32 = 0;
      for (let j = full << 5; j < n; j++) {
        let v = load<i32>(row + (<usize>j << 2));
        if (base) v = load<i32>(base + (<usize>j << 2)) + scale * v;
        bits |= <u32>(v < load<i32>(lim + (<usize>j << 2))) << (j & 31);
      }
      store<u32>(dst + (<usize>full << 2), bits ^ load<u32>(flip + (<usize>full << 2)));
    }
  }
}
