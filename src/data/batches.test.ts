import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batches, toFloat } from './batches.js';
import { subset, type Dataset } from './dataset.js';
import { DataError } from './data-error.js';
import { Random } from '../tensor/random.js';

/** n samples of 3 features; sample i holds bytes i, i+1, i+2 (mod 256) and label i mod 10. */
function toy(n: number): Dataset {
  const images = new Uint8Array(n * 3).map((_, k) => (Math.floor(k / 3) + (k % 3)) % 256);
  return { name: 'toy', images, labels: Int32Array.from({ length: n }, (_, i) => i % 10), count: n, features: 3, shape: [3, 1, 1] };
}

const order = (ds: Dataset, rng?: Random, batchSize = 7) =>
  [...batches(ds, { batchSize, rng, scale: 'unit' })].flatMap((b) => [...b.indices]);

test('batches: in order without an rng, last batch short unless dropLast', () => {
  const ds = toy(23);
  const sizes = [...batches(ds, { batchSize: 10, scale: 'unit' })].map((b) => b.x.shape[0]);
  assert.deepEqual(sizes, [10, 10, 3]);
  assert.deepEqual(order(ds), Array.from({ length: 23 }, (_, i) => i));
  assert.deepEqual([...batches(ds, { batchSize: 10, scale: 'unit', dropLast: true })].map((b) => b.x.shape[0]), [10, 10]);
});

test('batches: a seeded epoch covers every index once, and the same seed or state repeats it', () => {
  for (const seed of [1, 42, 7777]) {
    const ds = toy(101);
    const a = order(ds, new Random(seed));
    assert.deepEqual([...a].sort((x, y) => x - y), Array.from({ length: 101 }, (_, i) => i), `seed ${seed}`);
    assert.notDeepEqual(a, order(ds), `seed ${seed}: shuffled`);
    assert.deepEqual(order(ds, new Random(seed)), a, `seed ${seed}: same seed`);
    // resume: a generator restored from a saved state gives the same next epoch
    const rng = new Random(seed);
    order(ds, rng);
    const saved = rng.state();
    assert.deepEqual(order(ds, Random.fromState(saved)), order(ds, rng), `seed ${seed}: restored state`);
  }
});

test('batches: the order is drawn on call, not on first next()', () => {
  const rng = new Random(3);
  const before = rng.state();
  batches(toy(10), { batchSize: 4, rng, scale: 'unit' });
  assert.notDeepEqual(rng.state(), before);
});

test('batches: x and labels match the sampled indices', () => {
  const ds = toy(30);
  for (const { x, labels, indices } of batches(ds, { batchSize: 8, rng: new Random(5), scale: 'unit' })) {
    assert.deepEqual(x.shape, [indices.length, 3]);
    indices.forEach((i, r) => {
      assert.equal(labels[r], i % 10);
      assert.deepEqual([...x.dataSync().subarray(r * 3, r * 3 + 3)], [i, i + 1, i + 2].map((p) => Math.fround(p / 255)));
    });
  }
});

test('batches and toFloat: unit and symmetric scales', () => {
  const ds: Dataset = { name: 'px', images: new Uint8Array([0, 51, 255]), labels: new Int32Array([0]), count: 1, features: 3, shape: [3] };
  const unit = [...batches(ds, { batchSize: 1, scale: 'unit' })][0]!.x.dataSync();
  assert.deepEqual([...unit], [0, Math.fround(0.2), 1]);
  const sym = [...batches(ds, { batchSize: 1, scale: 'symmetric' })][0]!.x.dataSync();
  assert.deepEqual([...sym], [-1, Math.fround(-0.6), 1]);
  const all = toFloat(ds, 'symmetric');
  assert.deepEqual(all.shape, [1, 3]);
  assert.deepEqual([...all.dataSync()], [...sym]);
});

test('toFloat: whole set in order', () => {
  const x = toFloat(toy(4), 'unit');
  assert.deepEqual(x.shape, [4, 3]);
  assert.equal(x.dataSync()[9], Math.fround(3 / 255)); // sample 3, feature 0
});

test('batches: bad batchSize, scale or sizes are clear errors', () => {
  const ds = toy(5);
  for (const batchSize of [0, -1, 2.5, NaN]) {
    assert.throws(() => batches(ds, { batchSize, scale: 'unit' }), (e: unknown) => e instanceof DataError && /batchSize must be a positive integer/.test(e.message));
  }
  assert.throws(() => batches(ds, { batchSize: 1, scale: 'zero-one' as 'unit' }), /scale must be 'unit' or 'symmetric'/);
  assert.throws(() => toFloat({ ...ds, count: 6 }, 'unit'), /toy claims 6 samples/);
});

test('subset: views with bounds checked', () => {
  const ds = toy(10);
  const s = subset(ds, 2, 3);
  assert.deepEqual([s.count, s.labels.length, s.images.length], [3, 3, 9]);
  assert.equal(s.images.buffer, ds.images.buffer);
  assert.equal(s.images[0], 2);
  assert.deepEqual([...subset(ds, 10, 0).labels], []);
  assert.throws(() => subset(ds, 8, 3), (e: unknown) => e instanceof DataError && /out of range/.test(e.message));
  assert.throws(() => subset(ds, -1, 2), DataError);
});
