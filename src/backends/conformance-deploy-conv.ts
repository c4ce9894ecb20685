import { random, same, type Check } from './conformance-harness.js';
import { geometry, GEOMETRIES, POOLS } from './conformance-conv.js';
import type { ConvGeometry, KernelName } from './kernels.js';
import { referenceKernels as ref } from './reference/index.js';

// Conformance checks of the packed-convolution kernels of the engine: all exact.

const pixels = (g: ConvGeometry): number => g.batch * g.height * g.width;
const label = (what: string, seed: number, g: ConvGeometry): string =>
  `${what} seed ${seed} x [${g.batch},${g.height},${g.width},${g.channels}] window ${g.kh}×${g.kw} stride ${g.stride} pad ${g.padTop},${g.padLeft}`;
/** The conv windows, and Flatten's whole-image window on channels that are not a word. */
// the last is big enough for a multi-threaded backend to split its rows, mid-image and mid-row
const WINDOWS = [...GEOMETRIES, geometry(3, 3, 5, 33, 3, 5, 1, false), geometry(2, 2, 2, 70, 2, 2, 1, false), geometry(5, 30, 26, 64, 3, 3, 1, true)];

/** Packed ±1 rows of `channels` bits per pixel, tail bits 0 (as thresholdPack writes them). */
export function packedPixels(seed: number, count: number, channels: number): Uint32Array {
  const rng = random(seed), x = Float32Array.from({ length: count * channels }, () => rng() - 0.5);
  const out = new Uint32Array(count * Math.ceil(channels / 32));
  ref.packRows(x, out, count, channels);
  return out;
}

/** convThreshold's cases: whole-word pixels without padding (a backend may read the rows in place:
 *  stride 2, a 2×3 window, a partial last slice of rows, many rows split across threads), and
 *  padding, odd channels and no images (read through im2col rows); n around a word and past 128. */
const CONV_THRESHOLDS: [ConvGeometry, number][] = [
  [geometry(5, 30, 26, 64, 3, 3, 1, false), 64], [geometry(2, 12, 12, 64, 3, 3, 1, false), 40], [geometry(4, 17, 15, 32, 3, 3, 2, false), 33],
  [geometry(1, 20, 19, 96, 2, 3, 1, false), 31], [geometry(3, 12, 12, 128, 3, 3, 1, false), 130], [geometry(1, 6, 6, 64, 3, 3, 1, false), 8],
  [geometry(2, 12, 12, 64, 3, 3, 1, true), 64], [geometry(3, 7, 5, 33, 3, 3, 2, true), 20], [geometry(0, 4, 4, 64, 3, 3, 1, false), 16],
];

