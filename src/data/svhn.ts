import { join } from 'node:path';
import { DataError } from './data-error.js';
import { subset, type Dataset } from './dataset.js';
import { parseMat5, type Mat5Array } from './mat5.js';
import { readDataFile } from './read-data-file.js';

/** SVHN (cropped digits, 32×32 RGB) from the official MAT-files: the last 6,000 images of
 *  train_32x32.mat validate (a fixed, documented choice: the paper's pylearn2 split drew its own),
 *  the rest train, with extra_32x32.mat appended to training when asked; test_32x32.mat tests. */
export interface Svhn {
  train: Dataset;
  validation: Dataset;
  test: Dataset;
}

export interface SvhnOptions {
  /** Folder of `train_32x32.mat`, `test_32x32.mat` (and `extra_32x32.mat`), each as is or gzipped;
   *  SVHN ships with no package: download it from the data set's home page. */
  dir: string;
  /** Add the 531,131 images of extra_32x32.mat to training, as the paper does (≈1.6 GB in memory). */
  extra?: boolean;
}

const SIDE = 32;
const CHANNELS = 3;
const FEATURES = SIDE * SIDE * CHANNELS;
export const SVHN_VALIDATION = 6_000;
/** extra_32x32.mat holds 1.63 GB of pixels. */
const MAX_FILE_BYTES = 2 ** 31;
const FIX = 'Point --data at a folder holding the SVHN format-2 files train_32x32.mat and test_32x32.mat (and extra_32x32.mat '
  + 'with extra; each may end in .gz), as downloaded.';

/** Load SVHN, checked: X uint8 [32, 32, 3, N] (column-major, transposed on load to NHWC), y [N, 1]
 *  with labels 1…10, where 10 stands for the digit 0 (stored here as label 0).
 *  @example const { train, validation, test } = await loadSvhn({ dir: 'svhn' })  // 67257, 6000, 26032 */
export async function loadSvhn(opts: SvhnOptions): Promise<Svhn> {
  const names = ['train_32x32.mat', 'test_32x32.mat', ...(opts.extra ? ['extra_32x32.mat'] : [])];
  const sets: Dataset[] = [];
  for (const n of names) { // one at a time: each file is large
    const file = join(opts.dir, n);
    sets.push(svhnFromMat(parseMat5(await readDataFile(file, 'svhn', FIX, MAX_FILE_BYTES), file, { maxInflatedBytes: MAX_FILE_BYTES }), file, `svhn-${n.split('_')[0]}`));
  }
  const [full, test, extra] = sets as [Dataset, Dataset, Dataset | undefined];
  if (full.count <= SVHN_VALIDATION) {
    throw new DataError(`svhn: ${join(opts.dir, names[0]!)} holds ${full.count} images; the split needs more than ${SVHN_VALIDATION} (the original has 73257). ${FIX}`);
  }
  const train = subset(full, 0, full.count - SVHN_VALIDATION, 'svhn-train');
  return {
    train: extra ? concatSets('svhn-train', train, extra) : train,
    validation: subset(full, full.count - SVHN_VALIDATION, SVHN_VALIDATION, 'svhn-validation'),
    test,
  };
}

/** The X and y arrays of one SVHN MAT-file as a Dataset.
 *  @example svhnFromMat(parseMat5(bytes, 'test_32x32.mat'), 'test_32x32.mat', 'svhn-test').count  // → 26032 */
export function svhnFromMat(arrays: Mat5Array[], file: string, name: string): Dataset {
  const x = arrays.find((a) => a.name === 'X'), y = arrays.find((a) => a.name === 'y');
  if (!x || !y) throw new DataError(`svhn: ${file} has no ${!x ? 'X' : 'y'} array (found: ${arrays.map((a) => a.name).join(', ') || 'none'}). ${FIX}`);
  const [h, w, c, n = 1, ...more] = x.dims;
  if (!(x.data instanceof Uint8Array) || h !== SIDE || w !== SIDE || c !== CHANNELS || more.some((d) => d !== 1)) {
    throw new DataError(`svhn: ${file}: X is ${x.data instanceof Uint8Array ? 'uint8' : 'not uint8'} [${x.dims.join(', ')}], expected uint8 [32, 32, 3, N]. ${FIX}`);
  }
  if (y.data.length !== n || y.dims.filter((d) => d !== 1).length > 1) {
    throw new DataError(`svhn: ${file}: y is [${y.dims.join(', ')}] but X holds ${n} images; expected y [${n}, 1]. ${FIX}`);
  }
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const l = y.data[i]!;
    if (!Number.isInteger(l) || l < 1 || l > 10) throw new DataError(`svhn: ${file}: y has label ${l} at index ${i}; SVHN labels are 1..10 (10 is the digit 0). ${FIX}`);
    labels[i] = l === 10 ? 0 : l;
  }
  // column-major [row, col, channel, image] → NHWC [image, row, col, channel]
  const src = x.data, images = new Uint8Array(n * FEATURES);
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < CHANNELS; ch++) {
      for (let col = 0; col < SIDE; col++) {
        const from = ((i * CHANNELS + ch) * SIDE + col) * SIDE;
        for (let row = 0; row < SIDE; row++) images[i * FEATURES + (row * SIDE + col) * CHANNELS + ch] = src[from + row]!;
      }
    }
  }
  const shape = [SIDE, SIDE, CHANNELS];
  return { name, images, labels, count: n, features: FEATURES, shape, tensorShape: [...shape] };
}

function concatSets(name: string, a: Dataset, b: Dataset): Dataset {
  const images = new Uint8Array(a.images.length + b.images.length), labels = new Int32Array(a.count + b.count);
  images.set(a.images); images.set(b.images, a.images.length);
  labels.set(a.labels); labels.set(b.labels, a.count);
  return { ...a, name, images, labels, count: a.count + b.count };
}
