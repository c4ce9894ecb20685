import { DataError } from './data-error.js';

/** A labelled set of samples stored as raw bytes, as the files hold them; `batches` and `toFloat`
 *  scale them to floats on the way out, so a set costs 1 byte per pixel in memory.
 *  @example const { train } = await loadMnist(); train.count  // → 50000 */
export interface Dataset {
  /** e.g. `mnist-train`, for messages and logs. */
  name: string;
  /** count × features raw bytes, sample after sample. */
  images: Uint8Array;
  labels: Int32Array;
  count: number;
  /** Bytes per sample: the product of `shape` (784 for MNIST). */
  features: number;
  /** Per-sample shape, NHWC without the N: [28, 28, 1] for MNIST. */
  shape: number[];
}

/** Samples [start, start + count) of `ds` as views into the same memory (no copy).
 *  @example subset(train, 0, 1000)  // the first 1000 training samples */
export function subset(ds: Dataset, start: number, count: number, name = `${ds.name}[${start}:${start + count}]`): Dataset {
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > ds.count) {
    throw new DataError(`data: subset(${start}, ${count}) of ${ds.name} is out of range: start and count must be `
      + `integers >= 0 with start + count <= ${ds.count}`);
  }
  return {
    name,
    images: ds.images.subarray(start * ds.features, (start + count) * ds.features),
    labels: ds.labels.subarray(start, start + count),
    count,
    features: ds.features,
    shape: [...ds.shape],
  };
}
