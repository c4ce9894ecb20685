import { DataError } from './data-error.js';
import type { Dataset } from './dataset.js';
import type { Random } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';

/** How raw bytes become floats: 'unit' → p/255 in [0, 1] (the paper's Torch7 MNIST runs),
 *  'symmetric' → 2p/255 − 1 in [−1, 1] (its Theano runs). */
export type PixelScale = 'unit' | 'symmetric';

export interface BatchOptions {
  batchSize: number;
  /** Shuffle with this generator; in order without it. */
  rng?: Random;
  scale: PixelScale;
  /** Skip a last batch smaller than batchSize (default false). */
  dropLast?: boolean;
}

export interface Batch {
  /** float32 [b, features]. */
  x: Tensor;
  labels: Int32Array;
  /** Which samples of the dataset these are, in batch order. */
  indices: Int32Array;
}

/** One epoch of `ds` in batches. The order is drawn from `rng` when this is called, not on the first
 *  `next()`, so a generator restored to the same state gives the same epoch: resume relies on it.
 *  @example for (const { x, labels } of batches(train, { batchSize: 100, rng, scale: 'unit' })) … */
export function batches(ds: Dataset, opts: BatchOptions): Generator<Batch, void, undefined> {
  const { batchSize, rng, dropLast = false } = opts;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new DataError(`data: batchSize must be a positive integer, got ${batchSize} (batching ${ds.name})`);
  }
  checkSizes(ds);
  const table = scaleTable(opts.scale);
  const order = new Int32Array(ds.count);
  for (let i = 0; i < ds.count; i++) order[i] = i;
  if (rng) rng.shuffle(order);
  return epoch(ds, order, batchSize, dropLast, table);
}

function* epoch(ds: Dataset, order: Int32Array, batchSize: number, dropLast: boolean, table: Float32Array): Generator<Batch, void, undefined> {
  const f = ds.features;
  for (let start = 0; start < order.length; start += batchSize) {
    const b = Math.min(batchSize, order.length - start);
    if (b < batchSize && dropLast) return;
    const indices = order.slice(start, start + b);
    // fresh arrays per batch: the caller may keep a batch after asking for the next one
    const x = new Float32Array(b * f);
    const labels = new Int32Array(b);
    for (let r = 0; r < b; r++) {
      const src = indices[r]! * f;
      for (let j = 0; j < f; j++) x[r * f + j] = table[ds.images[src + j]!]!;
      labels[r] = ds.labels[indices[r]!]!;
    }
    yield { x: new Tensor(x, [b, f]), labels, indices };
  }
}

/** The whole set as one float32 [count, features] tensor, in order (for evaluation).
 *  @example toFloat(test, 'symmetric').shape  // → [10000, 784] */
export function toFloat(ds: Dataset, scale: PixelScale): Tensor {
  checkSizes(ds);
  const table = scaleTable(scale);
  const x = new Float32Array(ds.count * ds.features);
  for (let i = 0; i < x.length; i++) x[i] = table[ds.images[i]!]!;
  return new Tensor(x, [ds.count, ds.features]);
}

/** A hand-made Dataset whose arrays disagree with count would read past them and yield NaN. */
function checkSizes(ds: Dataset): void {
  if (ds.images.length !== ds.count * ds.features || ds.labels.length !== ds.count) {
    throw new DataError(`data: ${ds.name} claims ${ds.count} samples of ${ds.features} features but holds `
      + `${ds.images.length} image bytes and ${ds.labels.length} labels`);
  }
}

/** All 256 byte values pre-scaled: one lookup per pixel, and every path rounds the same way. */
function scaleTable(scale: PixelScale): Float32Array {
  if (scale !== 'unit' && scale !== 'symmetric') {
    throw new DataError(`data: scale must be 'unit' or 'symmetric', got ${JSON.stringify(scale)}`);
  }
  const table = new Float32Array(256);
  for (let p = 0; p < 256; p++) table[p] = scale === 'unit' ? p / 255 : (2 * p) / 255 - 1;
  return table;
}
