import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadMnist } from './mnist.js';
import { DataError } from './data-error.js';

function idx(dims: number[], payload = new Uint8Array(dims.reduce((n, d) => n * d, 1))): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * dims.length + payload.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 0x800 | dims.length);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  bytes.set(payload, 4 + 4 * dims.length);
  return bytes;
}

/** A folder of four small IDX files; `change` swaps some of them for broken ones. */
async function fixture(change: Record<string, Uint8Array>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lowbit-mnist-'));
  const files: Record<string, Uint8Array> = {
    'train-images-idx3-ubyte': idx([3, 28, 28]), 'train-labels-idx1-ubyte': idx([3], new Uint8Array([1, 2, 3])),
    't10k-images-idx3-ubyte': idx([2, 28, 28]), 't10k-labels-idx1-ubyte': idx([2], new Uint8Array([4, 5])),
    ...change,
  };
  for (const [name, bytes] of Object.entries(files)) await writeFile(join(dir, name), bytes);
  return dir;
}

async function rejects(change: Record<string, Uint8Array>, pattern: RegExp, remove?: string): Promise<void> {
  const dir = await fixture(change);
  try {
    if (remove) await rm(join(dir, remove));
    await assert.rejects(loadMnist({ dir }), (e: unknown) => e instanceof DataError && pattern.test(e.message));
  } finally {
    await rm(dir, { recursive: true });
  }
}

test('loadMnist: the real files give the paper split and known labels', async () => {
  const { train, validation, test: testSet } = await loadMnist();
  assert.deepEqual([train.count, validation.count, testSet.count], [50_000, 10_000, 10_000]);
  for (const ds of [train, validation, testSet]) {
    assert.equal(ds.features, 784);
    assert.deepEqual(ds.shape, [28, 28, 1]);
    assert.equal(ds.images.length, ds.count * 784);
    assert.equal(ds.labels.length, ds.count);
  }
  assert.deepEqual([...train.labels.subarray(0, 10)], [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
  assert.deepEqual([...testSet.labels.subarray(0, 10)], [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
  // the published per-class counts of both files
  const counts = (...sets: Int32Array[]) => {
    const c = new Array<number>(10).fill(0);
    for (const labels of sets) for (const l of labels) c[l]!++;
    return c;
  };
  assert.deepEqual(counts(train.labels, validation.labels), [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
  assert.deepEqual(counts(testSet.labels), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  // train and validation are views of one file, validation starting right after train
  assert.equal(train.images.buffer, validation.images.buffer);
  assert.equal(validation.images.byteOffset, train.images.byteOffset + 50_000 * 784);
});

test('loadMnist: image and label counts must agree, naming both files', () =>
  rejects({ 't10k-labels-idx1-ubyte': idx([3], new Uint8Array([1, 2, 3])) },
    /t10k-images-idx3-ubyte holds 2 images but .*t10k-labels-idx1-ubyte holds 3 labels/));

test('loadMnist: a label of 11 names the file and index', () =>
  rejects({ 'train-labels-idx1-ubyte': idx([3], new Uint8Array([1, 11, 3])) },
    /train-labels-idx1-ubyte has label 11 at index 1/));

test('loadMnist: a labels file in place of images is refused by magic', () =>
  rejects({ 'train-images-idx3-ubyte': idx([3], new Uint8Array([1, 2, 3])) },
    /train-images-idx3-ubyte is not an IDX image file \(magic 0x801, expected 0x803\)/));

test('loadMnist: images that are not 28×28 are refused', () =>
  rejects({ 't10k-images-idx3-ubyte': idx([2, 32, 32]) }, /t10k-images-idx3-ubyte holds 32×32 images/));

test('loadMnist: a truncated file names the file', async () => {
  const bytes = idx([2, 28, 28]);
  await rejects({ 't10k-images-idx3-ubyte': bytes.subarray(0, bytes.length - 100) }, /t10k-images-idx3-ubyte is truncated/);
});

test('loadMnist: a missing file names the path and the fix', () =>
  rejects({}, /no such file: .*t10k-labels-idx1-ubyte \(nor .*\.gz\).*--data/, 't10k-labels-idx1-ubyte'));

test('loadMnist: too few training images for the 50k/10k split', () =>
  rejects({}, /train-images-idx3-ubyte holds 3 images; the paper's split needs more than 50000/));

test('loadMnist: reads each file as is or gzipped (name.gz), and checks what it inflates', async () => {
  const dir = await fixture({});
  try {
    for (const name of ['train-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
      const path = join(dir, name);
      await writeFile(`${path}.gz`, gzipSync(await readFile(path)));
      await rm(path);
    }
    // the fixture's 3 training images are parsed, then refused for the paper's split
    await assert.rejects(loadMnist({ dir }), /train-images-idx3-ubyte holds 3 images; the paper's split needs more than 50000/);
    await writeFile(join(dir, 't10k-labels-idx1-ubyte.gz'), new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3]));
    await assert.rejects(loadMnist({ dir }), /t10k-labels-idx1-ubyte\.gz looks gzipped but does not inflate/);
  } finally {
    await rm(dir, { recursive: true });
  }
});
