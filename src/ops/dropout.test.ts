import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkGradient } from '../autograd/check-gradient.js';
import { initDefaultBackend } from '../backends/default-backend.js';
import { randn, tensor } from '../tensor/creation.js';
import { Random } from '../tensor/random.js';
import { dropout } from './dropout.js';

if (process.env['LOWBIT_BACKEND']) await initDefaultBackend();

test('dropout: drops where u < p and scales the rest by 1/(1-p)', () => {
  const y = dropout(tensor([1, 2, 3, 4]), 0.25, Float32Array.from([0.1, 0.25, 0.9, 0.2]));
  assert.deepEqual([...y.dataSync()], [0, 2 / 0.75, 3 / 0.75, 0].map(Math.fround));
});

test('dropout: gradient matches finite differences with fixed uniforms', () => {
  const seed = 9, x = randn([3, 8], { seed });
  const u = new Random(seed + 1).fillUniform(new Float32Array(x.size));
  checkGradient(([t]) => dropout(t!, 0.3, u), [x], { seed });
});
