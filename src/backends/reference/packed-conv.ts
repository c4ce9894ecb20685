import type { ConvGeometry } from '../kernels.js';

/** Calls visit(row, tap, xPixel) for every window tap in the im2col order: row (b, oy, ox), tap
 *  i·kw + j, xPixel the index of pixel (b, y, x) in x, or -1 where the tap is in the padding. */
function forEachTap(g: ConvGeometry, visit: (row: number, tap: number, xPixel: number) => void): void {
  const { batch, height, width, kh, kw, stride, padTop, padLeft, outH, outW } = g;
  let row = 0;
  for (let b = 0; b < batch; b++) for (let oy = 0; oy < outH; oy++) for (let ox = 0; ox < outW; ox++, row++) {
    for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
      const y = oy * stride + i - padTop, x = ox * stride + j - padLeft;
      visit(row, i * kw + j, y >= 0 && y < height && x >= 0 && x < width ? (b * height + y) * width + x : -1);
    }
  }
}

export function im2colBits(x: Uint32Array, g: ConvGeometry, out: Uint32Array): void {
  const ch = g.channels, inWords = Math.ceil(ch / 32), words = Math.ceil(g.kh * g.kw * ch / 32);
  out.fill(0, 0, g.batch * g.outH * g.outW * words);
  forEachTap(g, (row, tap, pixel) => {
    if (pixel < 0) return; // padding is +1: bit 0
    if (ch % 32 === 0) { // whole words: a tap's channels start on a word of the row
      out.set(x.subarray(pixel * inWords, (pixel + 1) * inWords), row * words + tap * inWords);
      return;
    }
    for (let c = 0, p = tap * ch; c < ch; c++, p++) {
      if ((x[pixel * inWords + (c >>> 5)]! >>> (c & 31)) & 1) out[row * words + (p >>> 5)]! |= 1 << (p & 31);
    }
  });
}

export function im2colBytes(x: Uint8Array, g: ConvGeometry, padValue: number, out: Uint8Array): void {
  const ch = g.channels, k = g.kh * g.kw * ch;
  forEachTap(g, (row, tap, pixel) => {
    const at = row * k + tap * ch;
    if (pixel < 0) out.fill(padValue, at, at + ch);
    else out.set(x.subarray(pixel * ch, pixel * ch + ch), at);
  });
}

export function maxPoolInt(x: Int32Array, g: ConvGeometry, y: Int32Array): void {
  const { batch, height, width, channels: ch, kh, kw, stride, padTop, padLeft, outH, outW } = g;
  let at = 0;
  for (let b = 0; b < batch; b++) for (let oy = 0; oy < outH; oy++) for (let ox = 0; ox < outW; ox++) {
    for (let c = 0; c < ch; c++, at++) {
      let best = -0x80000000;
      for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
        const yy = oy * stride + i - padTop, xx = ox * stride + j - padLeft;
        if (yy >= 0 && yy < height && xx >= 0 && xx < width) best = Math.max(best, x[((b * height + yy) * width + xx) * ch + c]!);
      }
      y[at] = best;
    }
  }
}

export function poolBits(x: Uint32Array, g: ConvGeometry, flip: Uint32Array, out: Uint32Array): void {
  const { batch, height, width, channels, kh, kw, stride, padTop, padLeft, outH, outW } = g, words = Math.ceil(channels / 32);
  let at = 0;
  for (let b = 0; b < batch; b++) for (let oy = 0; oy < outH; oy++) for (let ox = 0; ox < outW; ox++) {
    for (let w = 0; w < words; w++, at++) {
      let all = 0xffffffff; // units whose every v in the window is below lim
      for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
        const yy = oy * stride + i - padTop, xx = ox * stride + j - padLeft;
        if (yy >= 0 && yy < height && xx >= 0 && xx < width) all &= x[((b * height + yy) * width + xx) * words + w]! ^ flip[w]!;
      }
      const valid = Math.min(32, channels - 32 * w);
      out[at] = ((all ^ flip[w]!) & (valid === 32 ? 0xffffffff : (1 << valid) - 1)) >>> 0;
    }
  }
}

export function pixelPairs(x: Uint8Array, pixels: number, channels: number, out: Uint8Array): void {
  for (let i = 0; i < pixels; i++) for (let c = 0; c < channels; c++) {
    const p = x[i * channels + c]!;
    out[2 * i * channels + c] = p;
    out[(2 * i + 1) * channels + c] = 255 - p;
  }
}
