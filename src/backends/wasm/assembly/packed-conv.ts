// The packed engine's conv kernels over NHWC images (kernels.ts ConvGeometry): im2col over packed
// ±1 pixels and over bytes, and max pooling of integer products. Rows [rLo, rHi) are a thread's
// chunk, each output row written by one thread. All exact, equal to the reference.

/** Packed im2col rows (b, oy, ox): tap (i, j)'s `ch` bits at bit tap·ch of the row; padding and
 *  tail bits 0 (+1). A pixel's bits past ch are masked off (the reference reads only ch of them). */
export function im2colBits(x: usize, out: usize, height: i32, width: i32, ch: i32, kh: i32, kw: i32, stride: i32,
  padTop: i32, padLeft: i32, outH: i32, outW: i32, rLo: i32, rHi: i32): void {
  const inWords = (ch + 31) >>> 5, words = (kh * kw * ch + 31) >>> 5, wholeWords = (ch & 31) == 0;
  const lastMask: u32 = (ch & 31) == 0 ? 0xffffffff : (<u32>1 << (ch & 31)) - 1;
  // (b, oy, ox) of row rLo, then counted on: no divisions per row
  let ox = rLo % outW, oy = (rLo / outW) % outH, b = rLo / (outW * outH);
  for (let r = rLo; r < rHi; r++, ox = next(ox, outW), oy = ox == 0 ? next(oy, outH) : oy, b = ox == 0 && oy == 0 ? b + 1 : b) {
    const dst = out + ((<usize>r * words) << 2);
    memory.fill(dst, 0, <usize>words << 2);
    let p = 0; // the tap's first bit in the row
    const x0 = ox * stride - padLeft;
    for (let i = 0; i < kh; i++) {
      const y = oy * stride + i - padTop;
      if (wholeWords && y >= 0 && y < height && x0 >= 0 && x0 + kw <= width) { // adjacent pixels, adjacent words: one copy
        copyBytes(dst + ((<usize>p >>> 5) << 2), x + ((<usize>((b * height + y) * width + x0) * inWords) << 2), (kw * inWords) << 2);
        p += kw * ch;
        continue;
      }
      for (let j = 0; j < kw; j++, p += ch) {
        const xx = ox * stride + j - padLeft;
        if (y < 0 || y >= height || xx < 0 || xx >= width) continue;
        const src = x + ((<usize>((b * height + y) * width + xx) * inWords) << 2);
        if (wholeWords) { copyBytes(dst + ((<usize>p >>> 5) << 2), src, inWords << 2); continue; }
        for (let w = 0; w < inWords; w++) {
          let v = load<u32>(src + (<usize>w << 2));
          if (w == inWords - 1) v &= lastMask;
          if (v == 0) continue;
          const at = p + (w << 5), word = dst + ((<usize>at >>> 5) << 2), s = at & 31;
          store<u32>(word, load<u32>(word) | (v << s));
          // bits carried into the next word lie inside the row (they are bits of this tap), so
          // only a nonzero carry is written: never a word of another thread's row
          const carry = s == 0 ? 0 : v >>> (32 - s);
          if (carry != 0) store<u32>(word + 4, load<u32>(word + 4) | carry);
        }
      }
    }
  }
}

/** Byte im2col rows (b, oy, ox): tap (i, j)'s `ch` bytes copied, padValue where it is in the padding. */
export function im2colBytes(x: usize, out: usize, height: i32, width: i32, ch: i32, kh: i32, kw: i32, stride: i32,
  padTop: i32, padLeft: i32, outH: i32, outW: i32, padValue: i32, rLo: i32, rHi: i32): void {
  const k = kh * kw * ch, span = kw * ch;
  let ox = rLo % outW, oy = (rLo / outW) % outH, b = rLo / (outW * outH);
  for (let r = rLo; r < rHi; r++, ox = next(ox, outW), oy = ox == 0 ? next(oy, outH) : oy, b = ox == 0 && oy == 0 ? b + 1 : b) {
    const x0 = ox * stride - padLeft;
    let dst = out + <usize>r * k;
    for (let i = 0; i < kh; i++) {
      const y = oy * stride + i - padTop;
      if (y >= 0 && y < height && x0 >= 0 && x0 + kw <= width) { // a window row's taps are adjacent pixels: one copy
        copyBytes(dst, x + <usize>((b * height + y) * width + x0) * ch, span);
        dst += span;
        continue;
      }
      for (let j = 0; j < kw; j++, dst += ch) {
        const xx = x0 + j;
        if (y < 0 || y >= height || xx < 0 || xx >= width) memory.fill(dst, <u8>padValue, ch);
        else copyBytes(dst, x + <usize>((b * height + y) * width + xx) * ch, ch);
      }
    }
  }
}

/** i + 1, back to 0 at n (a row's coordinate counted on). */
// @ts-ignore: decorator
@inline export function next(i: i32, n: i32): i32 { return i + 1 == n ? 0 : i + 1; }

/** A few bytes (a CNV window row is 9) copy faster by hand than through memory.copy's call. */
// @ts-ignore: decorator
@inline export function copyBytes(dst: usize, src: usize, n: i32): void {
  if (n >= 32) { memory.copy(dst, src, n); return; }
  let i = 0;
  for (; i + 4 <= n; i += 4) store<u32>(dst + i, load<u32>(src + i));
  for (; i < n; i++) store<u8>(dst + i, load<u8>(src + i));
}

