import { close, floats, random, type Call, type Check, type Harness } from './conformance-harness.js';
import { LENGTHS } from './conformance-elementwise.js';
import type { KernelName } from './kernels.js';

// Conformance checks of the recurrent-net kernels (embeddings, σ/tanh, LSTM and GRU cells).
// Float kernels of a few multiply-adds and one exp/tanh each: within 1e-6 of the reference
// (a fast exp or tanh may differ in the last bits); embedding moves and sums in order are exact.

/** [batch, hidden]: an empty batch, one row, sizes around 4-lane vectors. */
const CELLS: [number, number][] = [[0, 5], [1, 1], [3, 5], [2, 33], [7, 64]];
const TOL = 1e-6;

const nan = (n: number): Float32Array => new Float32Array(n).fill(NaN);
/** Values like activated gates: in (0, 1) (σ), and so also fine for tanh's (−1, 1). */
const gates = (rng: () => number, n: number): Float32Array => floats(rng, n).map((v) => 0.5 + 0.49 * v);

async function elementwise(h: Harness, kernel: 'sigmoid' | 'tanh' | 'sigmoidBackward' | 'tanhBackward'): Promise<void> {
  for (const len of LENGTHS) {
    const seed = 5000 + len, rng = random(seed), x = floats(rng, len, true).map((v) => 6 * v), y = gates(rng, len);
    const what = `${kernel} seed ${seed} length=${len}`;
    if (kernel === 'sigmoid' || kernel === 'tanh') {
      const { got, want } = await h.run([x, nan(len)], (k, x, out) => k[kernel](x, out));
      close(got[1], want[1], TOL, what);
    } else {
      const { got, want } = await h.run([x, y, nan(len)], (k, dy, y, dx) => k[kernel](dy, y, dx));
      close(got[2], want[2], TOL, what);
    }
  }
}

/** Run a cell kernel on random inputs of every size in CELLS and compare every output. */
async function cells(h: Harness, kernel: KernelName, make: (rng: () => number, batch: number, hidden: number) => Float32Array[],
  outputs: number[], call: (batch: number, hidden: number) => Call<Float32Array[]>): Promise<void> {
  for (const [batch, hidden] of CELLS) {
    const seed = 5100 + batch * 100 + hidden, args = make(random(seed), batch, hidden);
    const { got, want } = await h.run(args, call(batch, hidden));
    for (const o of outputs) close(got[o] as Float32Array, want[o] as Float32Array, TOL, `${kernel} output ${o} seed ${seed} batch=${batch} hidden=${hidden}`);
  }
}

