import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkGradient } from '../autograd/check-gradient.js';
import { initDefaultBackend } from '../backends/default-backend.js';
import { randn, tensor } from '../tensor/creation.js';
import { softmaxCrossEntropy, squaredHinge } from './losses.js';

if (process.env['LOWBIT_BACKEND']) await initDefaultBackend();

const labels = Int32Array.from([2, 0, 1, 2, 4]);

test('softmaxCrossEntropy: equal logits give log(classes); a confident right row gives ~0', () => {
  assert.ok(Math.abs(softmaxCrossEntropy(tensor([[0, 0, 0, 0]]), Int32Array.from([1])).dataSync()[0]! - Math.log(4)) < 1e-6);
  assert.ok(softmaxCrossEntropy(tensor([[0, 50, 0]]), Int32Array.from([1])).dataSync()[0]! < 1e-6);
  // large logits must not overflow: log(1 + e^-1) for [1000, 999] with label 0
  assert.ok(Math.abs(softmaxCrossEntropy(tensor([[1000, 999]]), Int32Array.from([0])).dataSync()[0]! - Math.log(1 + Math.exp(-1))) < 1e-5);
});

test('softmaxCrossEntropy: gradient matches finite differences', () =>
  checkGradient(([y]) => softmaxCrossEntropy(y!, labels), [randn([5, 5], { seed: 11, scale: 2 })], { seed: 11 }));

test('squaredHinge: mean over rows × classes of max(0, 1 - t·y)², t = ±1 one-hot (QNN-SPEC §4.5)', () => {
  // row 0, label 0: t = [+1, -1, -1]: margins 1-0.5 = 0.5, 1-0.5 = 0.5 (y=-0.5), 1+2 = 3 (y=2) → 0.25 + 0.25 + 9
  // row 1, label 2: t = [-1, -1, +1]: margins 0 (y=-3), 1 (y=0), 0 (y=1.5) → 0 + 1 + 0
  const l = squaredHinge(tensor([[0.5, -0.5, 2], [-3, 0, 1.5]]), Int32Array.from([0, 2]));
  assert.ok(Math.abs(l.dataSync()[0]! - 10.5 / 6) < 1e-6, `loss ${l.dataSync()[0]}`);
});

test('squaredHinge: gradient matches finite differences away from the kink t·y = 1', () =>
  // t = ±1, so t·y = 1 at y = ±1: skip elements near either
  checkGradient(([y]) => squaredHinge(y!, labels), [randn([5, 5], { seed: 12, scale: 1.5 })], { seed: 12, avoid: [-1, 1] }));

test('losses: a label outside the classes or a label count mismatch is an error', () => {
  assert.throws(() => squaredHinge(randn([2, 3]), Int32Array.from([0, 3])), /label 3 is outside 0..2/);
  assert.throws(() => softmaxCrossEntropy(randn([2, 3]), Int32Array.from([0])), /2 rows of scores but 1 labels/);
});
