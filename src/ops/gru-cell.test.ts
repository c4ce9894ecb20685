import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkGradient } from '../autograd/check-gradient.js';
import { initDefaultBackend } from '../backends/default-backend.js';
import { randn } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { gruGates, gruHidden } from './gru-cell.js';
import { matmulT } from './matmul.js';
import { concatRows, sliceRows } from './rows.js';

if (process.env['LOWBIT_BACKEND']) await initDefaultBackend();

const sig = (x: number): number => 1 / (1 + Math.exp(-x));

test('gru cell: the two ops equal the GRU formulas computed in float64', () => {
  const [batch, hidden] = [3, 5];
  const xp = randn([batch, 3 * hidden], { seed: 1, scale: 2 }), hp = randn([batch, 3 * hidden], { seed: 2, scale: 2 });
  const hPrev = randn([batch, hidden], { seed: 3 });
  const h = gruHidden(gruGates(xp, hp), hPrev).dataSync();
  const x = xp.dataSync(), s = hp.dataSync(), hv = hPrev.dataSync();
  for (let b = 0; b < batch; b++) for (let j = 0; j < hidden; j++) {
    const at = (a: Float32Array, gate: number): number => a[b * 3 * hidden + gate * hidden + j]!;
    const r = sig(at(x, 0) + at(s, 0)), z = sig(at(x, 1) + at(s, 1)), n = Math.tanh(at(x, 2) + r * at(s, 2));
    assert.ok(Math.abs(h[b * hidden + j]! - ((1 - z) * n + z * hv[b * hidden + j]!)) < 1e-6, `h[${b},${j}]`);
  }
});

function unrolled([x, wx, wh, h0]: Tensor[], steps: number): Tensor {
  const batch = h0!.shape[0]!, proj = matmulT(x!, wx!), hs: Tensor[] = [];
  let h = h0!;
  for (let t = 0; t < steps; t++) {
    h = gruHidden(gruGates(sliceRows(proj, t * batch, batch), matmulT(h, wh!)), h);
    hs.push(h);
  }
  return concatRows(hs);
}

test('gru cell: gradients through 4 steps match finite differences (input, both weights, initial state)', () => {
  const [steps, batch, inputs, hidden] = [4, 2, 3, 4];
  checkGradient((t) => unrolled(t, steps), [
    randn([steps * batch, inputs], { seed: 3 }), randn([3 * hidden, inputs], { seed: 4, scale: 0.7 }),
    randn([3 * hidden, hidden], { seed: 5, scale: 0.7 }), randn([batch, hidden], { seed: 6 }),
  ], { eps: 1e-2, tolerance: 2e-2, seed: 4 });
});

test('gru cell: shapes that do not fit are errors naming the op', () => {
  assert.throws(() => gruGates(randn([2, 6]), randn([2, 9])), /gruGates: shapes \[2,6\] and \[2,9\]/);
  assert.throws(() => gruHidden(randn([2, 9]), randn([2, 2])), /gruHidden/);
});
