import { LENGTHS } from './conformance-elementwise.js';
import { assertKernelError, close, floats, halfExponents, random, same, uniform, zeros, type Check, type Harness } from './conformance-harness.js';
import type { KernelName } from './kernels.js';
import { referenceKernels as ref } from './reference/index.js';

// Conformance checks of training's kernels: batch norms, losses and error counts, optimizer
// steps, gradient quantization. Each states its tolerance; the shift-based kernels round to
// powers of two (AP2), which jumps at √2·2^e: a float32 backend agrees on random inputs, which
// land on such a point with negligible probability.

/** [rows, channels]: one row, odd sizes, more than 1000 rows, no channels. */
const BN_SHAPES: [number, number][] = [[1, 1], [2, 3], [7, 5], [100, 64], [33, 130], [1029, 3], [5, 0]];

/** Scores with ties (a few levels, 0 beside -0) in even rows and distinct values in odd ones;
 *  labels: the first maximum for a third of the rows, the last tied maximum for a third (an
 *  error unless it is the first: the first maximum wins), any class for the rest. */
function scoresAndLabels(rng: () => number, rows: number, classes: number): [Float32Array, Int32Array] {
  const levels = [-1, -0, 0, 0.5, 2];
  const x = Float32Array.from({ length: rows * classes }, (_, i) =>
    (Math.floor(i / classes) % 2 === 0 ? levels[Math.floor(rng() * levels.length)]! : 2 * rng() - 1));
  const labels = Int32Array.from({ length: rows }, (_, r) => {
    let first = 0, last = 0;
    for (let c = 1; c < classes; c++) {
      const v = x[r * classes + c]!, best = x[r * classes + first]!;
      if (v > best) first = last = c; else if (v === best) last = c;
    }
    const u = rng();
    return u < 1 / 3 ? first : u < 2 / 3 ? last : Math.floor(rng() * classes);
  });
  return [x, labels];
}

async function loss(h: Harness, what: 'softmaxCrossEntropy' | 'squaredHinge'): Promise<void> {
  for (const [rows, classes] of [[0, 10], [1, 1], [3, 10], [64, 10], [1029, 3]] as [number, number][]) {
    const seed = 1200 + rows, rng = random(seed);
    const y = floats(rng, rows * classes).map((v) => 4 * v);
    const labels = Int32Array.from({ length: rows }, () => Math.floor(rng() * classes));
    const { got, want } = await h.run([y, labels, zeros('f32', rows * classes), Float32Array.of(NaN)],
      (k, y, labels, grad, loss) => k[what](y, labels, rows, classes, grad, loss));
    const context = `${what} seed ${seed} rows=${rows} classes=${classes}`;
    close(got[3], want[3], 1e-5, `${context}: loss`); // a float32 mean of up to 3087 terms against float64
    close(got[2], want[2], 1e-6, `${context}: grad`);
  }
}

