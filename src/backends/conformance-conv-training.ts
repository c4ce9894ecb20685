import { close, floats, packedRows, random, same, type Check } from './conformance-harness.js';
import type { ConvGeometry, KernelName } from './kernels.js';

// Conformance checks of the conv-training kernels: bit layouts and the binary forward (integer
// products) exact; the fused input gradient within a tolerance that grows with its sums (below).

/** Rows and columns around word boundaries (0, 1, 31, 32, 33, 65), and one matrix large enough
 *  to be split into many 32 × 32 blocks with ragged edges. */
const SIZES: [number, number][] = [[0, 5], [5, 0], [1, 1], [31, 33], [32, 32], [33, 31], [65, 1], [1, 65], [100, 70], [1029, 287]];

/** Valid and padded windows (padTop/padLeft set, outH/outW the padded count), stride 2, channels
 *  around a SIMD group (1, 3, 5, 33), n around a word (1, 31, 33, 64), and a CNV-like layer whose
 *  rows span several tiles and images. */
const FUSED: [ConvGeometry, number][] = [
  [{ batch: 1, height: 1, width: 1, channels: 1, kh: 1, kw: 1, stride: 1, padTop: 0, padLeft: 0, outH: 1, outW: 1 }, 1],
  [{ batch: 2, height: 5, width: 7, channels: 3, kh: 3, kw: 3, stride: 1, padTop: 1, padLeft: 1, outH: 5, outW: 7 }, 33],
  [{ batch: 3, height: 7, width: 5, channels: 33, kh: 3, kw: 2, stride: 2, padTop: 1, padLeft: 0, outH: 4, outW: 2 }, 31],
  [{ batch: 2, height: 6, width: 6, channels: 5, kh: 2, kw: 2, stride: 2, padTop: 0, padLeft: 0, outH: 3, outW: 3 }, 64],
  [{ batch: 0, height: 4, width: 4, channels: 8, kh: 3, kw: 3, stride: 1, padTop: 1, padLeft: 1, outH: 4, outW: 4 }, 8],
  [{ batch: 3, height: 12, width: 12, channels: 64, kh: 3, kw: 3, stride: 1, padTop: 0, padLeft: 0, outH: 10, outW: 10 }, 64],
];

export const convTrainingChecks: Pick<Record<KernelName, Check>, 'transposeBits' | 'conv2dSignBackwardInput' | 'conv2dBinaryForward'> = {
  async transposeBits(h) {
    for (const [i, [rows, cols]] of SIZES.entries()) {
      // every bit random, the tail bits of x's rows too: they must not reach out
      const seed = 7100 + i, rng = random(seed), inWords = Math.ceil(cols / 32), outWords = Math.ceil(rows / 32);
      const x = Uint32Array.from({ length: rows * inWords }, () => (rng() * 2 ** 32) >>> 0);
      const { got, want } = await h.run([x, new Uint32Array(cols * outWords).fill(0xdeadbeef)], (k, x, out) => k.transposeBits(x, rows, cols, out));
      same(got[1], want[1], `transposeBits seed ${seed} rows=${rows} cols=${cols}`);
    }
  },
  async conv2dSignBackwardInput(h) {
    for (const [i, [g, n]] of FUSED.entries()) {
      const seed = 7200 + i, rng = random(seed), k = g.kh * g.kw * g.channels, m = g.batch * g.outH * g.outW;
      const dxLength = g.batch * g.height * g.width * g.channels;
      const { got, want } = await h.run([floats(rng, m * n), packedRows(rng, k, n), new Float32Array(dxLength).fill(7)],
        (kk, dy, w, dx) => kk.conv2dSignBackwardInput(dy, w, n, g, dx));
      // float32 sums of n terms of |dy| <= 1 (the reference's in float64), then of at most kh·kw
      // such columns per element: error within about (n + 1)·kh·kw float32 roundings of the total
      close(got[2], want[2], 1e-6 * (n + 1) * g.kh * g.kw,
        `conv2dSignBackwardInput seed ${seed} n=${n} x [${g.batch},${g.height},${g.width},${g.channels}] window ${g.kh}×${g.kw} stride ${g.stride}`);
    }
  },
  async conv2dBinaryForward(h) {
    for (const [i, [g, n]] of FUSED.entries()) {
      // ±0 among x (sign +1), padding +1: both bit 0
      const seed = 7300 + i, rng = random(seed), k = g.kh * g.kw * g.channels, m = g.batch * g.outH * g.outW;
      const { got, want } = await h.run([floats(rng, g.batch * g.height * g.width * g.channels, true), packedRows(rng, n, k),
        new Uint32Array(m * Math.ceil(k / 32)).fill(0xdeadbeef), new Float32Array(m * n).fill(7)],
      (kk, x, w, cs, y) => kk.conv2dBinaryForward(x, w, n, g, cs, y));
      const context = `conv2dBinaryForward seed ${seed} n=${n} x [${g.batch},${g.height},${g.width},${g.channels}] window ${g.kh}×${g.kw} stride ${g.stride}`;
      same(got[2], want[2], `${context} colSigns`);
      close(got[3], want[3], 0, `${context} y`);
    }
  },
};
