import assert from 'node:assert/strict';
import { packSignNibbles } from './reference/pixel-sign-nibbles.js';
import { packSlices } from './reference/xnor-gemm-sliced.js';
import { packThresholdSlices } from './reference/xnor-threshold-sliced.js';
import { describe, test } from 'node:test';
import type { KernelName, Kernels } from './kernels.js';
import { referenceKernels as ref } from './reference/index.js';

/** Check every kernel of a backend against the reference on seeded random inputs of awkward
 *  sizes: k around word boundaries (1, 31, 32, 33, 63, 65, 1000), one row, empty products, and
 *  shapes big enough to be split across threads. Bit and integer kernels must match exactly;
 *  float kernels within the tolerance stated beside each. A failure names seed and shape.
 *  @example runConformance('webgpu', gpu, { skip: { bitSerialGemm: 'not in WGSL yet' } }) */
export function runConformance(name: string, kernels: Kernels,
  opts: { skip?: Partial<Record<KernelName, string>> } = {}): void {
  describe(`conformance: ${name} vs reference`, () => {
    for (const [kernel, check] of Object.entries(checks) as [KernelName, Check][]) {
      // an optional kernel the backend lacks is skipped: its ops use the reference one instead
      const skip = opts.skip?.[kernel] ?? (kernels[kernel] === undefined ? 'optional kernel absent from this backend (ops fall back to the reference)' : undefined);
      test(kernel, skip ? { skip } : {}, () => check(kernels));
    }
    test('in place: out is an input', () => inPlace(kernels));
  });
  if (!kernels.allocResident) return;
  // the same checks with the arrays in the backend's own memory: every array argument, then
  // every other one (resident and copied arrays mixed in one call)
  for (const [which, pick] of [['all', () => true], ['mixed', (i: number) => i % 2 === 1]] as const) {
    describe(`conformance: ${name} with resident arrays (${which}) vs reference`, () => {
      const resident = withResident(kernels, pick);
      for (const [kernel, check] of Object.entries(checks) as [KernelName, Check][]) {
        const skip = opts.skip?.[kernel] ?? (kernels[kernel] === undefined ? 'optional kernel absent from this backend' : undefined);
        test(kernel, skip ? { skip } : {}, () => check(resident));
      }
      test('in place: out is an input', () => inPlace(resident));
    });
  }
}

/** The kernels with each typed-array argument i where pick(i) copied into a resident array of
 *  the backend for the call (one copy per distinct array, so in-place calls stay in place) and
 *  copied back after it. */
function withResident(k: Kernels, pick: (i: number) => boolean): Kernels {
  return new Proxy(k, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver) as unknown;
      if (typeof value !== 'function' || key === 'allocResident' || key === 'freeResident') return value;
      return (...args: unknown[]) => {
        const copies = new Map<Words, Words>();
        let index = 0;
        const mapped = args.map((a) => {
          if (!(a instanceof Float32Array || a instanceof Uint32Array || a instanceof Int32Array) || !pick(index++)) return a;
          let copy = copies.get(a);
          if (!copy) {
            const kind = a instanceof Float32Array ? 'f32' : a instanceof Uint32Array ? 'u32' : 'i32';
            copy = k.allocResident!(kind, a.length);
            assert.ok(copy, `allocResident('${kind}', ${a.length}) gave no array`);
            copy.set(a);
            copies.set(a, copy);
          }
          return copy;
        });
        try {
          return (value as (...a: unknown[]) => unknown).apply(target, mapped);
        } finally {
          for (const [a, copy] of copies) { a.set(copy); k.freeResident!(copy); }
        }
      };
    },
  });
}

type Words = Float32Array | Uint32Array | Int32Array;

