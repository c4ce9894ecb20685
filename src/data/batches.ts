import { DataError } from './data-error.js';
import { batchShape, type Dataset } from './dataset.js';
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
  /** Random crop and horizontal flip of image sets (off by default), drawn from `augment.rng`. */
  augment?: Augment;
}

/** Per-sample augmentation of [H, W, C] images, after scaling: `pad` > 0 shifts each image by a
 *  random offset in [−pad, pad] on both axes, filling with 0 (a random crop of the padded image);
 *  `flip` mirrors half of them left to right. Draws come from `rng` batch by batch, in batch order.
 *  @example batches(train, { batchSize: 50, scale: 'symmetric', augment: { rng: new Random(1), pad: 4, flip: true } }) */
export interface Augment {
  rng: Random;
  pad?: number;
  flip?: boolean;
}

export interface Batch {
  /** float32 [b, features], or [b, ...tensorShape] for image sets (NHWC). */
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
  if (opts.augment) checkAugment(ds, opts.augment);
  const order = new Int32Array(ds.count);
  for (let i = 0; i < ds.count; i++) order[i] = i;
  if (rng) rng.shuffle(order);
  return epoch(ds, order, batchSize, dropLast, table, opts.augment);
}

function* epoch(ds: Dataset, order: Int32Array, batchSize: number, dropLast: boolean, table: Float32Array, augment: Augment | undefined): Generator<Batch, void, undefined> {
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
      if (ds.values) x.set(ds.values.subarray(src, src + f), r * f);
      else for (let j = 0; j < f; j++) x[r * f + j] = table[ds.images[src + j]!]!;
      labels[r] = ds.labels[indices[r]!]!;
    }
    if (augment) augmentBatch(x, b, ds.shape, augment);
    yield { x: new Tensor(x, batchShape(ds, b)), labels, indices };
  }
}

function checkAugment(ds: Dataset, a: Augment): void {
  const pad = a.pad ?? 0;
  if (ds.shape.length !== 3) {
    throw new DataError(`data: augment needs images of shape [H, W, C]; ${ds.name} has shape [${ds.shape.join(', ')}]. Leave augment off for this set.`);
  }
  if (!Number.isInteger(pad) || pad < 0 || pad >= Math.min(ds.shape[0]!, ds.shape[1]!)) {
    throw new DataError(`data: augment.pad must be an integer from 0 to ${Math.min(ds.shape[0]!, ds.shape[1]!) - 1} for `
      + `${ds.shape[0]}×${ds.shape[1]} images of ${ds.name}, got ${pad} (the paper's CIFAR-10 augmentation uses 4)`);
  }
}

/** Shift (crop of the zero-padded image) and mirror each sample of x in place. */
function augmentBatch(x: Float32Array, b: number, shape: number[], a: Augment): void {
  const [h, w, c] = shape as [number, number, number], pad = a.pad ?? 0, f = h * w * c;
  const src = new Float32Array(f);
  for (let r = 0; r < b; r++) {
    const dy = pad ? a.rng.int(2 * pad + 1) - pad : 0, dx = pad ? a.rng.int(2 * pad + 1) - pad : 0;
    const flip = a.flip ? a.rng.uniform() < 0.5 : false;
    if (!dy && !dx && !flip) continue;
    const img = x.subarray(r * f, (r + 1) * f);
    src.set(img);
    for (let y = 0; y < h; y++) {
      const sy = y + dy;
      for (let xo = 0; xo < w; xo++) {
        const sx = (flip ? w - 1 - xo : xo) + dx, out = (y * w + xo) * c;
        const inside = sy >= 0 && sy < h && sx >= 0 && sx < w, from = (sy * w + sx) * c;
        for (let k = 0; k < c; k++) img[out + k] = inside ? src[from + k]! : 0;
      }
    }
  }
}

/** The whole set as one float32 [count, features] (or [count, ...tensorShape]) tensor, in order (for evaluation).
 *  @example toFloat(test, 'symmetric').shape  // → [10000, 784] */
export function toFloat(ds: Dataset, scale: PixelScale): Tensor {
  checkSizes(ds);
  const table = scaleTable(scale);
  const x = ds.values ? ds.values.slice() : new Float32Array(ds.count * ds.features);
  if (!ds.values) for (let i = 0; i < x.length; i++) x[i] = table[ds.images[i]!]!;
  return new Tensor(x, batchShape(ds, ds.count));
}

/** A hand-made Dataset whose arrays disagree with count would read past them and yield NaN. */
function checkSizes(ds: Dataset): void {
  if (ds.images.length !== ds.count * ds.features || ds.labels.length !== ds.count) {
    throw new DataError(`data: ${ds.name} claims ${ds.count} samples of ${ds.features} features but holds `
      + `${ds.images.length} image bytes and ${ds.labels.length} labels`);
  }
  if (ds.values && ds.values.length !== ds.count * ds.features) {
    throw new DataError(`data: ${ds.name} claims ${ds.count} samples of ${ds.features} features but holds ${ds.values.length} preprocessed values`);
  }
  const shaped = ds.tensorShape?.reduce((n, d) => n * d, 1);
  if (shaped !== undefined && shaped !== ds.features) {
    throw new DataError(`data: ${ds.name}: tensorShape [${ds.tensorShape!.join(', ')}] holds ${shaped} values per sample, but a sample has ${ds.features} features`);
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
