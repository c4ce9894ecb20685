import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random } from '../tensor/random.js';
import { gradQuantLog } from './grad-quant-log.js';

test('gradQuantLog: one scale per tensor from max|G|, 31 magnitudes for 6 bits, underflow to 0', () => {
  const q = gradQuantLog(Float32Array.from([0.3, -0.05, 2 ** -20, 2 ** -40, 0, -0.2]));
  // max 0.3 → eMax = round(log2 0.3 = -1.74) = -2, eMin = -32
  assert.equal(q.eMax, -2); assert.equal(q.eMin, -32); assert.equal(q.planes, 31);
  assert.deepEqual([...q.values], [0.25, -0.0625, 2 ** -20, 0, 0, -0.25]);
});

test('gradQuantLog: deterministic, every value 0 or ±2^e inside [eMin, eMax], relative error <= √2', () => {
  const rng = new Random(11);
  const g = Float32Array.from({ length: 2000 }, () => rng.normal() * 10 ** (rng.uniform() * 6 - 5));
  const a = gradQuantLog(g), b = gradQuantLog(g);
  assert.deepEqual(a.values, b.values);
  for (let i = 0; i < g.length; i++) {
    const v = a.values[i]!;
    if (v === 0) { assert.ok(Math.abs(g[i]!) < 2 ** (a.eMin - 0.5), `element ${i} (seed 11) underflowed wrongly: ${g[i]}`); continue; }
    const e = Math.log2(Math.abs(v));
    assert.ok(Number.isInteger(e) && e >= a.eMin && e <= a.eMax, `element ${i}: ${v}`);
    assert.equal(Math.sign(v), Math.sign(g[i]!));
    const ratio = Math.abs(v / g[i]!);
    assert.ok(ratio <= Math.SQRT2 + 1e-6 && ratio >= Math.SQRT1_2 - 1e-6, `element ${i}: ${g[i]} → ${v}`);
  }
});

test('gradQuantLog: an all-zero gradient stays zero; a non-finite one is an error', () => {
  assert.deepEqual([...gradQuantLog(new Float32Array(3)).values], [0, 0, 0]);
  assert.throws(() => gradQuantLog(Float32Array.from([1, NaN])), /diverged/);
});