/** Elementwise kernels with the output array also an input (ops' backward rules do this). */
function inPlace(k: Kernels): void {
  for (const len of LENGTHS) {
    const seed = 1800 + len, rng = random(seed);
    const x = floats(rng, len, true).map((v) => 1.5 * v), dy = floats(rng, len);
    const want = new Float32Array(len);
    ref.passInside(dy, x, want, -1, 1);
    const got = dy.slice();
    k.passInside(got, x, got, -1, 1);
    close(got, want, 0, `passInside dy === dx seed ${seed} length=${len}`);
    for (const [what, run] of [['sign', (kk: Kernels, a: Float32Array, o: Float32Array) => kk.sign(a, o)],
      ['clamp', (kk: Kernels, a: Float32Array, o: Float32Array) => kk.clamp(a, o, -0.5, 0.75)]] as const) {
      const wantOut = new Float32Array(len), same = x.slice();
      run(ref, x, wantOut);
      run(k, same, same);
      close(same, wantOut, 0, `${what} x === out seed ${seed} length=${len}`);
    }
  }
}

type Check = (k: Kernels) => void;

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

/** [m, n, k] for bytes × ±1: k around 16-byte vectors and words, MNIST's 784, a k past the
 *  2048 bytes an int16 lane may sum before it is flushed, odd row and column counts around the
 *  micro-kernels' 4 × 2 and 1 × 4 tiles, empties, and sizes big enough to use threads. */
const SLICED_SHAPES: [number, number, number][] = [
  [2, 127, 100], [3, 128, 7], [4, 129, 8], [5, 255, 9], [6, 256, 15], [9, 300, 17], [1, 2048, 2048], [40, 130, 2049], [13, 384, 4100],
];
const PIXEL_SHAPES: [number, number, number][] = [
  ...[1, 15, 16, 17, 31, 33, 784, 1000].flatMap((k): [number, number, number][] => [[1, 1, k], [3, 5, k], [9, 7, k]]),
  [0, 5, 784], [5, 0, 784], [4, 3, 0], [2, 9, 4099], [5, 6, 4099], [6, 3, 2064], [1, 2048, 784], [100, 300, 784], [37, 130, 1000],
];

