import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkGradient } from '../autograd/check-gradient.js';
import { initDefaultBackend } from '../backends/default-backend.js';
import { ShapeError } from '../errors/shape-error.js';
import { randn } from '../tensor/creation.js';
import { mul } from './arithmetic.js';
import { reshape } from './reshape.js';

if (process.env['LOWBIT_BACKEND']) await initDefaultBackend();

test('reshape: gradient flows back in the input shape (through a product that uses the new shape)', () => {
  const seed = 6, w = randn([4, 6], { seed: seed + 1 });
  checkGradient(([x]) => mul(reshape(x!, [4, 6]), w), [randn([2, 3, 4], { seed })], { seed });
});

test('reshape: a different size is a ShapeError naming both shapes', () => {
  assert.throws(() => reshape(randn([2, 3]), [4, 2]), (e: Error) => e instanceof ShapeError && e.message.includes('[2,3]') && e.message.includes('[4,2]'));
});
