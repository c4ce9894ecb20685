import { assertKernelError, close, floats, halfExponents, random, same, uniform, type Check, type Harness } from './conformance-harness.js';
import type { Kernels, KernelName, StorageTypes } from './kernels.js';

// Conformance checks of the elementwise, broadcast and data-movement kernels.

/** Lengths around 4-lane vectors and thread chunks, and empty. */
export const LENGTHS = [0, 1, 3, 4, 5, 31, 1000, 4099];

type Unary = <S extends StorageTypes>(k: Kernels<S>, x: S['f32'], out: S['f32']) => void;
type Binary = <S extends StorageTypes>(k: Kernels<S>, x: S['f32'], y: S['f32'], out: S['f32']) => void;

async function unary(h: Harness, what: string, tol: number, run: Unary): Promise<void> {
  for (const len of LENGTHS) {
    const seed = 1400 + len, x = floats(random(seed), len, true).map((v) => 1.5 * v);
    const { got, want } = await h.run([x, new Float32Array(len).fill(NaN)], run);
    close(got[1], want[1], tol, `${what} seed ${seed} length=${len}`);
  }
}

async function binary(h: Harness, what: string, tol: number, run: Binary): Promise<void> {
  for (const len of LENGTHS) {
    const seed = 1500 + len, rng = random(seed);
    const x = floats(rng, len, true).map((v) => 1.5 * v), y = uniform(rng, len);
    // hit the edges exactly: x = ±1 (passInside bounds, hardSigmoid saturation), u = p
    for (let i = 0; i + 3 < len; i += 17) { x[i] = 1; x[i + 1] = -1; x[i + 2] = 0.5; y[i + 2] = 0.75; }
    const { got, want } = await h.run([x, y, new Float32Array(len).fill(NaN)], run);
    close(got[2], want[2], tol, `${what} seed ${seed} length=${len}`);
  }
}

/** Elementwise kernels with the output storage also an input (ops' backward rules do this). */
export async function inPlace(h: Harness): Promise<void> {
  for (const len of LENGTHS) {
    const seed = 1800 + len, rng = random(seed);
    const x = floats(rng, len, true).map((v) => 1.5 * v), dy = floats(rng, len);
    const pass = await h.run([dy, x], (k, dy, x) => k.passInside(dy, x, dy, -1, 1));
    close(pass.got[0], pass.want[0], 0, `passInside dy === dx seed ${seed} length=${len}`);
    const sign = await h.run([x], (k, x) => k.sign(x, x));
    close(sign.got[0], sign.want[0], 0, `sign x === out seed ${seed} length=${len}`);
    const clamp = await h.run([x], (k, x) => k.clamp(x, x, -0.5, 0.75));
    close(clamp.got[0], clamp.want[0], 0, `clamp x === out seed ${seed} length=${len}`);
  }
}

