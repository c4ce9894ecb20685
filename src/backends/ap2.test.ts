import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ap2, logQuantValue, roundHalfAway } from './ap2.js';

test('ap2: the QNN-SPEC §11 values', () => {
  const cases: [number, number][] = [[0.3, 0.25], [0.7, 0.5], [0.75, 1], [1.5, 2], [2.8, 2], [3, 4], [-5, -4], [0, 0]];
  for (const [x, want] of cases) assert.equal(ap2(x), want, `AP2(${x})`);
});

test('ap2: non-finite input gives NaN, not a power of two', () => {
  assert.ok(Number.isNaN(ap2(NaN)));
  assert.ok(Number.isNaN(ap2(Infinity)));
});

test('roundHalfAway: C rounding, halves away from zero (unlike Math.round on negatives)', () => {
  assert.deepEqual([2.5, -2.5, 0.5, -0.5, 1.49, -1.49].map(roundHalfAway), [3, -3, 1, -1, 1, -1]);
  assert.equal(Math.round(-2.5), -2); // why the helper exists
});

test('logQuantValue: underflow to 0, saturation at 2^eMax, sign kept', () => {
  // eMin -3, eMax 0: magnitudes 1, 1/2, 1/4, 1/8
  assert.equal(logQuantValue(0.3, -3, 0), 0.25);
  assert.equal(logQuantValue(-0.3, -3, 0), -0.25);
  assert.equal(logQuantValue(5, -3, 0), 1);
  assert.equal(logQuantValue(-5, -3, 0), -1);
  assert.equal(logQuantValue(0.1, -3, 0), 0.125);   // log2 0.1 = -3.32 → -3
  assert.equal(logQuantValue(0.08, -3, 0), 0);      // log2 0.08 = -3.64 → -4 < eMin
  assert.equal(logQuantValue(0, -3, 0), 0);
});