const checks: Record<KernelName, Check> = {
  xnorGemm(k) {
    for (const [i, [m, n, depth]] of XNOR_SHAPES.entries()) {
      const seed = 100 + i, rng = random(seed);
      const a = packedRows(rng, m, depth), b = packedRows(rng, n, depth);
      const got = new Int32Array(m * n).fill(7), want = new Int32Array(m * n);
      k.xnorGemm(a, b, got, m, n, depth);
      ref.xnorGemm(a, b, want, m, n, depth);
      same(got, want, `xnorGemm seed ${seed} m=${m} n=${n} k=${depth}`);
    }
  },
  xnorGemmSliced(k) {
    // rows of A mostly 1, mostly 0 or even, so both counting modes (ones or zeros listed) and
    // every remainder of the 8-row blocks occur; n around the 128-column slices
    for (const [i, [m, n, depth]] of [...XNOR_SHAPES, ...SLICED_SHAPES].entries()) {
      const seed = 3000 + i, rng = random(seed), density = [0.5, 0.9, 0.1, 1, 0][i % 5]!;
      const a = rowsOfDensity(rng, density, m, depth), b = packedRows(rng, n, depth);
      const got = new Int32Array(m * n).fill(7), want = new Int32Array(m * n);
      k.xnorGemmSliced!(a, packSlices(b, n, depth), got, m, n, depth);
      ref.xnorGemm(a, b, want, m, n, depth); // the packed-row kernel is the oracle
      same(got, want, `xnorGemmSliced seed ${seed} m=${m} n=${n} k=${depth} density ${density}`);
    }
  },
  xnorThresholdSliced(k) {
    for (const [i, [m, n, depth]] of [...XNOR_SHAPES, ...SLICED_SHAPES].entries()) {
      const seed = 3500 + i, rng = random(seed), density = [0.5, 0.9, 0.1, 1, 0][i % 5]!;
      const a = rowsOfDensity(rng, density, m, depth), b = packedRows(rng, n, depth), words = Math.ceil(n / 32);
      // thresholds around the products' range [−k, k], and the extremes (never / always)
      const lim = Int32Array.from({ length: n }, () => {
        const r = rng();
        return r < 0.05 ? 0x7fffffff : r < 0.1 ? -0x80000000 : Math.round((rng() * 2.2 - 1.1) * depth);
      });
      const flip = packedRows(rng, 1, n), t = packSlices(b, n, depth);
      const got = new Uint32Array(m * words).fill(0xdeadbeef), want = new Uint32Array(m * words), c = new Int32Array(m * n);
      k.xnorThresholdSliced!(a, t, packThresholdSlices(t, lim, n, depth), flip, got, m, n, depth);
      ref.xnorGemm(a, b, c, m, n, depth); // the packed-row product and thresholdPack are the oracle
      ref.thresholdPack!(c, m, n, null, 1, lim, flip, want);
      same(got, want, `xnorThresholdSliced seed ${seed} m=${m} n=${n} k=${depth} density ${density}`);
    }
  },
  gemm(k) {
    let seed = 200;
    for (const [m, n, depth] of GEMM_SHAPES) for (const transA of [false, true]) for (const transB of [false, true]) {
      for (const accumulate of [false, true]) {
        const rng = random(++seed);
        const a = floats(rng, m * depth), b = floats(rng, depth * n), c = floats(rng, m * n);
        const got = c.slice(), want = c.slice();
        k.gemm(a, b, got, m, n, depth, transA, transB, accumulate);
        ref.gemm(a, b, want, m, n, depth, transA, transB, accumulate);
        // float32 sums of k products of values in [-1, 1] against a float64 oracle
        close(got, want, 1e-5 * (depth + 1), `gemm seed ${seed} m=${m} n=${n} k=${depth} transA=${transA} transB=${transB} accumulate=${accumulate}`);
      }
    }
  },
  gemmSignB(k) {
    let seed = 300;
    for (const [m, n, depth] of GEMM_SHAPES) for (const accumulate of [false, true]) for (const transA of [false, true]) {
      const rng = random(++seed);
      const a = floats(rng, m * depth), s = packedRows(rng, n, depth), c = floats(rng, m * n);
      const got = c.slice(), want = c.slice();
      k.gemmSignB(a, s, got, m, n, depth, accumulate, transA);
      ref.gemmSignB(a, s, want, m, n, depth, accumulate, transA);
      close(got, want, 1e-5 * (depth + 1), `gemmSignB seed ${seed} m=${m} n=${n} k=${depth} accumulate=${accumulate} transA=${transA}`);
    }
  },
  packRows(k) {
    for (const [i, depth] of [...KS, 0, 4096].entries()) for (const rows of [0, 1, 3, 17]) {
      const seed = 400 + i * 10 + rows, x = floats(random(seed), rows * depth, true);
      const words = Math.ceil(depth / 32);
      const got = new Uint32Array(rows * words).fill(0xdeadbeef), want = new Uint32Array(rows * words);
      k.packRows(x, got, rows, depth);
      ref.packRows(x, want, rows, depth);
      same(got, want, `packRows seed ${seed} rows=${rows} k=${depth}`);
    }
  },
  packCols(k) {
    for (const [i, depth] of [...KS, 0].entries()) for (const n of [0, 1, 3, 4, 9, 130]) {
      const seed = 500 + i * 10 + n, x = floats(random(seed), depth * n, true);
      const words = Math.ceil(depth / 32);
      const got = new Uint32Array(n * words).fill(0xdeadbeef), want = new Uint32Array(n * words);
      k.packCols(x, got, depth, n);
      ref.packCols(x, want, depth, n);
      same(got, want, `packCols seed ${seed} k=${depth} n=${n}`);
    }
  },
  sign: (k) => unary(k, 'sign', 0, (kk, x, out) => kk.sign(x, out)),
  clamp: (k) => unary(k, 'clamp', 0, (kk, x, out) => kk.clamp(x, out, -0.5, 0.75)),
  affine: (k) => unary(k, 'affine', 1e-6, (kk, x, out) => kk.affine(x, out, 1.7, -0.3)),
  stochasticSign: (k) => binary(k, 'stochasticSign', 0, (kk, x, u, out) => kk.stochasticSign(x, u, out)),
  passInside: (k) => binary(k, 'passInside', 0, (kk, x, dy, out) => kk.passInside(dy, x, out, -1, 1)),
  dropout(k) {
    for (const len of LENGTHS) {
      const seed = 600 + len, rng = random(seed);
      const x = floats(rng, len), u = uniform(rng, len);
      const [out, mask, wantOut, wantMask] = [0, 0, 0, 0].map(() => new Float32Array(len)) as [Float32Array, Float32Array, Float32Array, Float32Array];
      k.dropout(x, u, 0.3, out, mask);
      ref.dropout(x, u, 0.3, wantOut, wantMask);
      close(mask, wantMask, 1e-6, `dropout mask seed ${seed} length=${len}`);
      close(out, wantOut, 1e-6, `dropout seed ${seed} length=${len}`);
    }
  },
  broadcastBinary(k) {
    for (const op of ['add', 'sub', 'mul', 'div'] as const) {
      const seed = 700, rng = random(seed);
      const a = floats(rng, 3 * 5), b = floats(rng, 5).map((v) => v + 2); // no division by ~0
      const got = new Float32Array(4 * 3 * 5), want = got.slice();
      k.broadcastBinary(op, a, [0, 5, 1], b, [0, 0, 1], got, [4, 3, 5]);
      ref.broadcastBinary(op, a, [0, 5, 1], b, [0, 0, 1], want, [4, 3, 5]);
      close(got, want, 1e-6, `broadcastBinary ${op} seed ${seed} shape [4,3,5]`);
    }
  },
  reduceSum(k) {
    const seed = 800, x = floats(random(seed), 4 * 3 * 5);
    for (const keep of [[true, false, true], [false, false, false], [false, true, true]]) {
      const size = [4, 3, 5].reduce((s, d, i) => s * (keep[i] ? d : 1), 1);
      const got = new Float32Array(size).fill(9), want = new Float32Array(size);
      k.reduceSum(x, [4, 3, 5], keep, got);
      ref.reduceSum(x, [4, 3, 5], keep, want);
      close(got, want, 1e-5, `reduceSum seed ${seed} shape [4,3,5] keep ${keep}`);
    }
  },
  batchNormTrain(k) {
    for (const [rows, ch] of BN_SHAPES) {
      const seed = 900 + rows * 7 + ch, rng = random(seed);
      const x = floats(rng, rows * ch).map((v) => 3 * v + 1), gamma = floats(rng, ch), beta = floats(rng, ch);
      const got = [rows * ch, rows * ch, ch, ch].map((l) => new Float32Array(l)) as Quad;
      const want = got.map((g) => g.slice()) as Quad;
      k.batchNormTrain(x, rows, ch, gamma, beta, 1e-4, ...got);
      ref.batchNormTrain(x, rows, ch, gamma, beta, 1e-4, ...want);
      // single-pass float32 statistics against float64 ones
      for (const [i, what] of ['y', 'xhat', 'mean', 'invStd'].entries()) {
        close(got[i]!, want[i]!, 1e-4, `batchNormTrain ${what} seed ${seed} rows=${rows} ch=${ch}`);
      }
    }
  },
  batchNormEval(k) {
    for (const [rows, ch] of BN_SHAPES) {
      const seed = 1000 + rows * 7 + ch, rng = random(seed);
      const x = floats(rng, rows * ch), gamma = floats(rng, ch), beta = floats(rng, ch);
      const mean = floats(rng, ch), invStd = uniform(rng, ch).map((v) => v + 0.5);
      const got = new Float32Array(rows * ch), want = got.slice();
      k.batchNormEval(x, rows, ch, gamma, beta, mean, invStd, got);
      ref.batchNormEval(x, rows, ch, gamma, beta, mean, invStd, want);
      close(got, want, 1e-5, `batchNormEval seed ${seed} rows=${rows} ch=${ch}`);
    }
  },
  batchNormBackward(k) {
    for (const [rows, ch] of BN_SHAPES) {
      const seed = 1100 + rows * 7 + ch, rng = random(seed);
      const dy = floats(rng, rows * ch), xhat = floats(rng, rows * ch), gamma = floats(rng, ch);
      const invStd = uniform(rng, ch).map((v) => v + 0.5);
      const got = [rows * ch, ch, ch].map((l) => new Float32Array(l)) as Triple;
      const want = got.map((g) => g.slice()) as Triple;
      k.batchNormBackward(dy, xhat, rows, ch, gamma, invStd, ...got);
      ref.batchNormBackward(dy, xhat, rows, ch, gamma, invStd, ...want);
      for (const [i, what] of ['dx', 'dgamma', 'dbeta'].entries()) {
        close(got[i]!, want[i]!, 1e-4 * Math.sqrt(rows + 1), `batchNormBackward ${what} seed ${seed} rows=${rows} ch=${ch}`);
      }
    }
  },
  softmaxCrossEntropy: (k) => loss(k, 'softmaxCrossEntropy'),
  squaredHinge: (k) => loss(k, 'squaredHinge'),
  adamStep(k) {
    for (const len of LENGTHS) for (const clip of [0, 1]) {
      const seed = 1300 + len + clip, rng = random(seed);
      const state = [floats(rng, len), floats(rng, len), floats(rng, len).map((v) => v * 0.1), uniform(rng, len).map((v) => v * 0.01)];
      const got = state.map((s) => s.slice()) as Quad, want = state.map((s) => s.slice()) as Quad;
      k.adamStep(...got, 0.05, 0.9, 0.999, 1e-8, 3, clip);
      ref.adamStep(...want, 0.05, 0.9, 0.999, 1e-8, 3, clip);
      for (const [i, what] of ['param', 'grad', 'm', 'v'].entries()) {
        close(got[i]!, want[i]!, 1e-5, `adamStep ${what} seed ${seed} length=${len} clip=${clip}`);
      }
    }
  },
  packLogPlanes(k) {
    for (const [i, [rows, depth]] of ([[1, 1], [3, 31], [2, 33], [5, 100], [0, 8], [4, 0]] as [number, number][]).entries()) {
      const seed = 1600 + i, x = logQuantized(random(seed), rows * depth, -20, 31), words = Math.ceil(depth / 32);
      const got = [new Uint32Array(rows * words).fill(0xdeadbeef), new Uint32Array(rows * 31 * words).fill(0xdeadbeef)] as const;
      const want = [new Uint32Array(rows * words), new Uint32Array(rows * 31 * words)] as const;
      k.packLogPlanes!(x, rows, depth, -20, 31, ...got);
      ref.packLogPlanes!(x, rows, depth, -20, 31, ...want);
      same(got[0], want[0], `packLogPlanes sign seed ${seed} rows=${rows} k=${depth}`);
      same(got[1], want[1], `packLogPlanes planes seed ${seed} rows=${rows} k=${depth}`);
    }
  },
  bitSerialLogGemm(k) {
    for (const [i, [m, n, depth]] of XNOR_SHAPES.entries()) {
      if (m * n * depth > 5e6) continue; // 31 planes: the largest shapes add time, not coverage
      const seed = 1700 + i, rng = random(seed), words = Math.ceil(depth / 32);
      const g = logQuantized(rng, m * depth, -12, 31), sign = new Uint32Array(m * words), planes = new Uint32Array(m * 31 * words);
      ref.packLogPlanes!(g, m, depth, -12, 31, sign, planes);
      const s = packedRows(rng, n, depth);
      const got = new Float32Array(m * n).fill(NaN), want = new Float32Array(m * n);
      k.bitSerialLogGemm!(sign, planes, 31, -12, s, got, m, n, depth);
      ref.bitSerialLogGemm!(sign, planes, 31, -12, s, want, m, n, depth);
      close(got, want, 0, `bitSerialLogGemm seed ${seed} m=${m} n=${n} k=${depth}`);
    }
  },
  pixelSignGemm(k) {
    for (const [i, [m, n, depth]] of PIXEL_SHAPES.entries()) {
      const seed = 1900 + i, rng = random(seed);
      // a third of the shapes saturated (255 everywhere, every weight −1): the widest sums
      const full = i % 3 === 2;
      const x = Uint8Array.from({ length: m * depth }, () => (full ? 255 : rng() < 0.3 ? 0 : Math.floor(rng() * 256)));
      const s = full ? packedRows(() => 1 - 2 ** -33, n, depth) : packedRows(rng, n, depth);
      const got = new Int32Array(m * n).fill(7), want = new Int32Array(m * n);
      k.pixelSignGemm!(x, s, got, m, n, depth);
      ref.pixelSignGemm!(x, s, want, m, n, depth);
      same(got, want, `pixelSignGemm seed ${seed} m=${m} n=${n} k=${depth}${full ? ' (255 × −1)' : ''}`);
    }
  },
  thresholdPack(k) {
    let seed = 2100;
    for (const rows of [0, 1, 3, 100]) for (const n of [1, 31, 32, 33, 100, 2048]) for (const affine of [false, true]) {
      const rng = random(++seed);
      const int = (span: number) => Math.floor((rng() * 2 - 1) * span);
      const c = Int32Array.from({ length: rows * n }, () => int(1000));
      const base = affine ? Int32Array.from({ length: n }, () => int(100_000)) : null, scale = affine ? -2 : 1;
      const lim = Int32Array.from({ length: n }, () => (rng() < 0.05 ? [-(2 ** 31), 2 ** 31 - 1][Math.floor(rng() * 2)]! : int(affine ? 100_000 : 1000)));
      const flip = packedRows(rng, 1, n);
      const got = new Uint32Array(rows * Math.ceil(n / 32)).fill(0xdeadbeef), want = new Uint32Array(got.length);
      k.thresholdPack!(c, rows, n, base, scale, lim, flip, got);
      ref.thresholdPack!(c, rows, n, base, scale, lim, flip, want);
      same(got, want, `thresholdPack seed ${seed} rows=${rows} n=${n} affine=${affine}`);
    }
  },
  pixelSignGemmNibbles(k) {
    for (const [i, [m, n, depth]] of PIXEL_SHAPES.entries()) {
      // dense bytes, all 255, or mostly 0 (whole groups of 4 zero, as in a digit's background)
      const seed = 2000 + i, rng = random(seed), full = i % 3 === 2, sparse = i % 3 === 1;
      const x = Uint8Array.from({ length: m * depth }, () => (full ? 255 : rng() < (sparse ? 0.85 : 0.3) ? 0 : Math.floor(rng() * 256)));
      const s = full ? packedRows(() => 1 - 2 ** -33, n, depth) : packedRows(rng, n, depth);
      const got = new Int32Array(m * n).fill(7), want = new Int32Array(m * n);
      k.pixelSignGemmNibbles!(x, packSignNibbles(s, n, depth), got, m, n, depth);
      ref.pixelSignGemm!(x, s, want, m, n, depth); // the packed-row kernel is the oracle
      same(got, want, `pixelSignGemmNibbles seed ${seed} m=${m} n=${n} k=${depth}${full ? ' (255 × −1)' : ''}`);
    }
  },
};