export const rnnChecks: Pick<Record<KernelName, Check>, 'embeddingGather' | 'embeddingScatterAdd' | 'sigmoid' | 'tanh'
  | 'sigmoidBackward' | 'tanhBackward' | 'lstmGates' | 'lstmGatesBackward' | 'lstmCellState' | 'lstmCellStateBackward'
  | 'lstmHidden' | 'lstmHiddenBackward' | 'gruGates' | 'gruGatesBackward' | 'gruHidden' | 'gruHiddenBackward'
  | 'sumSquares' | 'clipToNorm'> = {
  async sumSquares(h) {
    for (const len of LENGTHS) {
      const seed = 5400 + len, rng = random(seed);
      const { got, want } = await h.run([floats(rng, len), Float32Array.of(0.75)], (k, x, sum) => k.sumSquares(x, sum));
      // up to 4099 squares: a float32 or pairwise sum differs from float64's by well under 1e-5 relative
      close(got[1], want[1], 1e-5 * Math.max(1, want[1][0]!), `sumSquares seed ${seed} length=${len}`);
    }
  },
  async clipToNorm(h) {
    // a sum of squares above maxNorm² (scaled), below it and at it exactly (left alone)
    for (const [i, sum] of [100, 0.25, 4].entries()) for (const len of LENGTHS) {
      const seed = 5500 + 10 * i + len;
      const { got, want } = await h.run([floats(random(seed), len), Float32Array.of(sum)], (k, x, s) => k.clipToNorm(x, s, 2));
      close(got[0], want[0], 1e-6, `clipToNorm seed ${seed} length=${len} sum=${sum} maxNorm=2`);
    }
  },
  async embeddingGather(h) {
    for (const [n, vocab, dim] of [[0, 3, 4], [1, 1, 1], [7, 5, 33], [40, 1000, 3]] as [number, number, number][]) {
      const seed = 5200 + n, rng = random(seed), ids = Int32Array.from({ length: n }, () => Math.floor(rng() * vocab));
      const { got, want } = await h.run([floats(rng, vocab * dim), ids, nan(n * dim)], (k, table, ids, out) => k.embeddingGather(table, ids, out, n, dim));
      close(got[2], want[2], 0, `embeddingGather seed ${seed} n=${n} vocab=${vocab} dim=${dim}`); // a move: exact
    }
  },
  async embeddingScatterAdd(h) {
    // few distinct ids: most rows repeat one, so the sums' order matters; summed in order: exact
    for (const [n, vocab, dim] of [[0, 3, 4], [1, 1, 1], [7, 2, 33], [40, 1000, 3]] as [number, number, number][]) {
      const seed = 5300 + n, rng = random(seed), ids = Int32Array.from({ length: n }, () => Math.floor(rng() * vocab));
      const { got, want } = await h.run([floats(rng, n * dim), ids, floats(rng, vocab * dim)], (k, dy, ids, dt) => k.embeddingScatterAdd(dy, ids, dt, n, dim));
      close(got[2], want[2], 0, `embeddingScatterAdd seed ${seed} n=${n} vocab=${vocab} dim=${dim}`);
    }
  },
  sigmoid: (h) => elementwise(h, 'sigmoid'),
  tanh: (h) => elementwise(h, 'tanh'),
  sigmoidBackward: (h) => elementwise(h, 'sigmoidBackward'),
  tanhBackward: (h) => elementwise(h, 'tanhBackward'),
  lstmGates: (h) => cells(h, 'lstmGates', (rng, b, n) => [floats(rng, b * 4 * n, true).map((v) => 6 * v), nan(b * 4 * n)], [1],
    (batch, hidden) => (k, pre, out) => k.lstmGates(pre, out, batch, hidden)),
  lstmGatesBackward: (h) => cells(h, 'lstmGatesBackward', (rng, b, n) => [floats(rng, b * 4 * n), gates(rng, b * 4 * n), nan(b * 4 * n)], [2],
    (batch, hidden) => (k, dy, y, dx) => k.lstmGatesBackward(dy, y, dx, batch, hidden)),
  lstmCellState: (h) => cells(h, 'lstmCellState', (rng, b, n) => [gates(rng, b * 4 * n), floats(rng, b * n), nan(b * n)], [2],
    (batch, hidden) => (k, g, cPrev, c) => k.lstmCellState(g, cPrev, c, batch, hidden)),
  lstmCellStateBackward: (h) => cells(h, 'lstmCellStateBackward',
    (rng, b, n) => [floats(rng, b * n), gates(rng, b * 4 * n), floats(rng, b * n), nan(b * 4 * n), nan(b * n)], [3, 4],
    (batch, hidden) => (k, dc, g, cPrev, dg, dcPrev) => k.lstmCellStateBackward(dc, g, cPrev, dg, dcPrev, batch, hidden)),
  lstmHidden: (h) => cells(h, 'lstmHidden', (rng, b, n) => [gates(rng, b * 4 * n), floats(rng, b * n, true).map((v) => 3 * v), nan(b * n)], [2],
    (batch, hidden) => (k, g, c, out) => k.lstmHidden(g, c, out, batch, hidden)),
  lstmHiddenBackward: (h) => cells(h, 'lstmHiddenBackward',
    (rng, b, n) => [floats(rng, b * n), gates(rng, b * 4 * n), floats(rng, b * n).map((v) => 3 * v), nan(b * 4 * n), nan(b * n)], [3, 4],
    (batch, hidden) => (k, dh, g, c, dg, dc) => k.lstmHiddenBackward(dh, g, c, dg, dc, batch, hidden)),
  gruGates: (h) => cells(h, 'gruGates', (rng, b, n) => [floats(rng, b * 3 * n, true).map((v) => 4 * v), floats(rng, b * 3 * n).map((v) => 4 * v), nan(b * 3 * n)], [2],
    (batch, hidden) => (k, xp, hp, out) => k.gruGates(xp, hp, out, batch, hidden)),
  gruGatesBackward: (h) => cells(h, 'gruGatesBackward',
    (rng, b, n) => [floats(rng, b * 3 * n), gates(rng, b * 3 * n), floats(rng, b * 3 * n), nan(b * 3 * n), nan(b * 3 * n)], [3, 4],
    (batch, hidden) => (k, dy, g, hp, dxp, dhp) => k.gruGatesBackward(dy, g, hp, dxp, dhp, batch, hidden)),
  gruHidden: (h) => cells(h, 'gruHidden', (rng, b, n) => [gates(rng, b * 3 * n), floats(rng, b * n), nan(b * n)], [2],
    (batch, hidden) => (k, g, hPrev, out) => k.gruHidden(g, hPrev, out, batch, hidden)),
  gruHiddenBackward: (h) => cells(h, 'gruHiddenBackward',
    (rng, b, n) => [floats(rng, b * n), gates(rng, b * 3 * n), floats(rng, b * n), nan(b * 3 * n), nan(b * n)], [3, 4],
    (batch, hidden) => (k, dh, g, hPrev, dg, dhPrev) => k.gruHiddenBackward(dh, g, hPrev, dg, dhPrev, batch, hidden)),
};