/** Max pool of int32 [batch, H, W, ch] for output rows (b, oy) in [rLo, rHi), four channels per
 *  i32x4; a window with no tap in the image gives -2^31, as the reference. */
export function maxPoolInt(x: usize, y: usize, height: i32, width: i32, ch: i32, kh: i32, kw: i32, stride: i32,
  padTop: i32, padLeft: i32, outH: i32, outW: i32, rLo: i32, rHi: i32): void {
  for (let r = rLo; r < rHi; r++) {
    const oy = r % outH, b = r / outH;
    for (let ox = 0; ox < outW; ox++) {
      const out = y + ((<usize>(r * outW + ox) * ch) << 2);
      let c = 0;
      for (; c + 4 <= ch; c += 4) {
        let best = i32x4.splat(i32.MIN_VALUE);
        for (let i = 0; i < kh; i++) {
          const yy = oy * stride + i - padTop;
          if (yy < 0 || yy >= height) continue;
          for (let j = 0; j < kw; j++) {
            const xx = ox * stride + j - padLeft;
            if (xx < 0 || xx >= width) continue;
            best = i32x4.max_s(best, v128.load(x + ((<usize>(((b * height + yy) * width + xx) * ch + c)) << 2)));
          }
        }
        v128.store(out + (<usize>c << 2), best);
      }
      for (; c < ch; c++) {
        let best = i32.MIN_VALUE;
        for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
          const yy = oy * stride + i - padTop, xx = ox * stride + j - padLeft;
          if (yy < 0 || yy >= height || xx < 0 || xx >= width) continue;
          const v = load<i32>(x + ((<usize>(((b * height + yy) * width + xx) * ch + c)) << 2));
          if (v > best) best = v;
        }
        store<i32>(out + (<usize>c << 2), best);
      }
    }
  }
}

/** Max pool of thresholded bits (kernels.ts poolBits) for output rows (b, oy) in [rLo, rHi):
 *  per pixel, the AND over the window of (x XOR flip), XOR flip, four words per v128. */
export function poolBits(x: usize, flip: usize, y: usize, height: i32, width: i32, ch: i32, kh: i32, kw: i32, stride: i32,
  padTop: i32, padLeft: i32, outH: i32, outW: i32, rLo: i32, rHi: i32): void {
  const words = (ch + 31) >>> 5;
  const lastMask: u32 = (ch & 31) == 0 ? 0xffffffff : (<u32>1 << (ch & 31)) - 1;
  if (padTop == 0 && padLeft == 0 && (outH - 1) * stride + kh <= height && (outW - 1) * stride + kw <= width) {
    // every window inside the image (CNV's pools): no tap to skip, no check per tap
    const rowWords = <usize>(width * words) << 2;
    for (let r = rLo; r < rHi; r++) {
      const oy = r % outH, b = r / outH;
      for (let ox = 0; ox < outW; ox++) {
        const out = y + ((<usize>(r * outW + ox) * words) << 2);
        const corner = x + ((<usize>(((b * height + oy * stride) * width + ox * stride) * words)) << 2);
        for (let w = 0; w < words; w++) {
          const f = load<u32>(flip + (<usize>w << 2));
          let all: u32 = 0xffffffff, row = corner + (<usize>w << 2);
          for (let i = 0; i < kh; i++, row += rowWords) {
            for (let j = 0; j < kw; j++) all &= f ^ load<u32>(row + ((<usize>(j * words)) << 2));
          }
          store<u32>(out + (<usize>w << 2), all ^ f);
        }
      }
    }
    return;
  }
  for (let r = rLo; r < rHi; r++) {
    const oy = r % outH, b = r / outH;
    for (let ox = 0; ox < outW; ox++) {
      const out = y + ((<usize>(r * outW + ox) * words) << 2);
      let w = 0;
      for (; w + 4 <= words; w += 4) {
        const f = v128.load(flip + (<usize>w << 2));
        let all = i32x4.splat(-1);
        for (let i = 0; i < kh; i++) {
          const yy = oy * stride + i - padTop;
          if (yy < 0 || yy >= height) continue;
          for (let j = 0; j < kw; j++) {
            const xx = ox * stride + j - padLeft;
            if (xx < 0 || xx >= width) continue;
            all = v128.and(all, v128.xor(f, v128.load(x + ((<usize>(((b * height + yy) * width + xx) * words + w)) << 2))));
          }
        }
        v128.store(out + (<usize>w << 2), v128.xor(all, f));
      }
      for (; w < words; w++) {
        const f = load<u32>(flip + (<usize>w << 2));
        let all: u32 = 0xffffffff;
        for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
          const yy = oy * stride + i - padTop, xx = ox * stride + j - padLeft;
          if (yy < 0 || yy >= height || xx < 0 || xx >= width) continue;
          all &= f ^ load<u32>(x + ((<usize>(((b * height + yy) * width + xx) * words + w)) << 2));
        }
        store<u32>(out + (<usize>w << 2), all ^ f);
      }
      // the tail bits: 0 in x and flip, but 1 after a window with no pixel in the image
      store<u32>(out + (<usize>(words - 1) << 2), load<u32>(out + (<usize>(words - 1) << 2)) & lastMask);
    }
  }
}
