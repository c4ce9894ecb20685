import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import fc from 'fast-check';
import * as ref from '../reference/rnn.js';
import { loadWasmKernels } from './index.js';

// The wasm LSTM cell kernels against the reference on awkward sizes (hidden around 4-lane vectors,
// one row, a language model's 300) and pre-activations far into σ's and tanh's tails.

const wasm = await loadWasmKernels();
after(() => wasm.close());

const values = (n: number, seed: number, scale: number): Float32Array => {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, (_, i) => (i % 13 === 5 ? 0 : scale * (((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 31) - 1)));
};
/** Activated gates: in (0, 1). */
const gateValues = (n: number, seed: number): Float32Array => values(n, seed, 1).map((v) => 0.5 + 0.49 * v);

/** Within 1e-6, relative above magnitude 1 (an ulp of a cell state of 20 is 2e-6; the reference rounds once, f32 code two or three times). */
function close(got: Float32Array, want: Float32Array, what: string): void {
  assert.equal(got.length, want.length, what);
  let worst = 0, where = -1;
  got.forEach((g, i) => { const d = Math.abs(g - want[i]!) / Math.max(1, Math.abs(want[i]!)); if (!(d <= worst)) { worst = d; where = i; } });
  assert.ok(worst <= 1e-6, `${what}: off by ${worst} at ${where} (${got[where]} vs ${want[where]})`);
}

test('wasm LSTM cell kernels: every output within 1e-6 (relative above 1) of the reference on awkward sizes and far tails', () => {
  fc.assert(fc.property(fc.constantFrom(1, 2, 7, 20), fc.constantFrom(1, 3, 4, 5, 33, 300), fc.constantFrom(0.1, 4, 30), fc.integer({ min: 1, max: 1e6 }),
    (batch, hidden, scale, seed) => {
      const g = 4 * batch * hidden, n = batch * hidden, what = `batch ${batch} hidden ${hidden} scale ${scale} seed ${seed}`;
      const pre = values(g, seed, scale), gates = gateValues(g, seed + 1), state = values(n, seed + 2, scale), d4 = values(g, seed + 3, 1), d = values(n, seed + 4, 1);
      const run = (call: (k: typeof ref, outs: Float32Array[]) => void, lengths: number[]): void => {
        const want = lengths.map((l) => new Float32Array(l).fill(NaN)), got = lengths.map((l) => new Float32Array(l).fill(NaN));
        call(ref, want);
        call(wasm as unknown as typeof ref, got);
        want.forEach((w, i) => close(got[i]!, w, `${what} output ${i}`));
      };
      run((k, [o]) => k.lstmGates(pre, o!, batch, hidden), [g]);
      run((k, [o]) => k.lstmGatesBackward(d4, gates, o!, batch, hidden), [g]);
      run((k, [o]) => k.lstmCellState(gates, state, o!, batch, hidden), [n]);
      run((k, [o1, o2]) => k.lstmCellStateBackward(d, gates, state, o1!, o2!, batch, hidden), [g, n]);
      run((k, [o]) => k.lstmHidden(gates, state, o!, batch, hidden), [n]);
      run((k, [o1, o2]) => k.lstmHiddenBackward(d, gates, state, o1!, o2!, batch, hidden), [g, n]);
    }), { numRuns: 80, seed: 7 });
});

test('wasm LSTM cell kernels: σ and tanh of ±∞ and NaN as the reference; an empty batch writes nothing', () => {
  const pre = Float32Array.of(Infinity, -Infinity, NaN, 0, -0, 1e-7, -1e-7, 0.6249, 0.6251, 90, -90, 20); // hidden 3: [i f g o] of 3 each
  const want = new Float32Array(12), got = new Float32Array(12);
  ref.lstmGates(pre, want, 1, 3);
  wasm.lstmGates(pre, got, 1, 3);
  got.forEach((v, i) => assert.ok(Number.isNaN(want[i]!) ? Number.isNaN(v) : Math.abs(v - want[i]!) <= 1e-6 * Math.max(1, Math.abs(want[i]!)), `element ${i}: ${v} vs ${want[i]}`));
  const untouched = Float32Array.of(7);
  wasm.lstmGates(new Float32Array(0), untouched, 0, 5);
  assert.deepEqual(untouched, Float32Array.of(7));
});