export const elementwiseChecks: Pick<Record<KernelName, Check>, 'sign' | 'clamp' | 'stochasticSign' | 'passInside' | 'dropout'
  | 'broadcastBinary' | 'reduceSum' | 'transpose' | 'copy' | 'runningAverage' | 'linearQuantize' | 'logQuantize' | 'intToFloat'> = {
  sign: (h) => unary(h, 'sign', 0, (k, x, out) => k.sign(x, out)),
  clamp: (h) => unary(h, 'clamp', 0, (k, x, out) => k.clamp(x, out, -0.5, 0.75)),
  stochasticSign: (h) => binary(h, 'stochasticSign', 0, (k, x, u, out) => k.stochasticSign(x, u, out)),
  passInside: (h) => binary(h, 'passInside', 0, (k, x, dy, out) => k.passInside(dy, x, out, -1, 1)),
  async dropout(h) {
    for (const len of LENGTHS) {
      const seed = 600 + len, rng = random(seed);
      const { got, want } = await h.run([floats(rng, len), uniform(rng, len), new Float32Array(len).fill(NaN), new Float32Array(len).fill(NaN)],
        (k, x, u, out, mask) => k.dropout(x, u, 0.3, out, mask));
      close(got[3], want[3], 1e-6, `dropout mask seed ${seed} length=${len}`);
      close(got[2], want[2], 1e-6, `dropout seed ${seed} length=${len}`);
    }
  },
  async broadcastBinary(h) {
    for (const op of ['add', 'sub', 'mul', 'div'] as const) {
      const seed = 700, rng = random(seed);
      const a = floats(rng, 3 * 5), b = floats(rng, 5).map((v) => v + 2); // no division by ~0
      const { got, want } = await h.run([a, b, new Float32Array(4 * 3 * 5).fill(NaN)],
        (k, a, b, out) => k.broadcastBinary(op, a, [0, 5, 1], b, [0, 0, 1], out, [4, 3, 5]));
      close(got[2], want[2], 1e-6, `broadcastBinary ${op} seed ${seed} shape [4,3,5]`);
    }
  },
  async reduceSum(h) {
    const cases: [number[], boolean[]][] = [[[4, 3, 5], [true, false, true]], [[4, 3, 5], [false, false, false]],
      [[4, 3, 5], [false, true, true]], [[0, 3], [false, true]], [[1037, 3], [false, true]], [[3, 1029], [true, false]]];
    for (const [i, [shape, keep]] of cases.entries()) for (const scale of [undefined, 1 / 60]) {
      const seed = 800 + i, x = floats(random(seed), shape.reduce((s, d) => s * d, 1));
      const size = shape.reduce((s, d, j) => s * (keep[j] ? d : 1), 1);
      const { got, want } = await h.run([x, new Float32Array(size).fill(9)], (k, x, out) => k.reduceSum(x, shape, keep, out, scale));
      // float32 sums of up to 1037 values in [-1, 1] against float64 ones
      close(got[1], want[1], 1e-5, `reduceSum seed ${seed} shape [${shape}] keep ${keep} scale ${scale}`);
    }
  },
  async transpose(h) {
    for (const [i, [rows, cols]] of ([[0, 5], [5, 0], [1, 1], [1, 33], [33, 1], [7, 31], [37, 1029]] as [number, number][]).entries()) {
      const seed = 2200 + i;
      const { got, want } = await h.run([floats(random(seed), rows * cols), new Float32Array(rows * cols).fill(NaN)],
        (k, x, out) => k.transpose(x, rows, cols, out));
      close(got[1], want[1], 0, `transpose seed ${seed} rows=${rows} cols=${cols}`); // a move: exact
    }
  },
  async copy(h) {
    // [src length, srcAt, dst length, dstAt, n]: empty, whole, a middle piece, up to both ends
    const cases: [number, number, number, number, number][] = [[0, 0, 0, 0, 0], [1, 0, 1, 0, 1], [7, 2, 9, 4, 5], [10, 3, 10, 3, 0], [1037, 1, 1100, 63, 1036], [4099, 0, 4099, 0, 4099]];
    for (const [i, [srcLength, srcAt, dstLength, dstAt, n]] of cases.entries()) {
      const seed = 2300 + i, rng = random(seed);
      const { got, want } = await h.run([floats(rng, srcLength), floats(rng, dstLength)], (k, src, dst) => k.copy(src, srcAt, dst, dstAt, n));
      close(got[1], want[1], 0, `copy seed ${seed} [${srcLength}] at ${srcAt} → [${dstLength}] at ${dstAt}, n=${n}`); // a move: exact
    }
  },
  async runningAverage(h) {
    for (const len of LENGTHS) for (const momentum of [0.1, 0.9, 1]) {
      const seed = 2400 + len, rng = random(seed);
      const { got, want } = await h.run([floats(rng, len), floats(rng, len)], (k, avg, x) => k.runningAverage(avg, x, momentum));
      // momentum 1 replaces the average by x (0·avg + 1·x): exact
      close(got[0], want[0], momentum === 1 ? 0 : 1e-6, `runningAverage seed ${seed} length=${len} momentum=${momentum}`);
    }
  },  async linearQuantize(h) {
    // exact (the contract: double arithmetic, rounded once to float32), ties included: values
    // at every midpoint between levels, the bounds, and past them
    for (const [levels, lo, hi] of [[2, -1, 1], [3, -1, 1], [4, 0, 1], [16, -1, 1], [256, -2, 2]] as [number, number, number][]) {
      for (const len of LENGTHS) {
        const seed = 3600 + len, rng = random(seed), step = (hi - lo) / (levels - 1);
        const x = floats(rng, len, true).map((v) => 1.3 * v * Math.max(hi, -lo));
        for (let i = 1; i < len; i += 3) x[i] = lo + step * (Math.floor(rng() * (levels - 1)) + 0.5);
        for (const [i, v] of [lo, hi, Infinity, -Infinity].entries()) if (5 * i + 2 < len) x[5 * i + 2] = v;
        const { got, want } = await h.run([x, new Float32Array(len).fill(NaN)], (k, x, out) => k.linearQuantize(x, out, levels, lo, hi));
        close(got[1], want[1], 0, `linearQuantize seed ${seed} length=${len} levels=${levels} [${lo}, ${hi}]`);
      }
      const x = floats(random(3650), 9);
      x[4] = NaN;
      await assertKernelError(h, 'linearQuant', (k) => {
        const out = h.alloc('f32', 9);
        k.linearQuantize(h.up(x), out, levels, lo, hi);
        return out;
      }, `linearQuantize of NaN at element 4 of 9, levels=${levels}`);
    }
  },
  async logQuantize(h) {
    // exact: 0 or ±2^e; the values at every rounding switch (half exponents) must land on the
    // same side as the reference's, as in gradQuantLog
    for (const [eMin, eMax] of [[-4, 0], [-30, 0], [-3, -3], [-130, 2]] as [number, number][]) {
      const edges = Float32Array.from([...halfExponents(Math.max(eMin - 2, -126), eMax + 1), 0, -0, Infinity, -Infinity]);
      for (const x of [edges, ...LENGTHS.map((len) => floats(random(3700 + len), len, true).map((v, i) => v * 2 ** -(i % 40)))]) {
        const { got, want } = await h.run([x, new Float32Array(x.length).fill(NaN)], (k, x, out) => k.logQuantize(x, out, eMin, eMax));
        close(got[1], want[1], 0, `logQuantize length=${x.length} eMin=${eMin} eMax=${eMax}${x === edges ? ' (half exponents)' : ''}`);
      }
      const x = floats(random(3750), 9);
      x[8] = NaN;
      await assertKernelError(h, 'logQuant', (k) => {
        const out = h.alloc('f32', 9);
        k.logQuantize(h.up(x), out, eMin, eMax);
        return out;
      }, `logQuantize of NaN at element 8 of 9, eMin=${eMin}`);
    }
  },
  async intToFloat(h) {
    for (const len of LENGTHS) {
      const seed = 3800 + len, rng = random(seed);
      // exact below 2^24; above, round to nearest (even) as every float32 conversion does
      const extremes = [2 ** 24, 2 ** 24 + 1, 2 ** 24 + 3, -(2 ** 24) - 1, 2 ** 31 - 1, -(2 ** 31), 0];
      const x = Int32Array.from({ length: len }, (_, i) => extremes[i % 11] ?? Math.floor((rng() * 2 - 1) * 2 ** (rng() * 31)));
      const { got, want } = await h.run([x, new Float32Array(len).fill(NaN)], (k, x, out) => k.intToFloat(x, out));
      close(got[1], want[1], 0, `intToFloat seed ${seed} length=${len}`);
      same(x, got[0], `intToFloat leaves its input alone, seed ${seed} length=${len}`);
    }
  },
};
