import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backward } from '../autograd/backward.js';
import { checkGradient } from '../autograd/check-gradient.js';
import { initDefaultBackend } from '../backends/default-backend.js';
import { LowbitError } from '../errors/lowbit-error.js';
import { Random } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { maxPool2d } from './max-pool.js';

if (process.env['LOWBIT_BACKEND']) await initDefaultBackend();

/** [batch, H, W, C, size, stride]: odd sizes (the last row/column dropped), overlapping windows. */
const CASES: [number, number, number, number, number, number][] = [[2, 5, 7, 3, 2, 2], [1, 6, 6, 33, 3, 2], [3, 4, 4, 1, 2, 1], [1, 3, 3, 2, 3, 3]];

for (const [i, [b, h, w, c, size, stride]] of CASES.entries()) {
  test(`maxPool2d: forward is each window's maximum and the gradient finite differences, x [${b},${h},${w},${c}] size ${size} stride ${stride}`, () => {
    const seed = 600 + i, rng = new Random(seed);
    // distinct values far apart, so that no finite-difference step changes a window's winner
    const order = Array.from({ length: b * h * w * c }, (_, k) => k).sort(() => rng.uniform() - 0.5);
    const x = new Tensor(Float32Array.from(order, (k) => k * 0.1 - 3), [b, h, w, c]);
    const y = maxPool2d(x, size, stride), oh = Math.floor((h - size) / stride) + 1, ow = Math.floor((w - size) / stride) + 1;
    assert.deepEqual(y.shape, [b, oh, ow, c]);
    const xv = x.dataSync(), yv = y.dataSync();
    for (let s = 0; s < b; s++) for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) for (let ch = 0; ch < c; ch++) {
      let best = -Infinity;
      for (let p = 0; p < size; p++) for (let q = 0; q < size; q++) best = Math.max(best, xv[((s * h + oy * stride + p) * w + ox * stride + q) * c + ch]!);
      assert.equal(yv[((s * oh + oy) * ow + ox) * c + ch], best, `seed ${seed} output (${s},${oy},${ox},${ch})`);
    }
    checkGradient(([a]) => maxPool2d(a!, size, stride), [x], { seed, eps: 1e-3 });
  });
}

test('maxPool2d: the gradient of a tie goes to the first maximum only', () => {
  const x = new Tensor(Float32Array.of(1, 2, 2, 0), [1, 2, 2, 1]);
  x.requiresGrad = true;
  const y = maxPool2d(x, 2);
  backward(y, new Tensor(Float32Array.of(5), y.shape));
  assert.deepEqual([...y.dataSync()], [2]);
  assert.deepEqual([...x.grad!.dataSync()], [0, 5, 0, 0]);
});

test('maxPool2d: a window larger than the input, or a bad size, fails with what to fix', () => {
  const x = new Tensor(new Float32Array(12), [1, 2, 2, 3]);
  assert.throws(() => maxPool2d(x, 3), (e) => e instanceof LowbitError && /3×3 window does not fit the input's height 2/.test(e.message));
  assert.throws(() => maxPool2d(x, 0), (e) => e instanceof LowbitError && /window must be positive integers/.test(e.message));
  assert.throws(() => maxPool2d(new Tensor(new Float32Array(4), [2, 2]), 2), (e) => e instanceof LowbitError && /NHWC/.test(e.message));
});
