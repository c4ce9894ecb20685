// im2col and its packed-sign twin over NHWC images (kernels.ts ConvGeometry), rows [rLo, rHi) of
// the im2col matrix (row = (b, oy, ox)): a thread's chunk, each output row written by one thread.

/** out row r, tap (i, j): the tap's `ch` floats copied, or padValue where it is in the padding. */
export function im2col(x: usize, out: usize, height: i32, width: i32, ch: i32, kh: i32, kw: i32, stride: i32,
  padTop: i32, padLeft: i32, outH: i32, outW: i32, padBits: i32, rLo: i32, rHi: i32): void {
  const k = kh * kw * ch, tapBytes = <usize>ch << 2, pad = reinterpret<f32>(padBits);
  for (let r = rLo; r < rHi; r++) {
    const ox = r % outW, t = r / outW, oy = t % outH, b = t / outH;
    let dst = out + ((<usize>r * k) << 2);
    for (let i = 0; i < kh; i++) {
      const y = oy * stride + i - padTop;
      for (let j = 0; j < kw; j++, dst += tapBytes) {
        const xx = ox * stride + j - padLeft;
        if (y < 0 || y >= height || xx < 0 || xx >= width) {
          for (let c = 0; c < ch; c++) store<f32>(dst + (<usize>c << 2), pad);
        } else {
          memory.copy(dst, x + ((<usize>((b * height + y) * width + xx) * ch) << 2), tapBytes);
        }
      }
    }
  }
}

/** The same rows as signs packed along kh·kw·C (bit 1 where x < 0; padding and tail bits 0).
 *  When C is a multiple of 32 a tap fills whole words: 32 floats per word by eight 4-lane
 *  compares and bitmasks, as packRows does; otherwise bit by bit. */
export function im2colPackSigns(x: usize, out: usize, height: i32, width: i32, ch: i32, kh: i32, kw: i32, stride: i32,
  padTop: i32, padLeft: i32, outH: i32, outW: i32, rLo: i32, rHi: i32): void {
  const k = kh * kw * ch, words = (k + 31) >>> 5, zero = f32x4.splat(0), wholeWords = (ch & 31) == 0;
  for (let r = rLo; r < rHi; r++) {
    const ox = r % outW, t = r / outW, oy = t % outH, b = t / outH;
    const dst = out + ((<usize>r * words) << 2);
    memory.fill(dst, 0, <usize>words << 2);
    let p = 0;
    for (let i = 0; i < kh; i++) {
      const y = oy * stride + i - padTop;
      for (let j = 0; j < kw; j++, p += ch) {
        const xx = ox * stride + j - padLeft;
        if (y < 0 || y >= height || xx < 0 || xx >= width) continue; // +1: bit 0
        const src = x + ((<usize>((b * height + y) * width + xx) * ch) << 2);
        if (wholeWords) {
          for (let w = 0; w < (ch >>> 5); w++) {
            const from = src + (<usize>w << 7);
            let bits: u32 = 0;
            for (let q = 0; q < 8; q++) bits |= <u32>i32x4.bitmask(f32x4.lt(v128.load(from + (<usize>q << 4)), zero)) << (q << 2);
            store<u32>(dst + (<usize>((p >>> 5) + w) << 2), bits);
          }
        } else {
          for (let c = 0; c < ch; c++) {
            if (load<f32>(src + (<usize>c << 2)) < 0) {
              const q = p + c, at = dst + (<usize>(q >>> 5) << 2);
              store<u32>(at, load<u32>(at) | (1 << (q & 31)));
            }
          }
        }
      }
    }
  }
}

/** The adjoint: images [bLo, bHi) of dx overwritten with the sum of the im2col entries that read
 *  each element (padding entries dropped). An image's rows only touch that image, so threads
 *  split by images never write the same element. Summed in float32, in row order. */
export function col2im(cols: usize, dx: usize, height: i32, width: i32, ch: i32, kh: i32, kw: i32, stride: i32,
  padTop: i32, padLeft: i32, outH: i32, outW: i32, bLo: i32, bHi: i32): void {
  const k = kh * kw * ch, image = <usize>height * width * ch, r0 = bLo * outH * outW;
  memory.fill(dx + ((<usize>bLo * image) << 2), 0, (<usize>(bHi - bLo) * image) << 2);
  addColumns(cols + ((<usize>r0 * k) << 2), dx, r0, (bHi - bLo) * outH * outW, height, width, ch, kh, kw, stride, padTop, padLeft, outH, outW);
}

/** col2im's adds for im2col rows r0 .. r0+rows−1 held at cols (padding entries dropped). */
export function addColumns(cols: usize, dx: usize, r0: i32, rows: i32, height: i32, width: i32, ch: i32, kh: i32, kw: i32,
  stride: i32, padTop: i32, padLeft: i32, outH: i32, outW: i32): void {
  let src = cols;
  for (let r = r0; r < r0 + rows; r++) {
    const ox = r % outW, t = r / outW, oy = t % outH, b = t / outH;
    for (let i = 0; i < kh; i++) {
      const y = oy * stride + i - padTop;
      for (let j = 0; j < kw; j++, src += <usize>ch << 2) {
        const xx = ox * stride + j - padLeft;
        if (y < 0 || y >= height || xx < 0 || xx >= width) continue;
        const dst = dx + ((<usize>((b * height + y) * width + xx) * ch) << 2);
        let c = 0;
        for (; c + 4 <= ch; c += 4) {
          const at = dst + (<usize>c << 2);
          v128.store(at, f32x4.add(v128.load(at), v128.load(src + (<usize>c << 2))));
        }
        for (; c < ch; c++) {
          const at = dst + (<usize>c << 2);
          store<f32>(at, load<f32>(at) + load<f32>(src + (<usize>c << 2)));
        }
      }
    }
  }
}