/** Values 0 or ±2^e, eMin <= e < eMin + planes, as gradQuantLog makes them (a tenth are 0). */
function logQuantized(rng: () => number, length: number, eMin: number, planes: number): Float32Array {
  return Float32Array.from({ length }, () => {
    if (rng() < 0.1) return 0;
    return (rng() < 0.5 ? -1 : 1) * 2 ** (eMin + Math.floor(rng() * planes));
  });
}

type Quad = [Float32Array, Float32Array, Float32Array, Float32Array];
type Triple = [Float32Array, Float32Array, Float32Array];
const LENGTHS = [0, 1, 3, 4, 5, 31, 1000, 4099];
const BN_SHAPES: [number, number][] = [[1, 1], [2, 3], [7, 5], [100, 64], [33, 130]];

function unary(k: Kernels, what: string, tol: number, run: (k: Kernels, x: Float32Array, out: Float32Array) => void): void {
  for (const len of LENGTHS) {
    const seed = 1400 + len, x = floats(random(seed), len, true).map((v) => 1.5 * v);
    const got = new Float32Array(len).fill(NaN), want = new Float32Array(len);
    run(k, x, got);
    run(ref, x, want);
    close(got, want, tol, `${what} seed ${seed} length=${len}`);
  }
}

function binary(k: Kernels, what: string, tol: number,
  run: (k: Kernels, x: Float32Array, y: Float32Array, out: Float32Array) => void): void {
  for (const len of LENGTHS) {
    const seed = 1500 + len, rng = random(seed);
    const x = floats(rng, len, true).map((v) => 1.5 * v), y = uniform(rng, len);
    // hit the edges exactly: x = ±1 (passInside bounds, hardSigmoid saturation), u = p
    for (let i = 0; i + 3 < len; i += 17) { x[i] = 1; x[i + 1] = -1; x[i + 2] = 0.5; y[i + 2] = 0.75; }
    const got = new Float32Array(len).fill(NaN), want = new Float32Array(len);
    run(k, x, y, got);
    run(ref, x, y, want);
    close(got, want, tol, `${what} seed ${seed} length=${len}`);
  }
}

