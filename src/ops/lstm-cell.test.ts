import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backward } from '../autograd/backward.js';
import { checkGradient } from '../autograd/check-gradient.js';
import { initDefaultBackend } from '../backends/default-backend.js';
import { randn } from '../tensor/creation.js';
import { Tensor } from '../tensor/tensor.js';
import { add } from './arithmetic.js';
import { lstmCellState, lstmGates, lstmHidden, recurrentWeightGrad } from './lstm-cell.js';
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

/** h of every step of a 4-step LSTM over x [steps·batch, in] (time-major), stacked; with
 *  oneProduct, Wh's gradient comes from recurrentWeightGrad (as QuantLSTM runs it). */
function unrolled([x, wx, wh, h0, c0]: Tensor[], steps: number, oneProduct = false): Tensor {
  const batch = h0!.shape[0]!, hs: Tensor[] = [];
  const proj = oneProduct ? recurrentWeightGrad(matmulT(x!, wx!), wh!, () => concatRows([h0!, ...hs.slice(0, -1)])) : matmulT(x!, wx!);
  const whStep = oneProduct ? new Tensor(wh!.storage, wh!.shape, 'float32', wh!.backend) : wh!; // detached
  let h = h0!, c = c0!;
  for (let t = 0; t < steps; t++) {
    const gates = lstmGates(add(sliceRows(proj, t * batch, batch), matmulT(h, whStep)));
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

test('recurrentWeightGrad: Wh\'s gradient in one product over the steps matches finite differences and the per-step products', () => {
  const [steps, batch, inputs, hidden] = [4, 2, 3, 4];
  const args = () => [randn([steps * batch, inputs], { seed: 3 }), randn([4 * hidden, inputs], { seed: 4, scale: 0.7 }),
    randn([4 * hidden, hidden], { seed: 5, scale: 0.7 }), randn([batch, hidden], { seed: 6 }), randn([batch, hidden], { seed: 7 })];
  checkGradient((t) => unrolled(t, steps, true), args(), { eps: 1e-2, tolerance: 2e-2, seed: 3 });
  const grads = (oneProduct: boolean): number[][] => {
    const t = args();
    for (const x of t) x.requiresGrad = true;
    backward(unrolled(t, steps, oneProduct), randn([steps * batch, hidden], { seed: 8 }));
    return t.map((x) => [...x.grad!.dataSync()]);
  };
  const [one, perStep] = [grads(true), grads(false)];
  one.forEach((g, i) => g.forEach((v, j) => assert.ok(Math.abs(v - perStep[i]![j]!) <= 1e-5 * Math.max(1, Math.abs(v)), `input ${i}[${j}]: ${v} vs ${perStep[i]![j]}`)));
});

test('lstm cell: shapes that do not fit are errors naming the op', () => {
  assert.throws(() => recurrentWeightGrad(randn([6, 8]), randn([12, 3]), () => randn([6, 3])), /recurrentWeightGrad: shapes \[6,8\] and \[12,3\]/);
  const wh = randn([8, 2]);
  wh.requiresGrad = true;
  const wrongStates = recurrentWeightGrad(randn([6, 8]), wh, () => randn([5, 2]));
  assert.throws(() => backward(wrongStates, randn([6, 8])), /recurrentWeightGrad: shapes \[5,2\] and \[8,2\] do not agree: the states must be \[6, 2\]/);
  assert.throws(() => lstmGates(randn([2, 6])), /lstmGates: pre-activations must be \[batch, 4·hidden\], got \[2,6\]/);
  assert.throws(() => lstmCellState(randn([2, 8]), randn([2, 3])), /lstmCellState: shapes \[2,8\] and \[2,3\]/);
  assert.throws(() => lstmHidden(randn([3, 8]), randn([2, 2])), /lstmHidden/);
});