export const deployConvChecks: Pick<Record<KernelName, Check>, 'im2colBits' | 'im2colBytes' | 'maxPoolInt' | 'poolBits' | 'pixelPairs' | 'convThreshold' | 'pixelConvThreshold'> = {
  async im2colBits(h) {
    for (const [i, g] of WINDOWS.entries()) {
      const seed = 5600 + i, rows = g.batch * g.outH * g.outW, words = Math.ceil(g.kh * g.kw * g.channels / 32);
      const { got, want } = await h.run([packedPixels(seed, pixels(g), g.channels), new Uint32Array(rows * words).fill(0xdeadbeef)],
        (k, x, out) => k.im2colBits(x, g, out));
      same(got[1], want[1], label('im2colBits', seed, g));
    }
  },
  async im2colBytes(h) {
    for (const [i, g] of WINDOWS.entries()) for (const padValue of [0, 255]) {
      const seed = 5700 + i, rng = random(seed), x = Uint8Array.from({ length: pixels(g) * g.channels }, () => Math.floor(rng() * 256));
      const { got, want } = await h.run([x, new Uint8Array(g.batch * g.outH * g.outW * g.kh * g.kw * g.channels).fill(7)],
        (k, x, out) => k.im2colBytes(x, g, padValue, out));
      same(Int32Array.from(got[1]), Int32Array.from(want[1]), `${label('im2colBytes', seed, g)} padValue ${padValue}`);
    }
  },
  async maxPoolInt(h) {
    for (const [i, g] of [...POOLS, ...GEOMETRIES].entries()) {
      // few distinct values (ties), and the int32 extremes
      const seed = 5800 + i, rng = random(seed), levels = [-0x80000000, -3, 0, 2, 0x7fffffff];
      const x = Int32Array.from({ length: pixels(g) * g.channels }, () => levels[Math.floor(rng() * levels.length)]!);
      const { got, want } = await h.run([x, new Int32Array(g.batch * g.outH * g.outW * g.channels).fill(7)], (k, x, y) => k.maxPoolInt(x, g, y));
      same(got[1], want[1], label('maxPoolInt', seed, g));
    }
  },
  async poolBits(h) {
    for (const [i, g] of [...POOLS, ...GEOMETRIES].entries()) {
      // mostly set bits (a window's AND is then often 1), flips on some units
      const seed = 5850 + i, rng = random(seed), words = Math.ceil(g.channels / 32);
      const x = packedPixels(seed, pixels(g), g.channels).map((v, j) => (j % 3 === 0 ? v : v | (rng() < 0.5 ? 0xffff0000 : 0x0000ffff)));
      const tail = (w: number): number => (w === words - 1 && g.channels % 32 !== 0 ? (2 ** (g.channels % 32)) - 1 : 0xffffffff);
      for (let j = 0; j < x.length; j++) x[j] = (x[j]! & tail(j % words)) >>> 0;
      const flip = Uint32Array.from({ length: words }, (_, w) => (Math.floor(rng() * 2 ** 32) & tail(w)) >>> 0);
      const { got, want } = await h.run([x, flip, new Uint32Array(g.batch * g.outH * g.outW * words).fill(0xdeadbeef)],
        (k, x, flip, y) => k.poolBits(x, g, flip, y));
      same(got[2], want[2], label('poolBits', seed, g));
    }
  },
  async pixelPairs(h) {
    for (const [pixels, channels] of [[1, 1], [5, 3], [7, 33], [64, 3]] as const) {
      const seed = 5900 + pixels, rng = random(seed), x = Uint8Array.from({ length: pixels * channels }, () => Math.floor(rng() * 256));
      x[0] = 0; x[x.length - 1] = 255;
      const { got, want } = await h.run([x, new Uint8Array(2 * pixels * channels).fill(7)], (k, x, out) => k.pixelPairs(x, pixels, channels, out));
      same(Int32Array.from(got[1]), Int32Array.from(want[1]), `pixelPairs seed ${seed} ${pixels} pixels of ${channels} channels`);
    }
  },
  async convThreshold(h) {
    for (const [i, [g, n]] of CONV_THRESHOLDS.entries()) {
      const seed = 5950 + i, rng = random(seed), k = g.kh * g.kw * g.channels, rows = g.batch * g.outH * g.outW;
      const weights = packedPixels(seed + 1, n, k), words = Math.ceil(n / 32);
      // thresholds over the whole range of a product, a few past it; flips on some units
      const lim = Int32Array.from({ length: n }, () => Math.round((rng() - 0.5) * 2.4 * k));
      const flip = Uint32Array.from({ length: words }, (_, w) => (Math.floor(rng() * 2 ** 32) & (w === words - 1 && n % 32 !== 0 ? (2 ** (n % 32)) - 1 : 0xffffffff)) >>> 0);
      const { got, want } = await h.run([packedPixels(seed, pixels(g), g.channels), weights, lim, flip,
        new Uint32Array(rows * Math.ceil(k / 32)), new Uint32Array(rows * words).fill(0xdeadbeef)],
      (kk, x, b, lim, flip, cols, out) => {
        const w = kk.prepareBinaryWeights(b, n, k), t = kk.prepareBinaryThreshold(w, lim, flip);
        kk.convThreshold(x, g, t, cols, out);
        kk.freePrepared(t); kk.freePrepared(w);
      });
      same(got[5], want[5], `${label('convThreshold', seed, g)} n ${n}`);
    }
  },
  async pixelConvThreshold(h) {
    // CNV's first layer (valid, n 64), a padded one on pixel pairs' 6 channels (n 128), stride 2
    // with odd sizes, n 16 and 48 (half words), n 20 (not a multiple of 16), no images; dense
    // photos, and one mostly-background batch (a backend may take another kernel for those); the
    // engine's scales −1 and −2, and one whose 2·scale does not fit 16 bits (the products wrap)
    const cases: [ConvGeometry, number, number, boolean, number?][] = [
      [geometry(3, 32, 32, 3, 3, 3, 1, false), 64, 0, false], [geometry(2, 12, 11, 6, 3, 3, 1, true), 128, 0, false],
      [geometry(3, 9, 13, 3, 3, 3, 2, true), 16, 255, false], [geometry(2, 10, 10, 5, 2, 3, 1, true), 48, 7, false],
      [geometry(2, 8, 8, 3, 3, 3, 1, false), 20, 0, false], [geometry(0, 8, 8, 3, 3, 3, 1, false), 32, 0, false],
      [geometry(2, 14, 14, 1, 3, 3, 1, true), 32, 0, true], [geometry(2, 9, 10, 3, 3, 3, 1, false), 32, 0, false, 70001],
    ];
    for (const [i, [g, n, padValue, background, wide]] of cases.entries()) {
      const seed = 5980 + i, rng = random(seed), k = g.kh * g.kw * g.channels, rows = g.batch * g.outH * g.outW, words = Math.ceil(n / 32);
      const x = Uint8Array.from({ length: pixels(g) * g.channels }, () => (background && rng() < 0.85 ? 0 : Math.floor(rng() * 256)));
      const span = 255 * k, scale = wide ?? (i % 2 === 0 ? -2 : -1);
      const base = Int32Array.from({ length: n }, () => Math.round((rng() - 0.5) * span));
      const lim = Int32Array.from({ length: n }, () => Math.round((rng() - 0.5) * span));
      const flip = Uint32Array.from({ length: words }, (_, w) => (Math.floor(rng() * 2 ** 32) & (w === words - 1 && n % 32 !== 0 ? (2 ** (n % 32)) - 1 : 0xffffffff)) >>> 0);
      const { got, want } = await h.run([x, packedPixels(seed + 1, n, k), base, lim, flip, new Uint8Array(rows * k),
        new Uint32Array(rows * words).fill(0xdeadbeef)],
      (kk, x, s, base, lim, flip, bytes, out) => {
        const w = kk.preparePixelWeights(s, n, k), t = kk.preparePixelThreshold(w, base, scale, lim, flip);
        kk.pixelConvThreshold(x, g, padValue, t, bytes, out);
        kk.freePrepared(t); kk.freePrepared(w);
      });
      same(got[6], want[6], `${label('pixelConvThreshold', seed, g)} n ${n} padValue ${padValue} scale ${scale}${background ? ' (mostly background)' : ''}`);
    }
  },
};
