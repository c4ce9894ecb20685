import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkGradient } from '../autograd/check-gradient.js';
import { initDefaultBackend } from '../backends/default-backend.js';
import { randn } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { add } from './arithmetic.js';
import { lstmCellState, lstmGates, lstmHidden } from './lstm-cell.js';
import { matmulT } from './matmul.js';
import { concatRows, sliceRows } from './rows.js';

if (process.env['LOWBIT_BACKEND']) await initDefaultBackend();

const sig = (x: number): number => 1 / (1 + Math.exp(-x));

test('lstm cell: the three ops equal the LSTM formulas computed in float64', () => {
  const [batch, hidden] = [3, 5];
  const pre = randn([batch, 4 * hidden], { seed: 1, scale: 2 }), cPrev = randn([batch, hidden], { seed: 2 });
  const gates = lstmGates(pre), c = lstmCellState(gates, cPrev), h = lstmHidden(gates, c);
  const p = pre.dataSync(), cp = cPrev.dataSync(), got = { c: c.dataSync(), h: h.dataSync() };
  for (let b = 0; b < batch; b++) for (let j = 0; j < hidden; j++) {
    const at = (gate: number): number => p[b * 4 * hidden + gate * hidden + j]!;
    const [i, f, g, o] = [sig(at(0)), sig(at(1)), Math.tanh(at(2)), sig(at(3))];
    const cv = f * cp[b * hidden + j]! + i * g;
    assert.ok(Math.abs(got.c[b * hidden + j]! - cv) < 1e-6, `c[${b},${j}]`);
    assert.ok(Math.abs(got.h[b * hidden + j]! - o * Math.tanh(cv)) < 1e-6, `h[${b},${j}]`);
  }
});

/** h of every step of a 4-step LSTM over x [steps·batch, in] (time-major), stacked. */
function unrolled([x, wx, wh, h0, c0]: Tensor[], steps: number): Tensor {
  const batch = h0!.shape[0]!, proj = matmulT(x!, wx!), hs: Tensor[] = [];
  let h = h0!, c = c0!;
  for (let t = 0; t < steps; t++) {
    const gates = lstmGates(add(sliceRows(proj, t * batch, batch), matmulT(h, wh!)));
    c = lstmCellState(gates, c);
    h = lstmHidden(gates, c);
    hs.push(h);
  }
  return add(concatRows(hs), concatRows(Array.from({ length: steps }, () => c))); // c reaches the loss too
}

test('lstm cell: gradients through 4 steps match finite differences (input, both weights, initial state)', () => {
  const [steps, batch, inputs, hidden] = [4, 2, 3, 4];
  checkGradient((t) => unrolled(t, steps), [
    randn([steps * batch, inputs], { seed: 3 }), randn([4 * hidden, inputs], { seed: 4, scale: 0.7 }),
    randn([4 * hidden, hidden], { seed: 5, scale: 0.7 }), randn([batch, hidden], { seed: 6 }), randn([batch, hidden], { seed: 7 }),
  ], { eps: 1e-2, tolerance: 2e-2, seed: 3 });
});

test('lstm cell: shapes that do not fit are errors naming the op', () => {
  assert.throws(() => lstmGates(randn([2, 6])), /lstmGates: pre-activations must be \[batch, 4·hidden\], got \[2,6\]/);
  assert.throws(() => lstmCellState(randn([2, 8]), randn([2, 3])), /lstmCellState: shapes \[2,8\] and \[2,3\]/);
  assert.throws(() => lstmHidden(randn([3, 8]), randn([2, 2])), /lstmHidden/);
});
