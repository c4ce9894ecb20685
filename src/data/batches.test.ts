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

/** n images 3×4×2 with byte k of image i = (i * 24 + k) % 256, tensorShape set as an image set. */
function images(n: number): Dataset {
  const bytes = new Uint8Array(n * 24).map((_, k) => k % 256);
  return { name: 'img', images: bytes, labels: new Int32Array(n), count: n, features: 24, shape: [3, 4, 2], tensorShape: [3, 4, 2] };
}

test('batches: image sets yield NHWC [b, H, W, C]; flat sets stay [b, features]', () => {
  assert.deepEqual([...batches(images(5), { batchSize: 2, scale: 'unit' })].map((b) => b.x.shape), [[2, 3, 4, 2], [2, 3, 4, 2], [1, 3, 4, 2]]);
  assert.deepEqual(toFloat(images(5), 'unit').shape, [5, 3, 4, 2]);
  assert.deepEqual(toFloat(toy(4), 'unit').shape, [4, 3]);
  assert.deepEqual(subset(images(5), 1, 2).tensorShape, [3, 4, 2]);
});

test('batches: preprocessed values are yielded as they are', () => {
  const ds = { ...images(3), values: Float32Array.from({ length: 72 }, (_, k) => k / 7) };
  const [b] = [...batches(ds, { batchSize: 3, scale: 'symmetric' })];
  assert.deepEqual(b!.x.dataSync(), ds.values);
  assert.deepEqual(toFloat(subset(ds, 1, 1), 'unit').dataSync(), ds.values.slice(24, 48));
  assert.throws(() => batches({ ...ds, values: new Float32Array(5) }, { batchSize: 1, scale: 'unit' }), /holds 5 preprocessed values/);
});

test('batches: crop (pad) and flip move pixels as stated, seeded, off by default', () => {
  const ds = images(40), plain = [...batches(ds, { batchSize: 40, scale: 'unit' })][0]!.x.dataSync();
  const run = (seed: number) => [...batches(ds, { batchSize: 8, scale: 'unit', augment: { rng: new Random(seed), pad: 1, flip: true } })].flatMap((b) => [...b.x.dataSync()]);
  assert.deepEqual(run(3), run(3), 'same seed, same epoch');
  const out = run(3);
  let changed = 0;
  for (let i = 0; i < 40; i++) {
    const img = out.slice(i * 24, (i + 1) * 24), src = plain.subarray(i * 24, (i + 1) * 24);
    // some shift (dy, dx) in [-1, 1]² with or without a mirror must explain every pixel, 0 outside
    const fits = [-1, 0, 1].some((dy) => [-1, 0, 1].some((dx) => [false, true].some((flip) => img.every((v, k) => {
      const c = k % 2, x = Math.floor(k / 2) % 4, y = Math.floor(k / 8), sy = y + dy, sx = (flip ? 3 - x : x) + dx;
      return v === (sy >= 0 && sy < 3 && sx >= 0 && sx < 4 ? src[(sy * 4 + sx) * 2 + c] : 0);
    }))));
    assert.ok(fits, `image ${i}: not a shift and flip of its source`);
    if (img.some((v, k) => v !== src[k])) changed++;
  }
  assert.ok(changed > 20, `${changed} of 40 images augmented`);
  assert.throws(() => batches({ ...toy(3), shape: [3] }, { batchSize: 1, scale: 'unit', augment: { rng: new Random(1), pad: 1 } }), /augment needs images of shape \[H, W, C\]/);
  assert.throws(() => batches(ds, { batchSize: 1, scale: 'unit', augment: { rng: new Random(1), pad: 3 } }), /augment\.pad must be an integer from 0 to 2/);
});
