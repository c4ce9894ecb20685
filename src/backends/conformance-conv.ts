import { close, floats, random, same, zeros, type Check } from './conformance-harness.js';
import type { ConvGeometry, KernelName } from './kernels.js';
import { referenceKernels as ref } from './reference/index.js';

// Conformance checks of the convolution and pooling kernels: im2col and its packed-sign twin
// exact, col2im and the pooling gradient (sums of overlapping windows) within 1e-6.

/** A window's geometry, padded as 'same' (TensorFlow's split) or 'valid'. */
export function geometry(batch: number, height: number, width: number, channels: number, kh: number, kw: number, stride: number, same: boolean): ConvGeometry {
  const along = (size: number, k: number): [number, number] => {
    if (!same) return [Math.floor((size - k) / stride) + 1, 0];
    const out = Math.ceil(size / stride);
    return [out, Math.floor(Math.max((out - 1) * stride + k - size, 0) / 2)];
  };
  const [outH, padTop] = along(height, kh), [outW, padLeft] = along(width, kw);
  return { batch, height, width, channels, kh, kw, stride, padTop, padLeft, outH, outW };
}

/** Odd sizes, stride 2, same and valid, channels around a word (1, 3, 31, 33, 64), 1×1 and
 *  non-square windows, an empty batch, and a CNV-sized layer. */
export const GEOMETRIES: ConvGeometry[] = [
  geometry(1, 1, 1, 1, 1, 1, 1, false), geometry(2, 5, 7, 3, 3, 3, 1, true), geometry(2, 5, 7, 3, 3, 3, 1, false),
  geometry(3, 7, 5, 33, 3, 3, 2, true), geometry(1, 9, 9, 31, 3, 2, 2, false), geometry(2, 6, 6, 1, 1, 1, 2, true),
  geometry(0, 4, 4, 8, 3, 3, 1, true), geometry(1, 4, 4, 64, 4, 4, 1, true), geometry(2, 12, 12, 64, 3, 3, 1, false),
];
/** Pooling windows inside the image: 2×2 stride 2 on odd sizes, overlapping 3×3 stride 2. */
export const POOLS: ConvGeometry[] = [
  geometry(1, 1, 1, 1, 1, 1, 1, false), geometry(2, 5, 7, 3, 2, 2, 2, false), geometry(3, 6, 6, 33, 3, 3, 2, false),
  geometry(0, 4, 4, 8, 2, 2, 2, false), geometry(2, 8, 8, 64, 2, 2, 2, false),
];
const cols = (g: ConvGeometry): number => g.batch * g.outH * g.outW * g.kh * g.kw * g.channels;
const inputs = (g: ConvGeometry): number => g.batch * g.height * g.width * g.channels;
const label = (what: string, seed: number, g: ConvGeometry): string =>
  `${what} seed ${seed} x [${g.batch},${g.height},${g.width},${g.channels}] window ${g.kh}×${g.kw} stride ${g.stride} pad ${g.padTop},${g.padLeft}`;

export const convChecks: Pick<Record<KernelName, Check>, 'im2col' | 'col2im' | 'im2colPackSigns' | 'maxPool2d' | 'maxPool2dBackward'> = {
  async im2col(h) {
    for (const [i, g] of GEOMETRIES.entries()) for (const padValue of [0, 1]) {
      const seed = 5000 + i, x = floats(random(seed), inputs(g), true);
      const { got, want } = await h.run([x, new Float32Array(cols(g)).fill(7)], (k, x, out) => k.im2col(x, g, padValue, out));
      close(got[1], want[1], 0, `${label('im2col', seed, g)} padValue ${padValue}`);
    }
  },
  async col2im(h) {
    for (const [i, g] of GEOMETRIES.entries()) {
      const seed = 5100 + i, c = floats(random(seed), cols(g));
      const { got, want } = await h.run([c, new Float32Array(inputs(g)).fill(7)], (k, c, dx) => k.col2im(c, g, dx));
      close(got[1], want[1], 1e-6, label('col2im', seed, g));
    }
  },
  async im2colPackSigns(h) {
    for (const [i, g] of GEOMETRIES.entries()) {
      const seed = 5200 + i, x = floats(random(seed), inputs(g), true), k = g.kh * g.kw * g.channels;
      const rows = g.batch * g.outH * g.outW, words = Math.ceil(k / 32);
      const { got, want } = await h.run([x, new Uint32Array(rows * words).fill(0xdeadbeef)], (kk, x, out) => kk.im2colPackSigns(x, g, out));
      same(got[1], want[1], label('im2colPackSigns', seed, g));
    }
  },
  async maxPool2d(h) {
    for (const [i, g] of POOLS.entries()) {
      // a few levels, so windows hold ties (the first maximum wins)
      const seed = 5300 + i, rng = random(seed), x = Float32Array.from({ length: inputs(g) }, () => Math.floor(rng() * 4) - 2);
      const outs = g.batch * g.outH * g.outW * g.channels;
      const { got, want } = await h.run([x, zeros('f32', outs), zeros('i32', outs)], (k, x, y, arg) => k.maxPool2d(x, g, y, arg));
      close(got[1], want[1], 0, label('maxPool2d values', seed, g));
      same(got[2], want[2], label('maxPool2d argmax', seed, g));
    }
  },
  async maxPool2dBackward(h) {
    for (const [i, g] of POOLS.entries()) {
      const seed = 5400 + i, rng = random(seed), outs = g.batch * g.outH * g.outW * g.channels;
      const x = floats(rng, inputs(g)), argmax = new Int32Array(outs);
      ref.maxPool2d(x, g, new Float32Array(outs), argmax);
      const { got, want } = await h.run([floats(rng, outs), argmax, new Float32Array(inputs(g)).fill(7)],
        (k, dy, arg, dx) => k.maxPool2dBackward(dy, arg, outs, dx, inputs(g)));
      close(got[2], want[2], 1e-6, label('maxPool2dBackward', seed, g));
    }
  },
};
