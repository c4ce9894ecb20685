import assert from 'node:assert/strict';
import { test } from 'node:test';
import { duration, plural } from './format.js';

test('duration: seconds, minutes and hours in words; plural counts', () => {
  assert.equal(duration(42.4), '42 s');
  assert.equal(duration(799), '13 min 19 s');
  assert.equal(duration(3600 + 5 * 60 + 9), '1 h 05 min');
  assert.equal(duration(Number.NaN), '?');
  assert.equal(plural(1, 'epoch'), '1 epoch');
  assert.equal(plural(20, 'epoch'), '20 epochs');
});
