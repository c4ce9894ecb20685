import assert from 'node:assert/strict';
import { test } from 'node:test';
import { quantizerForBits } from './by-bits.js';
import { quantizer } from './registry.js';

test('quantizerForBits: 1 → sign, 2..8 → linear or log, 32 → identity; bits property matches', () => {
  assert.deepEqual(quantizerForBits(1), { name: 'steSign' });
  assert.deepEqual(quantizerForBits(1, { stochastic: true }), { name: 'steStochasticSign' });
  for (let bits = 2; bits <= 8; bits++) {
    assert.equal(quantizer(quantizerForBits(bits)).bits, bits);
    assert.equal(quantizer(quantizerForBits(bits, { quant: 'log' })).name, 'steLog');
  }
  assert.equal(quantizer(quantizerForBits(32)).bits, 32);
  assert.throws(() => quantizerForBits(9), /1\.\.8 or 32/);
  assert.throws(() => quantizerForBits(2, { stochastic: true }), /stochastic/);
});
