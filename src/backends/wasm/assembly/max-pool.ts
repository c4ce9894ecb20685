// Max pooling over NHWC images (kernels.ts ConvGeometry), wasm SIMD: four channels per f32x4.
// Equal to the reference bit for bit: the first maximum in window order wins (a later tap is
// taken only when strictly greater), and a NaN is taken and kept, so it reaches the output.

/** y and argmax [batch, outH, outW, ch] for output rows (b, oy) in [rLo, rHi). */
export function maxPool2d(x: usize, y: usize, argmax: usize, height: i32, width: i32, ch: i32, kh: i32, kw: i32, stride: i32,
  padTop: i32, padLeft: i32, outH: i32, outW: i32, rLo: i32, rHi: i32): void {
  const lanes = i32x4(0, 1, 2, 3);
  for (let r = rLo; r < rHi; r++) {
    const oy = r % outH, b = r / outH;
    for (let ox = 0; ox < outW; ox++) {
      const out = <usize>((r * outW + ox) * ch) << 2;
      let c = 0;
      for (; c + 4 <= ch; c += 4) {
        let best = f32x4.splat(0), where = i32x4.splat(-1);
        for (let i = 0; i < kh; i++) {
          const yy = oy * stride + i - padTop;
          if (yy < 0 || yy >= height) continue;
          for (let j = 0; j < kw; j++) {
            const xx = ox * stride + j - padLeft;
            if (xx < 0 || xx >= width) continue;
            const idx = ((b * height + yy) * width + xx) * ch + c, v = v128.load(x + (<usize>idx << 2));
            // where < 0: no tap yet; v > best; or v NaN where best is not
            const take = v128.or(v128.or(i32x4.lt_s(where, i32x4.splat(0)), f32x4.gt(v, best)),
              v128.and(f32x4.ne(v, v), f32x4.eq(best, best)));
            best = v128.bitselect(v, best, take);
            where = v128.bitselect(i32x4.add(i32x4.splat(idx), lanes), where, take);
          }
        }
        // no tap in the image (a window wholly in the padding): -Infinity, as the reference
        const none = i32x4.lt_s(where, i32x4.splat(0));
        v128.store(y + out + (<usize>c << 2), v128.bitselect(f32x4.splat(-Infinity), best, none));
        v128.store(argmax + out + (<usize>c << 2), where);
      }
      for (; c < ch; c++) {
        let best: f32 = -Infinity, where = -1;
        for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) {
          const yy = oy * stride + i - padTop, xx = ox * stride + j - padLeft;
          if (yy < 0 || yy >= height || xx < 0 || xx >= width) continue;
          const idx = ((b * height + yy) * width + xx) * ch + c, v = load<f32>(x + (<usize>idx << 2));
          if (where < 0 || v > best || (v != v && best == best)) { best = v; where = idx; }
        }
        store<f32>(y + out + (<usize>c << 2), best);
        store<i32>(argmax + out + (<usize>c << 2), where);
      }
    }
  }
}

/** dx (xSize floats) zeroed, then dx[argmax[i]] += dy[i] in order i = 0..count-1, as the
 *  reference: each sum rounds to f32 in the same order, so overlapping windows agree exactly. An
 *  index outside dx (-1: a window wholly in the padding) adds nothing, as on the reference's array. */
export function maxPool2dBackward(dy: usize, argmax: usize, count: i32, dx: usize, xSize: i32): void {
  memory.fill(dx, 0, <usize>xSize << 2);
  for (let i = 0; i < count; i++) {
    const a = load<i32>(argmax + (<usize>i << 2));
    if (<u32>a >= <u32>xSize) continue;
    const at = dx + (<usize>a << 2);
    store<f32>(at, load<f32>(at) + load<f32>(dy + (<usize>i << 2)));
  }
}
