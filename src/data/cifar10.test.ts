import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { batches, toFloat } from './batches.js';
import { loadCifar10 } from './cifar10.js';
import { DataError } from './data-error.js';

const NAMES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin', 'test_batch.bin'];

/** A batch file of `n` records: record i has label i mod 10 and R, G, B planes filled with i, i+1, i+2 at pixel p (+p). */
function batchFile(n: number, first = 0): Uint8Array {
  const b = new Uint8Array(n * 3073);
  for (let i = 0; i < n; i++) {
    b[i * 3073] = (first + i) % 10;
    for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) b[i * 3073 + 1 + c * 1024 + p] = (first + i + c + p) % 256;
  }
  return b;
}

async function folder(files: Record<string, Uint8Array>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lowbit-cifar-'));
  for (const [name, bytes] of Object.entries(files)) await writeFile(join(dir, name), bytes);
  return dir;
}

test('cifar10: the shipped copy in the paper split, NHWC, official facts (SOURCE.md)', async () => {
  const { train, validation, test: t } = await loadCifar10();
  assert.deepEqual([train.count, validation.count, t.count], [45000, 5000, 10000]);
  assert.deepEqual(train.shape, [32, 32, 3]);
  assert.deepEqual([...train.labels.subarray(0, 10)], [6, 9, 9, 4, 1, 1, 2, 7, 8, 3]);
  assert.deepEqual([...t.labels.subarray(0, 10)], [3, 8, 8, 0, 6, 6, 1, 6, 3, 1]);
  // per-channel mean over all 50k training images: only right if the planes were transposed to NHWC
  const sums = [0, 0, 0];
  for (const ds of [train, validation]) for (let k = 0; k < ds.images.length; k++) sums[k % 3] = sums[k % 3]! + ds.images[k]!;
  const means = sums.map((s) => s / (50000 * 1024));
  [125.307, 122.950, 113.865].forEach((m, c) => assert.ok(Math.abs(means[c]! - m) < 5e-3, `channel ${c}: ${means[c]} vs ${m}`));
  const first = batches(validation, { batchSize: 4, scale: 'unit' }).next();
  assert.ok(!first.done);
  assert.deepEqual(first.value.x.shape, [4, 32, 32, 3]);
});

test('cifar10: a user copy, plain or gzipped, transposed planes to NHWC; validation is the last 5000 training images', async () => {
  const files: Record<string, Uint8Array> = {};
  NAMES.forEach((n, i) => { const b = batchFile(i === 5 ? 7 : 1001, i * 1001); files[i % 2 ? `${n}.gz` : n] = i % 2 ? gzipSync(b) : b; });
  const dir = await folder(files);
  try {
    const { train, validation, test: t } = await loadCifar10({ dir });
    assert.deepEqual([train.count, validation.count, t.count], [5 * 1001 - 5000, 5000, 7]);
    assert.equal(validation.labels[0], (5 * 1001 - 5000) % 10);
    const x = toFloat(t, 'unit');
    assert.deepEqual(x.shape, [7, 32, 32, 3]);
    // image 3 of the test file (first index 5005), pixel (y=2, x=5) = p 69: channel c holds (5005 + 3 + c + 69) % 256
    for (let c = 0; c < 3; c++) assert.equal(t.images[3 * 3072 + (2 * 32 + 5) * 3 + c], (5005 + 3 + c + 69) % 256);
  } finally { await rm(dir, { recursive: true }); }
});

test('cifar10: damaged copies are refused with a DataError naming the file and the fix', async () => {
  const good = batchFile(1001);
  const cases: Array<[string, Record<string, Uint8Array>, RegExp]> = [
    ['a missing file', { ...Object.fromEntries(NAMES.slice(0, 5).map((n) => [n, good])) }, /no such file: .*test_batch\.bin/],
    ['a truncated batch', { ...Object.fromEntries(NAMES.map((n) => [n, good])), 'data_batch_3.bin': good.subarray(0, 3073 * 5 + 100) }, /data_batch_3\.bin holds 15465 bytes, not a whole number of 3073-byte records/],
    ['a label past 9', { ...Object.fromEntries(NAMES.map((n) => [n, good])), 'test_batch.bin': Uint8Array.from(good, (v, k) => (k === 3073 * 4 ? 10 : v)) }, /test_batch\.bin has label 10 at record 4/],
    ['too few training images', Object.fromEntries(NAMES.map((n) => [n, batchFile(3)])), /hold 15 images; the paper's split needs more than 5000/],
    ['bad gzip', { ...Object.fromEntries(NAMES.map((n) => [n, good])), 'data_batch_1.bin': Uint8Array.of(0x1f, 0x8b, 8, 0, 1, 2, 3) }, /data_batch_1\.bin looks gzipped but does not inflate/],
  ];
  for (const [what, files, message] of cases) {
    const dir = await folder(files);
    try {
      await assert.rejects(loadCifar10({ dir }), (e: Error) => e instanceof DataError && message.test(e.message) && /Point --data/.test(e.message), what);
    } finally { await rm(dir, { recursive: true }); }
  }
});
