import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LowbitError } from '../errors/lowbit-error.js';
import { cosineDecay, exponentialDecay, halveEvery } from './lr-schedule.js';

// QNN-SPEC §4.6 / §11: λ = (lrEnd/lrStart)^(1/epochs) per epoch.
const CASES: [string, number, number, number, number][] = [
  ['MNIST', 0.003, 3e-7, 1000, 0.9908319],
  ['CIFAR-10', 0.001, 3e-7, 500, 0.9839074],
  ['SVHN', 0.001, 1e-6, 200, 0.9660509],
];

for (const [name, start, end, epochs, factor] of CASES) {
  test(`exponentialDecay: ${name} per-epoch factor ${factor} (QNN-SPEC §11)`, () => {
    const lr = exponentialDecay(start, end, epochs);
    assert.equal(lr(0), start);
    for (const epoch of [1, 2, Math.floor(epochs / 2)]) {
      const got = lr(epoch) / lr(epoch - 1);
      assert.ok(Math.abs(got - factor) < 5e-8, `${name}: epoch ${epoch} factor ${got}, expected ${factor}`);
    }
    assert.ok(Math.abs(lr(epochs) / end - 1) < 1e-9, `${name}: reaches lrEnd after ${epochs} epochs, got ${lr(epochs)}`);
  });
}

test('halveEvery: halves every period epochs', () => {
  const lr = halveEvery(0.004, 20);
  assert.deepEqual([0, 19, 20, 39, 40, 65].map(lr), [0.004, 0.004, 0.002, 0.002, 0.001, 0.0005]);
});

test('cosineDecay: lrStart at 0, the midpoint halfway, lrEnd at the end, falling all the way', () => {
  const lr = cosineDecay(0.002, 1e-5, 30);
  assert.equal(lr(0), 0.002);
  assert.ok(Math.abs(lr(15) - (0.002 + 1e-5) / 2) < 1e-12, `midpoint ${lr(15)}`);
  assert.ok(Math.abs(lr(30) - 1e-5) < 1e-15, `end ${lr(30)}`);
  assert.equal(lr(45), lr(30), 'past the last epoch (a resume with more epochs) it stays at lrEnd');
  for (let e = 1; e <= 30; e++) assert.ok(lr(e) < lr(e - 1), `falls at epoch ${e}`);
  // symmetric about the midpoint: as far above it at 15 - d as below at 15 + d
  for (const d of [1, 7, 14]) assert.ok(Math.abs(lr(15 - d) + lr(15 + d) - 2 * lr(15)) < 1e-12);
});

test('schedules: bad arguments are LowbitErrors', () => {
  assert.throws(() => exponentialDecay(0, 1e-3, 10), LowbitError);
  assert.throws(() => exponentialDecay(1e-3, -1, 10), LowbitError);
  assert.throws(() => exponentialDecay(1e-3, 1e-4, 0), LowbitError);
  assert.throws(() => exponentialDecay(1e-3, 1e-4, 2.5), LowbitError);
  assert.throws(() => halveEvery(1e-3, 0), LowbitError);
  assert.throws(() => cosineDecay(1e-3, 0, 10), LowbitError);
  assert.throws(() => cosineDecay(1e-3, 1e-4, 0), LowbitError);
});
