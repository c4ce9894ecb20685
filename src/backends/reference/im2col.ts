import type { ConvGeometry } from '../kernels.js';

/** Calls visit(at, xAt) for every window tap (row (b, oy, ox), tap (i, j)) in the row-major
 *  order of the im2col matrix [batch·outH·outW, kh·kw·C]: `at` is the index of the tap's first
 *  channel in that matrix, xAt the index of x[b, y, x, 0], or -1 where the tap is in the padding. */
function forEachTap(g: ConvGeometry, visit: (at: number, xAt: number) => void): void {
  const { batch, height, width, channels: ch, kh, kw, stride, padTop, padLeft, outH, outW } = g;
  let at = 0;
  for (let b = 0; b < batch; b++) for (let oy = 0; oy < outH; oy++) for (let ox = 0; ox < outW; ox++) {
    for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++, at += ch) {
      const y = oy * stride + i - padTop, x = ox * stride + j - padLeft;
      visit(at, y >= 0 && y < height && x >= 0 && x < width ? ((b * height + y) * width + x) * ch : -1);
    }
  }
}

export function im2col(x: Float32Array, g: ConvGeometry, padValue: number, out: Float32Array): void {
  const ch = g.channels;
  forEachTap(g, (at, xAt) => {
    if (xAt < 0) out.fill(padValue, at, at + ch);
    else out.set(x.subarray(xAt, xAt + ch), at);
  });
}

export function col2im(cols: Float32Array, g: ConvGeometry, dx: Float32Array): void {
  // summed in float64, so the order in which overlapping windows arrive does not matter
  const sum = new Float64Array(dx.length), ch = g.channels;
  forEachTap(g, (at, xAt) => { if (xAt >= 0) for (let c = 0; c < ch; c++) sum[xAt + c]! += cols[at + c]!; });
  dx.set(sum);
}

export function im2colPackSigns(x: Float32Array, g: ConvGeometry, out: Uint32Array): void {
  const ch = g.channels, k = g.kh * g.kw * ch, words = Math.ceil(k / 32);
  out.fill(0);
  forEachTap(g, (at, xAt) => {
    if (xAt < 0) return; // padding is +1: bit 0
    const row = Math.floor(at / k), p0 = at - row * k;
    for (let c = 0; c < ch; c++) {
      const p = p0 + c;
      if (x[xAt + c]! < 0) out[row * words + (p >>> 5)]! |= 1 << (p & 31);
    }
  });
}
