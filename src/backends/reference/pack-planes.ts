/** Pixels per plane of an image: 8 bit-planes of raw bytes (QNN-SPEC §5.1). */
const PLANES = 8;

/** Pack the 8 bit-planes (Kernels.packPlanes) of `count` images of k bytes: row img·8 + n holds bit n of every pixel.
 *  Eight pixels at a time: their bytes form an 8×8 bit matrix, and one transpose (Hacker's
 *  Delight, transpose8rS32, on two u32 halves) turns it into eight bytes, byte n = bit n of the 8
 *  pixels; four such bytes fill a plane word. About 5 operations per pixel instead of 3 per
 *  pixel and plane, and all-zero groups (most of an MNIST image) are skipped. */
export function packPlanes(pixels: Uint8Array, count: number, k: number, out: Uint32Array): void {
  const words = Math.ceil(k / 32);
  for (let img = 0; img < count; img++) {
    const src = img * k, base = img * PLANES * words;
    for (let w = 0; w < words; w++) {
      let p0 = 0, p1 = 0, p2 = 0, p3 = 0, p4 = 0, p5 = 0, p6 = 0, p7 = 0;
      for (let blk = 0; blk < 4; blk++) {
        const i = (w << 5) + (blk << 3);
        if (i >= k) break;
        let lo: number, hi: number;
        if (i + 8 <= k) {
          const a = src + i;
          lo = pixels[a]! | (pixels[a + 1]! << 8) | (pixels[a + 2]! << 16) | (pixels[a + 3]! << 24);
          hi = pixels[a + 4]! | (pixels[a + 5]! << 8) | (pixels[a + 6]! << 16) | (pixels[a + 7]! << 24);
        } else { // the last pixels of a row: missing ones read as 0 (tail bits stay 0)
          lo = 0; hi = 0;
          for (let t = 0; t < k - i; t++) if (t < 4) lo |= pixels[src + i + t]! << (8 * t); else hi |= pixels[src + i + t]! << (8 * (t - 4));
        }
        if ((lo | hi) === 0) continue;
        // rows of the bit matrix, most significant first: pixels 7..4 in x, 3..0 in y
        let x = hi, y = lo, t: number;
        t = (x ^ (x >>> 7)) & 0x00aa00aa; x = x ^ t ^ (t << 7);
        t = (y ^ (y >>> 7)) & 0x00aa00aa; y = y ^ t ^ (t << 7);
        t = (x ^ (x >>> 14)) & 0x0000cccc; x = x ^ t ^ (t << 14);
        t = (y ^ (y >>> 14)) & 0x0000cccc; y = y ^ t ^ (t << 14);
        t = (x & 0xf0f0f0f0) | ((y >>> 4) & 0x0f0f0f0f);
        y = ((x << 4) & 0xf0f0f0f0) | (y & 0x0f0f0f0f);
        x = t;
        // now byte n of y (n < 4) and byte n − 4 of x hold plane n, bit b = pixel b of the group
        const sh = blk << 3;
        p0 |= (y & 255) << sh; p1 |= ((y >>> 8) & 255) << sh; p2 |= ((y >>> 16) & 255) << sh; p3 |= (y >>> 24) << sh;
        p4 |= (x & 255) << sh; p5 |= ((x >>> 8) & 255) << sh; p6 |= ((x >>> 16) & 255) << sh; p7 |= (x >>> 24) << sh;
      }
      out[base + w] = p0; out[base + words + w] = p1; out[base + 2 * words + w] = p2; out[base + 3 * words + w] = p3;
      out[base + 4 * words + w] = p4; out[base + 5 * words + w] = p5; out[base + 6 * words + w] = p6; out[base + 7 * words + w] = p7;
    }
  }
}

