import { close, floats, logQuantized, packedRows, random, rowsOfDensity, same, type Check } from './conformance-harness.js';
import type { KernelName } from './kernels.js';
import { referenceKernels as ref } from './reference/index.js';
import { packSignNibbles } from './reference/pixel-sign-nibbles.js';
import { packSlices } from './reference/xnor-gemm-sliced.js';
import { packThresholdSlices } from './reference/xnor-threshold-sliced.js';

// Conformance checks of the products and packing kernels (bits and integers exact, float
// products within the tolerance beside each).

const KS = [1, 31, 32, 33, 63, 65, 1000];
/** [m, n, k]: one row, one column, empties, odd sizes, and a few large enough to use threads. */
const GEMM_SHAPES: [number, number, number][] = [
  [1, 1, 1], [1, 7, 33], [5, 1, 31], [0, 4, 8], [4, 0, 8], [3, 5, 0], [9, 13, 65], [17, 19, 257],
  [70, 90, 300], [1, 300, 1000], [33, 130, 520], [101, 257, 130], [10, 2048, 64], [3, 100, 1],
];
const XNOR_SHAPES: [number, number, number][] = [
  ...KS.flatMap((k): [number, number, number][] => [[1, 1, k], [3, 5, k], [7, 9, k]]),
  [0, 5, 64], [5, 0, 64], [1, 4096, 4096], [50, 60, 1000], [67, 133, 2049],
];
/** [m, n, k] around the 128-column slices and the 8-row blocks of the sliced kernels. */
const SLICED_SHAPES: [number, number, number][] = [
  [2, 127, 100], [3, 128, 7], [4, 129, 8], [5, 255, 9], [6, 256, 15], [9, 300, 17], [1, 2048, 2048], [40, 130, 2049], [13, 384, 4100],
];
/** [m, n, k] for bytes × ±1: k around 16-byte vectors and words, MNIST's 784, a k past the
 *  2048 bytes an int16 lane may sum before it is flushed, odd row and column counts around the
 *  micro-kernels' 4 × 2 and 1 × 4 tiles, empties, and sizes big enough to use threads. */
const PIXEL_SHAPES: [number, number, number][] = [
  ...[1, 15, 16, 17, 31, 33, 784, 1000].flatMap((k): [number, number, number][] => [[1, 1, k], [3, 5, k], [9, 7, k]]),
  [0, 5, 784], [5, 0, 784], [4, 3, 0], [2, 9, 4099], [5, 6, 4099], [6, 3, 2064], [1, 2048, 784], [100, 300, 784], [37, 130, 1000],
];

/** Dense bytes, all 255 (with every weight −1: the widest sums), or mostly 0 (whole groups of 4
 *  zero, as in a digit's background), by shape index. */
function pixels(rng: () => number, i: number, m: number, n: number, k: number): [Uint8Array, Uint32Array, string] {
  const full = i % 3 === 2, sparse = i % 3 === 1;
  const x = Uint8Array.from({ length: m * k }, () => (full ? 255 : rng() < (sparse ? 0.85 : 0.3) ? 0 : Math.floor(rng() * 256)));
  return [x, full ? packedRows(() => 1 - 2 ** -33, n, k) : packedRows(rng, n, k), full ? ' (255 × −1)' : ''];
}

