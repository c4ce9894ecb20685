import { DataError } from './data-error.js';
import type { Dataset } from './dataset.js';
import { symmetricEigen } from './symmetric-eigen.js';

/** 'gcnZca': the CIFAR-10 preprocessing of BinaryConnect/BinaryNet's pylearn2 data (QNN-SPEC §4.8,
 *  §6.2): per image, global contrast normalization (subtract its mean, scale its L2 norm to 55),
 *  then ZCA whitening with filter bias 0.1, fitted on the training split only. */
export type Preprocess = 'gcnZca';  // e.g. loadCifar10({ preprocess: 'gcnZca' })

/** pylearn2 GlobalContrastNormalization(scale=55.) and ZCA() defaults, as its make_cifar10_gcn_whitened. */
export const GCN_SCALE = 55;
export const GCN_MIN_DIVISOR = 1e-8;
export const ZCA_FILTER_BIAS = 0.1;

/** A fitted whitening: y = (gcn(x) − mean)·matrix, matrix symmetric [features × features]. */
export interface Whitening { features: number; mean: Float64Array; matrix: Float32Array }

/** Fit GCN + ZCA on `train` and add float32 `values` to every split (images stay as they are).
 *  Cost: features² per training image to fit plus an O(features³) eigen-decomposition, and
 *  features² per image to apply, all in plain JS on one thread: fine for small images, but for
 *  CIFAR-10's 3072 features a fit on 500 images had not finished after 400 s on this 2-core CPU
 *  (the eigen-decomposition dominates): full-size whitening is an offline step, not a quick one.
 *  @example whitenSplits(await loadCifar10(), 'gcnZca').train.values  // float32, 45000 × 3072 */
export function whitenSplits<T extends Record<string, Dataset>>(splits: T & { train: Dataset }, preprocess: Preprocess): T {
  if (preprocess !== 'gcnZca') throw new DataError(`data: preprocess must be 'gcnZca', got ${JSON.stringify(preprocess)}`);
  const w = fitWhitening(splits.train);
  const out: Record<string, Dataset> = {};
  for (const [k, ds] of Object.entries(splits)) out[k] = { ...ds, values: applyWhitening(w, ds) };
  return out as T;
}

/** One image (bytes as read, 0…255) after GCN, into `out` (float64). */
function gcn(images: Uint8Array, at: number, f: number, out: Float64Array): void {
  let mean = 0;
  for (let j = 0; j < f; j++) mean += images[at + j]!;
  mean /= f;
  let sq = 0;
  for (let j = 0; j < f; j++) { const v = images[at + j]! - mean; out[j] = v; sq += v * v; }
  let divisor = Math.sqrt(sq) / GCN_SCALE;
  if (divisor < GCN_MIN_DIVISOR) divisor = 1; // a flat image stays 0 rather than dividing by 0
  for (let j = 0; j < f; j++) out[j] = out[j]! / divisor;
}

/** The ZCA of `train` after GCN: mean and P = V·diag(1/√(λ + bias))·Vᵀ of the covariance XᵀX/n.
 *  @example const w = fitWhitening(train); applyWhitening(w, test)  // float32 test.count × 3072 */
export function fitWhitening(train: Dataset): Whitening {
  const f = train.features, n = train.count;
  if (n < 2) throw new DataError(`data: whitening needs at least 2 training samples, ${train.name} has ${n}`);
  // two passes over the images (GCN twice) rather than keeping n float64 rows: 1.1 GB for CIFAR-10
  const mean = new Float64Array(f), x = new Float64Array(f);
  for (let i = 0; i < n; i++) {
    gcn(train.images, i * f, f, x);
    for (let j = 0; j < f; j++) mean[j] = mean[j]! + x[j]!;
  }
  for (let j = 0; j < f; j++) mean[j] = mean[j]! / n;
  const cov = new Float64Array(f * f);
  for (let i = 0; i < n; i++) {
    gcn(train.images, i * f, f, x);
    for (let j = 0; j < f; j++) x[j] = x[j]! - mean[j]!;
    for (let r = 0; r < f; r++) {
      const xr = x[r]!, row = r * f;
      if (xr !== 0) for (let c = r; c < f; c++) cov[row + c] = cov[row + c]! + xr * x[c]!; // upper triangle
    }
  }
  for (let r = 0; r < f; r++) for (let c = r; c < f; c++) { const v = cov[r * f + c]! / n; cov[r * f + c] = v; cov[c * f + r] = v; }
  const { values, vectors } = symmetricEigen(cov, f);
  const matrix = new Float32Array(f * f), scaled = new Float64Array(f * f);
  for (let r = 0; r < f; r++) for (let k = 0; k < f; k++) scaled[r * f + k] = vectors[r * f + k]! / Math.sqrt(Math.max(0, values[k]!) + ZCA_FILTER_BIAS);
  for (let r = 0; r < f; r++) {
    for (let c = r; c < f; c++) {
      let s = 0;
      for (let k = 0; k < f; k++) s += scaled[r * f + k]! * vectors[c * f + k]!;
      matrix[r * f + c] = s; matrix[c * f + r] = s;
    }
  }
  return { features: f, mean, matrix };
}

/** gcn(x) − mean, times the whitening matrix, for every sample of `ds`: float32 count × features.
 *  @example validation.values = applyWhitening(fitWhitening(train), validation) */
export function applyWhitening(w: Whitening, ds: Dataset): Float32Array {
  const f = w.features;
  if (ds.features !== f) throw new DataError(`data: a whitening fitted on ${f} features cannot apply to ${ds.name} (${ds.features} features)`);
  const out = new Float32Array(ds.count * f), x = new Float64Array(f), y = new Float64Array(f);
  for (let i = 0; i < ds.count; i++) {
    gcn(ds.images, i * f, f, x);
    y.fill(0);
    for (let r = 0; r < f; r++) {
      const xr = x[r]! - w.mean[r]!, row = r * f;
      for (let c = 0; c < f; c++) y[c] = y[c]! + xr * w.matrix[row + c]!;
    }
    out.set(y, i * f);
  }
  return out;
}
