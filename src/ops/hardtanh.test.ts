import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkGradient } from '../autograd/check-gradient.js';
import { initDefaultBackend } from '../backends/default-backend.js';
import { randn, tensor } from '../tensor/creation.js';
import { hardtanh } from './hardtanh.js';

if (process.env['LOWBIT_BACKEND']) await initDefaultBackend();

test('hardtanh: clamps to [-1, 1]', () => {
  assert.deepEqual([...hardtanh(tensor([-2, -1, -0.5, 0, 0.5, 1, 3])).dataSync()], [-1, -1, -0.5, 0, 0.5, 1, 1]);
});

test('hardtanh: gradient matches finite differences away from the ±1 kinks', () =>
  // scale 2: about a third of the inputs are outside [-1, 1], where the gradient must be 0
  checkGradient(([x]) => hardtanh(x!), [randn([4, 7], { seed: 1, scale: 2 })], { avoid: [-1, 1], seed: 1 }));
