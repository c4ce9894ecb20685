import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import { svhnLike, writeMat5 } from '../bench/mat5-writer.js';
import { batches } from '../src/data/batches.js';
import { DataError } from '../src/data/data-error.js';
import { parseMat5 } from '../src/data/mat5.js';
import { loadSvhn, svhnFromMat, SVHN_VALIDATION } from '../src/data/svhn.js';

const pixel = (i: number, row: number, col: number, ch: number) => (i + 3 * row + 5 * col + 7 * ch) % 256;

test('mat5: written files read back, compressed or not, either byte order, several sizes', () => {
  for (const compress of [false, true]) for (const bigEndian of [false, true]) for (const n of [1, 3, 11]) {
    const what = `compress ${compress}, bigEndian ${bigEndian}, n ${n}`;
    const vars = parseMat5(writeMat5([
      { name: 'a', class: 'double', dims: [n, 2], data: Array.from({ length: 2 * n }, (_, k) => k / 3 - 1) },
      { name: 'pixels', class: 'uint8', dims: [2, n], data: Array.from({ length: 2 * n }, (_, k) => (k * 37) % 256) },
    ], { compress, bigEndian }), 'w.mat');
    assert.deepEqual(vars.map((v) => [v.name, v.class, v.dims]), [['a', 6, [n, 2]], ['pixels', 9, [2, n]]], what);
    assert.deepEqual([...vars[0]!.data], Array.from({ length: 2 * n }, (_, k) => k / 3 - 1), what);
    assert.ok(vars[1]!.data instanceof Uint8Array, what);
    assert.deepEqual([...vars[1]!.data], Array.from({ length: 2 * n }, (_, k) => (k * 37) % 256), what);
  }
});

test('svhn: X column-major [32, 32, 3, N] becomes NHWC; label 10 is the digit 0; y double or uint8', () => {
  for (const yClass of ['double', 'uint8'] as const) for (const compress of [false, true]) {
    const ds = svhnFromMat(parseMat5(svhnLike(12, { compress, yClass }), 's.mat'), 's.mat', 'svhn-s');
    assert.deepEqual([ds.count, ds.shape, ds.tensorShape], [12, [32, 32, 3], [32, 32, 3]]);
    assert.deepEqual([...ds.labels], [1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2]);
    for (const [i, row, col, ch] of [[0, 0, 0, 0], [5, 1, 30, 2], [11, 31, 7, 1]] as const) {
      assert.equal(ds.images[i * 3072 + (row * 32 + col) * 3 + ch], pixel(i, row, col, ch), `image ${i} (${row}, ${col}, ${ch})`);
    }
  }
});

test('svhn: loadSvhn splits off the last 6000 training images, gzipped or not, extra appended to train', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'lowbit-svhn-'));
  try {
    await writeFile(join(dir, 'train_32x32.mat'), svhnLike(SVHN_VALIDATION + 5, { compress: true }));
    await writeFile(join(dir, 'test_32x32.mat.gz'), gzipSync(svhnLike(4)));
    await writeFile(join(dir, 'extra_32x32.mat'), svhnLike(3, { bigEndian: true }));
    const s = await loadSvhn({ dir });
    assert.deepEqual([s.train.count, s.validation.count, s.test.count], [5, SVHN_VALIDATION, 4]);
    assert.equal(s.validation.images[0], pixel(5, 0, 0, 0));
    const x = batches(s.test, { batchSize: 4, scale: 'unit' }).next();
    assert.ok(!x.done);
    assert.deepEqual(x.value.x.shape, [4, 32, 32, 3]);
    const withExtra = await loadSvhn({ dir, extra: true });
    assert.equal(withExtra.train.count, 8);
    assert.equal(withExtra.train.images[5 * 3072 + 3], pixel(0, 0, 1, 0)); // extra's image 0, pixel (0, 1) channel 0
    await assert.rejects(loadSvhn({ dir: join(dir, 'none') }), (e: Error) => e instanceof DataError && /no such file: .*train_32x32\.mat/.test(e.message));
  } finally { await rm(dir, { recursive: true }); }
});

