import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initDefaultBackend } from './default-backend.js';
import { kernels } from './registry.js';

test('initDefaultBackend: wasm when it loads, LOWBIT_BACKEND picks, an unknown name is an error', async () => {
  const saved = process.env['LOWBIT_BACKEND'];
  try {
    delete process.env['LOWBIT_BACKEND'];
    assert.equal((await initDefaultBackend()).name, 'wasm');
    assert.equal(kernels().name, 'wasm');
    process.env['LOWBIT_BACKEND'] = 'reference';
    assert.equal((await initDefaultBackend()).name, 'reference');
    process.env['LOWBIT_BACKEND'] = 'nope';
    await assert.rejects(initDefaultBackend(), /LOWBIT_BACKEND='nope' is not a backend; known: reference, wasm/);
  } finally {
    if (saved === undefined) delete process.env['LOWBIT_BACKEND']; else process.env['LOWBIT_BACKEND'] = saved;
  }
});