function loss(k: Kernels, what: 'softmaxCrossEntropy' | 'squaredHinge'): void {
  for (const [rows, classes] of [[0, 10], [1, 1], [3, 10], [64, 10]] as [number, number][]) {
    const seed = 1200 + rows, rng = random(seed);
    const y = floats(rng, rows * classes).map((v) => 4 * v);
    const labels = Int32Array.from({ length: rows }, () => Math.floor(rng() * classes));
    const got = new Float32Array(rows * classes), want = got.slice();
    const lossGot = k[what](y, labels, rows, classes, got), lossWant = ref[what](y, labels, rows, classes, want);
    const context = `${what} seed ${seed} rows=${rows} classes=${classes}`;
    assert.ok(Math.abs(lossGot - lossWant) <= 1e-5 * (1 + Math.abs(lossWant)), `${context}: loss ${lossGot} vs ${lossWant}`);
    close(got, want, 1e-6, context);
  }
}

/** Exact equality; the message names the first differing index. */
function same(got: Int32Array | Uint32Array, want: Int32Array | Uint32Array, context: string): void {
  for (let i = 0; i < want.length; i++) {
    if (got[i] !== want[i]) assert.fail(`${context}: index ${i} is ${got[i]}, reference ${want[i]}`);
  }
}

/** |got - want| <= tol·(1 + |want|) everywhere (tol 0: exactly equal). */
function close(got: Float32Array, want: Float32Array, tol: number, context: string): void {
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!, w = want[i]!;
    if (!(Math.abs(g - w) <= tol * (1 + Math.abs(w))) && !(Number.isNaN(g) && Number.isNaN(w))) {
      assert.fail(`${context}: index ${i} is ${g}, reference ${w} (tolerance ${tol})`);
    }
  }
}