export const trainingChecks: Pick<Record<KernelName, Check>, 'batchNormTrain' | 'batchNormEval' | 'batchNormBackward' | 'batchNormEvalBackward'
  | 'batchNormTrainHardtanh' | 'batchNormHardtanhBackward'
  | 'shiftBatchNormTrain' | 'shiftBatchNormEval' | 'shiftBatchNormBackward' | 'shiftBatchNormEvalBackward'
  | 'softmaxCrossEntropy' | 'squaredHinge' | 'countErrors' | 'argmaxRows' | 'adamStep' | 'shiftAdaMaxStep' | 'gradQuantLog'> = {
  async batchNormTrain(h) {
    for (const [rows, ch] of BN_SHAPES) {
      const seed = 900 + rows * 7 + ch, rng = random(seed);
      const x = floats(rng, rows * ch).map((v) => 3 * v + 1), n = rows * ch;
      const { got, want } = await h.run([x, floats(rng, ch), floats(rng, ch), zeros('f32', n), zeros('f32', n), zeros('f32', ch), zeros('f32', ch)],
        (k, x, gamma, beta, y, xhat, mean, invStd) => k.batchNormTrain(x, rows, ch, gamma, beta, 1e-4, y, xhat, mean, invStd));
      // single-pass float32 statistics against float64 ones
      for (const [i, what] of ['y', 'xhat', 'mean', 'invStd'].entries()) {
        close(got[3 + i]!, want[3 + i]!, 1e-4, `batchNormTrain ${what} seed ${seed} rows=${rows} ch=${ch}`);
      }
    }
  },
  async batchNormTrainHardtanh(h) {
    for (const [rows, ch] of BN_SHAPES) {
      // β up to ±2 and γ up to ±2: many outputs beyond the clamp, on both sides
      const seed = 1300 + rows * 7 + ch, rng = random(seed), n = rows * ch;
      const x = floats(rng, n).map((v) => 3 * v + 1);
      const { got, want } = await h.run([x, floats(rng, ch).map((v) => 2 * v), floats(rng, ch).map((v) => 2 * v), zeros('f32', n), zeros('f32', n),
        zeros('f32', n), zeros('f32', ch), zeros('f32', ch)],
      (k, x, gamma, beta, y, out, xhat, mean, invStd) => k.batchNormTrainHardtanh(x, rows, ch, gamma, beta, 1e-4, y, out, xhat, mean, invStd));
      for (const [i, what] of ['y', 'out', 'xhat', 'mean', 'invStd'].entries()) { // as batchNormTrain's
        close(got[3 + i]!, want[3 + i]!, 1e-4, `batchNormTrainHardtanh ${what} seed ${seed} rows=${rows} ch=${ch}`);
      }
    }
  },
  async batchNormHardtanhBackward(h) {
    for (const [rows, ch] of BN_SHAPES) {
      // y in [-2, 2) with every fifth exactly -1 or 1 (inside: the gradient passes)
      const seed = 1400 + rows * 7 + ch, rng = random(seed), n = rows * ch;
      const y = floats(rng, n).map((v, i) => (i % 5 === 0 ? (i % 10 === 0 ? -1 : 1) : 2 * v));
      const { got, want } = await h.run([floats(rng, n), y, floats(rng, n), floats(rng, ch), uniform(rng, ch).map((v) => v + 0.5),
        zeros('f32', n), new Float32Array(ch).fill(NaN), new Float32Array(ch).fill(NaN)],
      (k, dout, y, xhat, gamma, invStd, dx, dgamma, dbeta) => k.batchNormHardtanhBackward(dout, y, xhat, rows, ch, gamma, invStd, dx, dgamma, dbeta));
      for (const [i, what] of ['dx', 'dgamma', 'dbeta'].entries()) { // as batchNormBackward's
        close(got[5 + i]!, want[5 + i]!, 1e-4 * Math.sqrt(rows + 1), `batchNormHardtanhBackward ${what} seed ${seed} rows=${rows} ch=${ch}`);
      }
    }
  },
  async batchNormEval(h) {
    for (const [rows, ch] of BN_SHAPES) {
      const seed = 1000 + rows * 7 + ch, rng = random(seed);
      const { got, want } = await h.run([floats(rng, rows * ch), floats(rng, ch), floats(rng, ch), floats(rng, ch),
        uniform(rng, ch).map((v) => v + 0.5), zeros('f32', rows * ch)],
      (k, x, gamma, beta, mean, invStd, y) => k.batchNormEval(x, rows, ch, gamma, beta, mean, invStd, y));
      close(got[5], want[5], 1e-5, `batchNormEval seed ${seed} rows=${rows} ch=${ch}`);
    }
  },
  async batchNormBackward(h) {
    for (const [rows, ch] of BN_SHAPES) {
      const seed = 1100 + rows * 7 + ch, rng = random(seed);
      const { got, want } = await h.run([floats(rng, rows * ch), floats(rng, rows * ch), floats(rng, ch), uniform(rng, ch).map((v) => v + 0.5),
        zeros('f32', rows * ch), new Float32Array(ch).fill(NaN), new Float32Array(ch).fill(NaN)],
      (k, dy, xhat, gamma, invStd, dx, dgamma, dbeta) => k.batchNormBackward(dy, xhat, rows, ch, gamma, invStd, dx, dgamma, dbeta));
      for (const [i, what] of ['dx', 'dgamma', 'dbeta'].entries()) {
        close(got[4 + i]!, want[4 + i]!, 1e-4 * Math.sqrt(rows + 1), `batchNormBackward ${what} seed ${seed} rows=${rows} ch=${ch}`);
      }
    }
  },
  async batchNormEvalBackward(h) {
    for (const [rows, ch] of BN_SHAPES) {
      const seed = 2850 + rows * 7 + ch, rng = random(seed), n = rows * ch;
      const { got, want } = await h.run([floats(rng, n), floats(rng, n), floats(rng, ch), floats(rng, ch), uniform(rng, ch).map((v) => 4 * v + 0.1),
        new Float32Array(n).fill(NaN), new Float32Array(ch).fill(NaN), new Float32Array(ch).fill(NaN)],
      (k, dy, x, gamma, mean, invStd, dx, dgamma, dbeta) => k.batchNormEvalBackward(dy, x, rows, ch, gamma, mean, invStd, dx, dgamma, dbeta));
      for (const [i, what] of ['dx', 'dgamma', 'dbeta'].entries()) {
        close(got[5 + i]!, want[5 + i]!, 1e-5 * Math.sqrt(rows + 1), `batchNormEvalBackward ${what} seed ${seed} rows=${rows} ch=${ch}`);
      }
    }
  },
  async shiftBatchNormTrain(h) {
    for (const [rows, ch] of BN_SHAPES) {
      const seed = 2500 + rows * 7 + ch, rng = random(seed), n = rows * ch;
      const { got, want } = await h.run([floats(rng, n).map((v) => 3 * v + 1), floats(rng, ch), floats(rng, ch),
        zeros('f32', n), zeros('f32', ch), zeros('f32', ch), zeros('f32', n), zeros('f32', n), new Float32Array(ch).fill(NaN)],
      (k, x, gamma, beta, y, mean, invStd, centred, centredAp2, shift) =>
        k.shiftBatchNormTrain(x, rows, ch, gamma, beta, 1e-4, y, mean, invStd, centred, centredAp2, shift));
      // float32 statistics against float64 ones; AP2'd outputs exact unless a value sits on a jump
      for (const [i, what] of ['y', 'mean', 'invStd', 'centred', 'centredAp2', 'shift'].entries()) {
        close(got[3 + i]!, want[3 + i]!, 1e-5, `shiftBatchNormTrain ${what} seed ${seed} rows=${rows} ch=${ch}`);
      }
    }
  },
  async shiftBatchNormEval(h) {
    for (const [rows, ch] of BN_SHAPES) {
      const seed = 2600 + rows * 7 + ch, rng = random(seed);
      const { got, want } = await h.run([floats(rng, rows * ch), floats(rng, ch), floats(rng, ch), floats(rng, ch),
        uniform(rng, ch).map((v) => 4 * v + 0.1), new Float32Array(rows * ch).fill(NaN)],
      (k, x, gamma, beta, mean, invStd, y) => k.shiftBatchNormEval(x, rows, ch, gamma, beta, mean, invStd, y));
      close(got[5], want[5], 1e-6, `shiftBatchNormEval seed ${seed} rows=${rows} ch=${ch}`);
    }
  },
  async shiftBatchNormBackward(h) {
    for (const [rows, ch] of BN_SHAPES) {
      const seed = 2700 + rows * 7 + ch, rng = random(seed), n = rows * ch;
      // the saved values as shiftBatchNormTrain makes them
      const [x, gamma, beta] = [floats(rng, n).map((v) => 3 * v + 1), floats(rng, ch), floats(rng, ch)];
      const saved = [n, ch, ch, n, n, ch].map((l) => new Float32Array(l)) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
      ref.shiftBatchNormTrain(x, rows, ch, gamma, beta, 1e-4, ...saved);
      const [, , , centred, centredAp2, shift] = saved;
      const { got, want } = await h.run([floats(rng, n), gamma, centred, centredAp2, shift,
        new Float32Array(n).fill(NaN), new Float32Array(ch).fill(NaN), new Float32Array(ch).fill(NaN)],
      (k, dy, gamma, centred, centredAp2, shift, dx, dgamma, dbeta) =>
        k.shiftBatchNormBackward(dy, rows, ch, gamma, centred, centredAp2, shift, dx, dgamma, dbeta));
      for (const [i, what] of ['dx', 'dgamma', 'dbeta'].entries()) {
        close(got[5 + i]!, want[5 + i]!, 1e-5 * Math.sqrt(rows + 1), `shiftBatchNormBackward ${what} seed ${seed} rows=${rows} ch=${ch}`);
      }
    }
  },
  async shiftBatchNormEvalBackward(h) {
    for (const [rows, ch] of BN_SHAPES) {
      const seed = 2800 + rows * 7 + ch, rng = random(seed), n = rows * ch;
      const { got, want } = await h.run([floats(rng, n), floats(rng, n), floats(rng, ch), floats(rng, ch), uniform(rng, ch).map((v) => 4 * v + 0.1),
        new Float32Array(n).fill(NaN), new Float32Array(ch).fill(NaN), new Float32Array(ch).fill(NaN)],
      (k, dy, x, gamma, mean, invStd, dx, dgamma, dbeta) => k.shiftBatchNormEvalBackward(dy, x, rows, ch, gamma, mean, invStd, dx, dgamma, dbeta));
      for (const [i, what] of ['dx', 'dgamma', 'dbeta'].entries()) {
        close(got[5 + i]!, want[5 + i]!, 1e-5 * Math.sqrt(rows + 1), `shiftBatchNormEvalBackward ${what} seed ${seed} rows=${rows} ch=${ch}`);
      }
    }
  },
  softmaxCrossEntropy: (h) => loss(h, 'softmaxCrossEntropy'),
  squaredHinge: (h) => loss(h, 'squaredHinge'),
  async countErrors(h) {
    for (const [rows, classes] of [[0, 10], [1, 1], [1, 10], [7, 3], [1037, 10], [5, 1029]] as [number, number][]) {
      const seed = 2900 + rows + classes, [scores, labels] = scoresAndLabels(random(seed), rows, classes);
      // the count accumulates: it starts at 5, not 0
      const { got, want } = await h.run([scores, labels, Int32Array.of(5)], (k, s, l, count) => k.countErrors(s, l, rows, classes, count));
      same(got[2], want[2], `countErrors seed ${seed} rows=${rows} classes=${classes}`);
    }
  },
  async argmaxRows(h) {
    for (const [rows, classes] of [[0, 10], [1, 1], [1, 10], [7, 3], [1037, 10], [5, 1029]] as [number, number][]) {
      const seed = 3100 + rows + classes, [scores] = scoresAndLabels(random(seed), rows, classes);
      const { got, want } = await h.run([scores, new Int32Array(rows).fill(-7)], (k, x, out) => k.argmaxRows(x, rows, classes, out));
      same(got[1], want[1], `argmaxRows seed ${seed} rows=${rows} classes=${classes}`); // ties: the first maximum
    }
  },
  async adamStep(h) {
    for (const len of LENGTHS) for (const clip of [0, 1]) {
      const seed = 1300 + len + clip, rng = random(seed);
      const { got, want } = await h.run([floats(rng, len), floats(rng, len), floats(rng, len).map((v) => v * 0.1), uniform(rng, len).map((v) => v * 0.01)],
        (k, param, grad, m, v) => k.adamStep(param, grad, m, v, 0.05, 0.9, 0.999, 1e-8, 3, clip));
      for (const [i, what] of ['param', 'grad', 'm', 'v'].entries()) {
        close(got[i]!, want[i]!, 1e-5, `adamStep ${what} seed ${seed} length=${len} clip=${clip}`);
      }
    }
  },
  async shiftAdaMaxStep(h) {
    for (const len of LENGTHS) for (const torch of [false, true]) for (const clip of [0, 1]) {
      const seed = 3200 + len, rng = random(seed);
      const { got, want } = await h.run([floats(rng, len), floats(rng, len, true), floats(rng, len).map((v) => v * 0.1), uniform(rng, len).map((v) => v * 0.01)],
        (k, param, grad, m, v) => k.shiftAdaMaxStep(param, grad, m, v, 2 ** -7, 0.9, 0.999, 1e-8, torch, clip));
      // one float32 division per element (relative error ~1e-7); v is AP2'd in torch mode
      for (const [i, what] of ['param', 'grad', 'm', 'v'].entries()) {
        close(got[i]!, want[i]!, 1e-6, `shiftAdaMaxStep ${what} seed ${seed} length=${len} torch=${torch} clip=${clip}`);
      }
    }
  },
  async gradQuantLog(h) {
    // exact: every value is 0 or ±2^e and the scale is integers; a backend must decide the
    // rounding at half exponents exactly (compare |g| with the float32 boundary), not with an
    // approximate log2
    const cases: [string, Float32Array, number][] = [];
    for (const bits of [2, 3, 6, 8]) {
      for (const len of [0, 1, 3, 1037]) {
        const rng = random(3300 + len);
        const g = Float32Array.from({ length: len }, (_, i) => (i % 9 === 4 ? 0 : (2 * rng() - 1) * 2 ** (-30 * rng())));
        cases.push([`random length=${len}`, g, bits]);
      }
      cases.push(['all zero (0 and -0)', Float32Array.from({ length: 37 }, (_, i) => (i % 2 ? -0 : 0)), bits]);
      // the largest |value| just below and just above √2·8, so eMax is 3 or 4, with values at every
      // rounding switch from below the smallest kept exponent up to eMax
      const planes = 2 ** (bits - 1) - 1;
      for (const max of halfExponents(3, 3)) {
        const values = halfExponents(Math.max(3 - planes - 1, -126), 3).filter((v) => Math.abs(v) <= Math.abs(max));
        cases.push([`half exponents, max ${max}`, Float32Array.from([...values.slice(0, 7), max, ...values.slice(7)]), bits]);
      }
    }
    for (const [what, g, bits] of cases) {
      const { got, want } = await h.run([g, new Float32Array(g.length).fill(NaN), Int32Array.of(99, 99)],
        (k, g, out, scale) => k.gradQuantLog(g, bits, out, scale));
      close(got[1], want[1], 0, `gradQuantLog ${what} bits=${bits}`);
      same(got[2], want[2], `gradQuantLog scale ${what} bits=${bits}`);
    }
    // a non-finite gradient is an error (at once, or at the next read on an asynchronous
    // backend), and the backend goes on after it
    for (const bad of [NaN, Infinity, -Infinity]) for (const at of [0, 16, 32]) {
      const g = floats(random(3400 + at), 33);
      g[at] = bad;
      await assertKernelError(h, 'gradQuantLog', (k) => {
        const out = h.alloc('f32', 33);
        k.gradQuantLog(h.up(g), 6, out, h.alloc('i32', 2));
        return out;
      }, `gradQuantLog of ${bad} at element ${at} of 33`);
    }
  },
};
