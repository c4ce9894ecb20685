import type { ConvGeometry } from '../kernels.js';

export function maxPool2d(x: Float32Array, g: ConvGeometry, y: Float32Array, argmax: Int32Array): void {
  const { batch, height, width, channels: ch, kh, kw, stride, padTop, padLeft, outH, outW } = g;
  let at = 0;
  for (let b = 0; b < batch; b++) for (let oy = 0; oy < outH; oy++) for (let ox = 0; ox < outW; ox++) {
    for (let c = 0; c < ch; c++, at++) {
      let best = -Infinity, where = -1;
      for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
        const yy = oy * stride + i - padTop, xx = ox * stride + j - padLeft;
        if (yy < 0 || yy >= height || xx < 0 || xx >= width) continue;
        const idx = ((b * height + yy) * width + xx) * ch + c, v = x[idx]!;
        // the first maximum wins; a NaN is taken (and kept) so that it reaches the output
        if (where < 0 || v > best || (Number.isNaN(v) && !Number.isNaN(best))) { best = v; where = idx; }
      }
      y[at] = best; argmax[at] = where;
    }
  }
}

export function maxPool2dBackward(dy: Float32Array, argmax: Int32Array, count: number, dx: Float32Array, xSize: number): void {
  dx.fill(0, 0, xSize);
  for (let i = 0; i < count; i++) dx[argmax[i]!]! += dy[i]!;
}