/** mulberry32: a small seeded generator, so that a failure can be replayed from its seed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform in [-1, 1); with `edges`, some exact 0 and -0 (sign(-0) = +1 must hold). */
function floats(rng: () => number, length: number, edges = false): Float32Array {
  const x = Float32Array.from({ length }, () => 2 * rng() - 1);
  if (edges) for (let i = 0; i < length; i += 7) x[i] = i % 14 === 0 ? -0 : 0;
  return x;
}

function uniform(rng: () => number, length: number): Float32Array {
  return Float32Array.from({ length }, () => rng());
}

/** Random packed ±1 rows with the tail bits 0, as the layout requires. */
/** Packed rows whose bits are 1 with probability `density`, each drawn on its own. */
function rowsOfDensity(rng: () => number, density: number, rows: number, k: number): Uint32Array {
  const words = Math.ceil(k / 32), out = new Uint32Array(rows * words);
  for (let r = 0; r < rows; r++) for (let p = 0; p < k; p++) if (rng() < density) out[r * words + (p >>> 5)]! |= 1 << (p & 31);
  return out;
}

function packedRows(rng: () => number, rows: number, k: number): Uint32Array {
  const words = Math.ceil(k / 32), out = new Uint32Array(rows * words);
  for (let r = 0; r < rows; r++) for (let w = 0; w < words; w++) {
    const bits = Math.min(32, k - 32 * w);
    out[r * words + w] = (rng() * 2 ** 32) >>> (32 - bits);
  }
  return out;
}
