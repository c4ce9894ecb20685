import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LowbitError } from '../../errors/lowbit-error.js';
import { runConformance } from '../conformance.js';
import { makeDeferredBackend } from './deferred-backend.js';

const k = makeDeferredBackend();
runConformance('deferred', k, { persistent: false }); // persistent storage is the same arrays

test('deferred: a kernel runs after the call returns; read waits for it and returns a copy', async () => {
  const x = k.fromArray(Float32Array.of(-2, 0.5, 3)), out = k.alloc('f32', 3);
  k.clamp(x, out, -1, 1);
  assert.deepEqual(out as unknown as Float32Array, new Float32Array(3), 'not run yet: the storage is stale');
  const first = await k.read(out);
  assert.deepEqual(first, Float32Array.of(-1, 0.5, 1));
  k.sign(x, out);
  await k.flush();
  assert.deepEqual(first, Float32Array.of(-1, 0.5, 1), 'a value read earlier does not change');
  assert.deepEqual(await k.read(out), Float32Array.of(-1, 1, 1));
  assert.equal(k.readSync, undefined);
  assert.equal(k.lengthOf(out), 3);
  assert.ok(k.isStorage(out) && k.isStorage(x));
  assert.ok(!k.isStorage(new Float32Array(3)), 'a host array is values to upload, not storage');
});

test('deferred: uploads and writes take copies, in queue order', async () => {
  const values = Float32Array.of(1, 2), buf = k.fromArray(values);
  values[0] = 9;
  const out = k.alloc('f32', 2);
  k.copy(buf, 0, out, 0, 2);
  const later = Float32Array.of(5, 6);
  k.write(buf, later);
  later[1] = 9;
  const shape = [2];
  k.broadcastBinary('add', buf, [1], out, [1], out, shape);
  shape[0] = 1; // the caller reuses its array at once
  assert.deepEqual(await k.read(buf), Float32Array.of(5, 6));
  assert.deepEqual(await k.read(out), Float32Array.of(6, 8));
});

test('deferred: an error in a queued kernel rejects the next read once, and the queue goes on', async () => {
  const g = k.fromArray(Float32Array.of(1, NaN)), out = k.alloc('f32', 2), scale = k.alloc('i32', 2);
  k.gradQuantLog(g, 6, out, scale); // does not throw here: it has not run
  const x = k.fromArray(Float32Array.of(-3)), y = k.alloc('f32', 1);
  k.sign(x, y);
  await assert.rejects(k.read(y), (e: unknown) => e instanceof LowbitError && /NaN at element 1/.test(e.message));
  assert.deepEqual(await k.read(y), Float32Array.of(-1), 'the kernel after the failing one ran');
  k.gradQuantLog(g, 6, out, scale);
  await assert.rejects(k.flush(), LowbitError);
  await k.flush();
});