/** A file, changed by `edit` at the byte offsets of the writer's layout. */
function edited(bytes: Uint8Array, edit: (v: DataView, b: Uint8Array) => void): Uint8Array {
  const b = bytes.slice();
  edit(new DataView(b.buffer), b);
  return b;
}

test('mat5 and svhn: damaged files are DataErrors that say what and where', () => {
  const plain = svhnLike(2), packed = svhnLike(2, { compress: true });
  // plain layout: header 128, matrix tag 128, flags 136..151, dims tag 152 (16 bytes of dims at 160), name 176, data tag 184
  const bomb = writeMat5([]);
  const inner = new Uint8Array(64 << 20); // 64 MiB of zeros that claim to be a 16-byte matrix
  new DataView(inner.buffer).setUint32(0, 14, true); new DataView(inner.buffer).setUint32(4, 16, true);
  const z = deflateSync(inner), bombFile = new Uint8Array(bomb.length + 8 + z.length);
  bombFile.set(bomb); new DataView(bombFile.buffer).setUint32(bomb.length, 15, true); new DataView(bombFile.buffer).setUint32(bomb.length + 4, z.length, true); bombFile.set(z, bomb.length + 8);
  const liar = edited(packed, (v) => v.setUint32(128 + 8 + 2, 0, true)); // compressed: damage the zlib stream header
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['empty', new Uint8Array(0), /less than the 128-byte MAT-file header/],
    ['no endian mark', edited(plain, (_, b) => { b[126] = 0; }), /no MAT-file endian mark/],
    ['wrong version', edited(plain, (v) => v.setUint16(124, 0x0200, true)), /version 0x200/],
    ['truncated', plain.subarray(0, plain.length - 100), /claims \d+ bytes but \d+ remain/],
    ['cut tag', plain.subarray(0, 132), /cut tag/],
    ['bad flags tag', edited(plain, (v) => v.setUint32(136, 9, true)), /array flags of type 9/],
    ['wrong dims', edited(plain, (v) => v.setInt32(160, 31, true)), /X is uint8 \[31, 32, 3, 2\]|needs \d+ × 1 bytes but holds/],
    ['negative dims', edited(plain, (v) => v.setInt32(164, -32, true)), /negative dimensions/],
    ['lying data size', edited(plain, (v) => v.setUint32(184 + 4, 32 * 32 * 3 * 2 + 8, true)), /claims|needs/],
    ['big small element', edited(plain, (v) => v.setUint32(176, (9 << 16) | 1, true)), /small element of 9 bytes/],
    ['bad zlib', liar, /does not inflate/],
    ['zlib bomb', bombFile, /more than its \d+ compressed bytes can hold|does not inflate to the 24 bytes/],
    ['huge claim', edited(packed, () => {}).subarray(0, 200), /claims \d+ bytes but \d+ remain/],
  ];
  for (const [what, bytes, message] of cases) {
    assert.throws(() => svhnFromMat(parseMat5(bytes, 'd.mat'), 'd.mat', 'svhn-d'), (e: Error) => e instanceof DataError && message.test(e.message) && /d\.mat/.test(e.message), what);
  }
  const noY = writeMat5([{ name: 'X', class: 'uint8', dims: [32, 32, 3, 1], data: new Uint8Array(3072) }]);
  assert.throws(() => svhnFromMat(parseMat5(noY, 'd.mat'), 'd.mat', 'svhn-d'), /has no y array \(found: X\)/);
  const badLabel = writeMat5([{ name: 'X', class: 'uint8', dims: [32, 32, 3, 2], data: new Uint8Array(6144) }, { name: 'y', class: 'double', dims: [2, 1], data: [3, 0] }]);
  assert.throws(() => svhnFromMat(parseMat5(badLabel, 'd.mat'), 'd.mat', 'svhn-d'), /label 0 at index 1; SVHN labels are 1\.\.10/);
  const wrongCount = writeMat5([{ name: 'X', class: 'uint8', dims: [32, 32, 3, 2], data: new Uint8Array(6144) }, { name: 'y', class: 'double', dims: [3, 1], data: [1, 2, 3] }]);
  assert.throws(() => svhnFromMat(parseMat5(wrongCount, 'd.mat'), 'd.mat', 'svhn-d'), /y is \[3, 1\] but X holds 2 images/);
});
