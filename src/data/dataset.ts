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
  /** Per-sample shape of the tensors `batches` and `toFloat` yield: `shape` for sets read as images
   *  by conv nets ([32, 32, 3] for CIFAR-10 and SVHN); absent → flat [features] (MNIST's MLPs). */
  tensorShape?: number[];
  /** Preprocessed samples (count × features float32, e.g. GCN + ZCA whitened), when the loader made
   *  them: `batches` and `toFloat` then yield these as they are, and their pixel scale does not apply. */
  values?: Float32Array;
}

/** The shape of a batch of `b` samples of `ds`: [b, ...tensorShape], or [b, features]. */
export function batchShape(ds: Dataset, b: number): number[] {
  return ds.tensorShape ? [b, ...ds.tensorShape] : [b, ds.features];
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
    ...(ds.tensorShape ? { tensorShape: [...ds.tensorShape] } : {}),
    ...(ds.values ? { values: ds.values.subarray(start * ds.features, (start + count) * ds.features) } : {}),
  };
}
