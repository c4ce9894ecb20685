import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { quantizer } from './registry.js';
import { steLinear } from './ste-linear.js';

const ctx = { training: true, rng: new Random(1) };
const sweep = (lo: number, hi: number, n = 4001): Tensor =>
  new Tensor(Float32Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1)), [n]);

test('steLinear: k bits give exactly 2^k levels, both ends included, k = 1..8', () => {
  for (let bits = 1; bits <= 8; bits++) {
    const q = steLinear({ bits });
    assert.equal(q.bits, bits);
    const levels = [...new Set(q.apply(sweep(-1.5, 1.5), ctx).dataSync())].sort((a, b) => a - b);
    assert.equal(levels.length, 2 ** bits, `bits ${bits}`);
    assert.equal(levels[0], -1); assert.equal(levels[levels.length - 1], 1);
  }
});

test('steLinear: 1 bit on [-1, 1] is the sign (q(0) = +1) and is marked binary', () => {
  const q = steLinear({ bits: 1 });
  assert.equal(q.binary, true);
  assert.deepEqual([...q.apply(new Tensor(Float32Array.from([-0.3, 0, 2, -0]), [4]), ctx).dataSync()], [-1, 1, 1, 1]);
  assert.equal(steLinear({ bits: 1, lo: 0, hi: 1 }).binary, false);
  assert.equal(steLinear({ bits: 2 }).binary, false);
});

test('steLinear: round-trips through its config by name, and rejects bad bit widths', () => {
  const q = quantizer({ name: 'steLinear', bits: 3, lo: -2, hi: 2 });
  assert.deepEqual(q.config(), { name: 'steLinear', bits: 3, lo: -2, hi: 2 });
  assert.equal(quantizer(q.config()).bits, 3);
  assert.throws(() => steLinear({ bits: 9 }), /1\.\.8/);
  assert.throws(() => steLinear({ bits: 0 }), /1\.\.8/);
});
