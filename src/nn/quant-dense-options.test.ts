import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LowbitError } from '../errors/lowbit-error.js';
import { randn } from '../tensor/creation.js';
import { QuantDense } from './quant-dense.js';

test('QuantDense: bad sizes and quantizer names are LowbitErrors; a wrong input width names the layer', () => {
  assert.throws(() => new QuantDense(0, 3), (e: Error) => e instanceof LowbitError && /inFeatures/.test(e.message));
  assert.throws(() => new QuantDense(3, 2.5), /outFeatures/);
  assert.throws(() => new QuantDense(3, 2, { kernelQuantizer: 'sign' }), /unknown quantizer 'sign'/);
  assert.throws(() => new QuantDense(3, 2).forward(randn([1, 4])), /QuantDense\(3→2\).*\[1,4\]/);
});
