import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initDefaultBackend } from './default-backend.js';
import { LowbitError } from '../errors/lowbit-error.js';
import { kernels, opaque, registerBackend } from './registry.js';
import { loadWasmKernels } from './wasm/index.js';

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

test('initDefaultBackend: a wasm backend that cannot load falls back to reference and says so', async () => {
  const saved = process.env['LOWBIT_BACKEND'];
  delete process.env['LOWBIT_BACKEND'];
  registerBackend('wasm', () => { throw new Error('no build/lowbit.wasm'); });
  try {
    const said: string[] = [];
    assert.equal((await initDefaultBackend((line) => said.push(line))).name, 'reference');
    assert.equal(said.length, 1);
    assert.match(said[0]!, /the wasm backend cannot load here \(no build\/lowbit\.wasm\); running on the slow reference backend/);
    registerBackend('wasm', () => { throw new LowbitError("LOWBIT_THREADS='0' is not a thread count"); });
    await assert.rejects(initDefaultBackend(() => assert.fail('a bad setting is no fallback')), /LOWBIT_THREADS='0'/);
  } finally {
    registerBackend('wasm', async () => opaque(await loadWasmKernels()));
    if (saved !== undefined) process.env['LOWBIT_BACKEND'] = saved;
  }
});
