import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LowbitError } from '../errors/lowbit-error.js';
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

test('steLinear: the range must give finite, distinct float32 levels (|lo|, |hi| <= 2^24, step >= 2^-20·max(1, |lo|, |hi|))', () => {
  const refuses = (lo: number, hi: number, bits: number, re: RegExp) =>
    assert.throws(() => steLinear({ bits, lo, hi }), (e: unknown) => e instanceof LowbitError && /^steLinear: /.test(e.message) && re.test(e.message), `[${lo}, ${hi}] ${bits} bits`);
  refuses(-1e308, 1e308, 2, /within ±2\^24/); // the step overflowed to Infinity and the outputs were NaN
  refuses(-(2 ** 24) - 2, 0, 2, /within ±2\^24/);
  refuses(0, 1e-9, 1, /step .* too fine/);
  refuses(1000, 1000.001, 4, /step .* too fine/);
  refuses(1, 1, 2, /lo < hi/);
  refuses(NaN, 1, 2, /finite range/);
  refuses(0, Infinity, 2, /finite range/);
  refuses(0, '1' as unknown as number, 2, /finite range/);
  for (const [lo, hi, bits] of [[-(2 ** 24), 2 ** 24, 8], [0, 2 ** -12, 8], [-0.25, 2, 3]] as const) {
    const q = steLinear({ bits, lo, hi }), y = q.apply(sweep(lo - (hi - lo), hi + (hi - lo), 8001), ctx).dataSync();
    assert.ok(y.every(Number.isFinite), `[${lo}, ${hi}] ${bits} bits: finite outputs`);
    assert.equal(new Set(y).size, 2 ** bits, `[${lo}, ${hi}] ${bits} bits: ${2 ** bits} distinct float32 levels`);
  }
});