export const productChecks: Pick<Record<KernelName, Check>, 'xnorGemm' | 'xnorGemmSliced' | 'xnorThresholdSliced' | 'gemm'
  | 'gemmSignB' | 'packRows' | 'packCols' | 'packLogPlanes' | 'bitSerialLogGemm' | 'pixelSignGemm' | 'thresholdPack' | 'pixelSignGemmNibbles'> = {
  async xnorGemm(h) {
    for (const [i, [m, n, depth]] of XNOR_SHAPES.entries()) {
      const seed = 100 + i, rng = random(seed);
      const { got, want } = await h.run([packedRows(rng, m, depth), packedRows(rng, n, depth), new Int32Array(m * n).fill(7)],
        (k, a, b, c) => k.xnorGemm(a, b, c, m, n, depth));
      same(got[2], want[2], `xnorGemm seed ${seed} m=${m} n=${n} k=${depth}`);
    }
  },
  async xnorGemmSliced(h) {
    // rows of A mostly 1, mostly 0 or even, so both counting modes (ones or zeros listed) and
    // every remainder of the 8-row blocks occur; n around the 128-column slices
    for (const [i, [m, n, depth]] of [...XNOR_SHAPES, ...SLICED_SHAPES].entries()) {
      const seed = 3000 + i, rng = random(seed), density = [0.5, 0.9, 0.1, 1, 0][i % 5]!;
      const a = rowsOfDensity(rng, density, m, depth), b = packedRows(rng, n, depth), want = new Int32Array(m * n);
      const got = await h.onBackend([a, packSlices(b, n, depth), new Int32Array(m * n).fill(7)],
        (k, a, t, c) => k.xnorGemmSliced(a, t, c, m, n, depth));
      ref.xnorGemm(a, b, want, m, n, depth); // the packed-row kernel is the oracle
      same(got[2], want, `xnorGemmSliced seed ${seed} m=${m} n=${n} k=${depth} density ${density}`);
    }
  },
  async xnorThresholdSliced(h) {
    for (const [i, [m, n, depth]] of [...XNOR_SHAPES, ...SLICED_SHAPES].entries()) {
      const seed = 3500 + i, rng = random(seed), density = [0.5, 0.9, 0.1, 1, 0][i % 5]!;
      const a = rowsOfDensity(rng, density, m, depth), b = packedRows(rng, n, depth), words = Math.ceil(n / 32);
      // thresholds around the products' range [−k, k], and the extremes (never / always)
      const lim = Int32Array.from({ length: n }, () => {
        const r = rng();
        return r < 0.05 ? 0x7fffffff : r < 0.1 ? -0x80000000 : Math.round((rng() * 2.2 - 1.1) * depth);
      });
      const flip = packedRows(rng, 1, n), t = packSlices(b, n, depth);
      const got = await h.onBackend([a, t, packThresholdSlices(t, lim, n, depth), flip, new Uint32Array(m * words).fill(0xdeadbeef)],
        (k, a, t, th, flip, out) => k.xnorThresholdSliced(a, t, th, flip, out, m, n, depth));
      const want = new Uint32Array(m * words), c = new Int32Array(m * n);
      ref.xnorGemm(a, b, c, m, n, depth); // the packed-row product and thresholdPack are the oracle
      ref.thresholdPack(c, m, n, null, 1, lim, flip, want);
      same(got[4], want, `xnorThresholdSliced seed ${seed} m=${m} n=${n} k=${depth} density ${density}`);
    }
  },
  async gemm(h) {
    let seed = 200;
    for (const [m, n, depth] of GEMM_SHAPES) for (const transA of [false, true]) for (const transB of [false, true]) {
      for (const accumulate of [false, true]) {
        const rng = random(++seed);
        const { got, want } = await h.run([floats(rng, m * depth), floats(rng, depth * n), floats(rng, m * n)],
          (k, a, b, c) => k.gemm(a, b, c, m, n, depth, transA, transB, accumulate));
        // float32 sums of k products of values in [-1, 1] against a float64 oracle
        close(got[2], want[2], 1e-5 * (depth + 1), `gemm seed ${seed} m=${m} n=${n} k=${depth} transA=${transA} transB=${transB} accumulate=${accumulate}`);
      }
    }
  },
  async gemmSignB(h) {
    let seed = 300;
    for (const [m, n, depth] of GEMM_SHAPES) for (const accumulate of [false, true]) for (const transA of [false, true]) {
      const rng = random(++seed);
      const { got, want } = await h.run([floats(rng, m * depth), packedRows(rng, n, depth), floats(rng, m * n)],
        (k, a, s, c) => k.gemmSignB(a, s, c, m, n, depth, accumulate, transA));
      close(got[2], want[2], 1e-5 * (depth + 1), `gemmSignB seed ${seed} m=${m} n=${n} k=${depth} accumulate=${accumulate} transA=${transA}`);
    }
  },
  async packRows(h) {
    for (const [i, depth] of [...KS, 0, 4096].entries()) for (const rows of [0, 1, 3, 17]) {
      const seed = 400 + i * 10 + rows, words = Math.ceil(depth / 32);
      const { got, want } = await h.run([floats(random(seed), rows * depth, true), new Uint32Array(rows * words).fill(0xdeadbeef)],
        (k, x, out) => k.packRows(x, out, rows, depth));
      same(got[1], want[1], `packRows seed ${seed} rows=${rows} k=${depth}`);
    }
  },
  async packCols(h) {
    for (const [i, depth] of [...KS, 0].entries()) for (const n of [0, 1, 3, 4, 9, 130]) {
      const seed = 500 + i * 10 + n, words = Math.ceil(depth / 32);
      const { got, want } = await h.run([floats(random(seed), depth * n, true), new Uint32Array(n * words).fill(0xdeadbeef)],
        (k, x, out) => k.packCols(x, out, depth, n));
      same(got[1], want[1], `packCols seed ${seed} k=${depth} n=${n}`);
    }
  },
  async packLogPlanes(h) {
    for (const [i, [rows, depth]] of ([[1, 1], [3, 31], [2, 33], [5, 100], [0, 8], [4, 0], [2, 1029]] as [number, number][]).entries()) {
      const seed = 1600 + i, words = Math.ceil(depth / 32);
      const { got, want } = await h.run([logQuantized(random(seed), rows * depth, -20, 31), Int32Array.of(-20, 10),
        new Uint32Array(rows * words).fill(0xdeadbeef), new Uint32Array(rows * 31 * words).fill(0xdeadbeef)],
      (k, x, scale, sign, planes) => k.packLogPlanes(x, rows, depth, scale, 31, sign, planes));
      same(got[2], want[2], `packLogPlanes sign seed ${seed} rows=${rows} k=${depth}`);
      same(got[3], want[3], `packLogPlanes planes seed ${seed} rows=${rows} k=${depth}`);
    }
  },
  async bitSerialLogGemm(h) {
    for (const [i, [m, n, depth]] of XNOR_SHAPES.entries()) {
      if (m * n * depth > 5e6) continue; // 31 planes: the largest shapes add time, not coverage
      const seed = 1700 + i, rng = random(seed), words = Math.ceil(depth / 32), scale = Int32Array.of(-12, 18);
      const sign = new Uint32Array(m * words), planes = new Uint32Array(m * 31 * words);
      ref.packLogPlanes(logQuantized(rng, m * depth, -12, 31), m, depth, scale, 31, sign, planes);
      const { got, want } = await h.run([sign, planes, scale, packedRows(rng, n, depth), new Float32Array(m * n).fill(NaN)],
        (k, sign, planes, scale, s, c) => k.bitSerialLogGemm(sign, planes, 31, scale, s, c, m, n, depth));
      close(got[4], want[4], 0, `bitSerialLogGemm seed ${seed} m=${m} n=${n} k=${depth}`); // exact: see kernels.ts
    }
  },
  async pixelSignGemm(h) {
    for (const [i, [m, n, depth]] of PIXEL_SHAPES.entries()) {
      const seed = 1900 + i, [x, s, what] = pixels(random(seed), i, m, n, depth);
      const { got, want } = await h.run([x, s, new Int32Array(m * n).fill(7)], (k, x, s, c) => k.pixelSignGemm(x, s, c, m, n, depth));
      same(got[2], want[2], `pixelSignGemm seed ${seed} m=${m} n=${n} k=${depth}${what}`);
    }
  },
  async pixelSignGemmNibbles(h) {
    for (const [i, [m, n, depth]] of PIXEL_SHAPES.entries()) {
      const seed = 2000 + i, [x, s, what] = pixels(random(seed), i, m, n, depth), want = new Int32Array(m * n);
      const got = await h.onBackend([x, packSignNibbles(s, n, depth), new Int32Array(m * n).fill(7)],
        (k, x, t, c) => k.pixelSignGemmNibbles(x, t, c, m, n, depth));
      ref.pixelSignGemm(x, s, want, m, n, depth); // the packed-row kernel is the oracle
      same(got[2], want, `pixelSignGemmNibbles seed ${seed} m=${m} n=${n} k=${depth}${what}`);
    }
  },
  async thresholdPack(h) {
    let seed = 2100;
    for (const rows of [0, 1, 3, 100]) for (const n of [1, 31, 32, 33, 100, 2048]) for (const affine of [false, true]) {
      const rng = random(++seed);
      const int = (span: number) => Math.floor((rng() * 2 - 1) * span);
      const c = Int32Array.from({ length: rows * n }, () => int(1000));
      const base = Int32Array.from({ length: n }, () => int(100_000)), scale = affine ? -2 : 1;
      const lim = Int32Array.from({ length: n }, () => (rng() < 0.05 ? [-(2 ** 31), 2 ** 31 - 1][Math.floor(rng() * 2)]! : int(affine ? 100_000 : 1000)));
      const { got, want } = await h.run([c, base, lim, packedRows(rng, 1, n), new Uint32Array(rows * Math.ceil(n / 32)).fill(0xdeadbeef)],
        (k, c, base, lim, flip, out) => k.thresholdPack(c, rows, n, affine ? base : null, scale, lim, flip, out));
      same(got[4], want[4], `thresholdPack seed ${seed} rows=${rows} n=${n} affine=${affine}`);
    }
  },
};
