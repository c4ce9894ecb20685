import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataError } from './data-error.js';
import { subset, type Dataset } from './dataset.js';
import { readDataFile } from './read-data-file.js';
import { whitenSplits, type Preprocess } from './whiten.js';

/** CIFAR-10 in the paper's split (QNN-SPEC §4.7: 45k train, 5k validation, 10k test): training
 *  images 0…44,999 of the official order (data_batch_1…4 and the first half of data_batch_5) train,
 *  images 45,000…49,999 (the second half of data_batch_5) validate, test_batch tests. */
export interface Cifar10 {
  train: Dataset;
  validation: Dataset;
  test: Dataset;
}

export interface Cifar10Options {
  /** Folder of the official binary batches (`data_batch_1.bin` … `data_batch_5.bin`, `test_batch.bin`),
   *  each as is or gzipped (`.gz`); default: the copy in ../shared/data/cifar10/cifar-10-batches-bin. */
  dir?: string;
  /** 'gcnZca': global contrast normalization + ZCA whitening fitted on the training split (whiten.ts);
   *  default: none (the raw bytes, scaled by `batches`). */
  preprocess?: Preprocess;
}

const SIDE = 32;
const CHANNELS = 3;
const PLANE = SIDE * SIDE;
const RECORD = 1 + CHANNELS * PLANE;
const CLASSES = 10;
const VALIDATION = 5_000;
const TRAIN_FILES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'];
const TEST_FILE = 'test_batch.bin';
/** An official batch is 10,000 records (30,730,000 bytes); nothing may inflate past a few of them. */
const MAX_INFLATED_BYTES = 4 * 10_000 * RECORD;
const FIX = 'Point --data at a folder holding the CIFAR-10 binary version (data_batch_1.bin … data_batch_5.bin, '
  + 'test_batch.bin; each may end in .gz), as unpacked from cifar-10-binary.tar.gz.';

/** Load CIFAR-10 from its binary batches, checked, as NHWC uint8 images [32, 32, 3] (the files hold
 *  each image as three 32×32 planes R, G, B: transposed on load) with labels 0…9.
 *  @example const { train, validation, test } = await loadCifar10()  // 45000, 5000, 10000 images */
export async function loadCifar10(opts: Cifar10Options = {}): Promise<Cifar10> {
  const dir = opts.dir ?? defaultDir();
  const files = [...TRAIN_FILES, TEST_FILE].map((f) => join(dir, f));
  // read together, but a problem is reported for the first file in this order, whichever fails first
  const settled = await Promise.allSettled(files.map((f) => readDataFile(f, 'cifar10', FIX, MAX_INFLATED_BYTES)));
  const bytes = settled.map((r) => { if (r.status === 'rejected') throw r.reason; return r.value; });
  for (let i = 0; i < files.length; i++) checkBatch(bytes[i]!, files[i]!);
  const full = records('cifar10-train', bytes.slice(0, TRAIN_FILES.length));
  const test = records('cifar10-test', [bytes[TRAIN_FILES.length]!]);
  bytes.length = 0; // the file bytes can go before any whitening
  if (full.count <= VALIDATION) {
    throw new DataError(`cifar10: the training batches in ${dir} hold ${full.count} images; the paper's split needs more than `
      + `${VALIDATION} (the original has 50000). ${FIX}`);
  }
  const split = {
    train: subset(full, 0, full.count - VALIDATION, 'cifar10-train'),
    validation: subset(full, full.count - VALIDATION, VALIDATION, 'cifar10-validation'),
    test,
  };
  return opts.preprocess ? whitenSplits(split, opts.preprocess) : split;
}

function defaultDir(): string {
  // from dist/src/data/ (or src/data/ under a TS runner) up to the folder that holds the repository
  return fileURLToPath(new URL('../../../../shared/data/cifar10/cifar-10-batches-bin', import.meta.url));
}

/** One binary batch file (any number of records) as a set, checked before anything is allocated.
 *  @example parseCifar10Batch(gunzipSync(await readFile('test_batch.bin.gz')), 'test_batch.bin').count  // → 10000 */
export function parseCifar10Batch(bytes: Uint8Array, file: string, name = 'cifar10'): Dataset {
  checkBatch(bytes, file);
  return records(name, [bytes]);
}

/** Sizes and labels of one batch file, before anything is allocated for it. */
function checkBatch(bytes: Uint8Array, file: string): void {
  if (bytes.length === 0 || bytes.length % RECORD !== 0) {
    throw new DataError(`cifar10: ${file} holds ${bytes.length} bytes, not a whole number of ${RECORD}-byte records `
      + `(1 label byte + 3 × 32 × 32 pixels); it is truncated or not a CIFAR-10 binary batch. ${FIX}`);
  }
  for (let at = 0, i = 0; at < bytes.length; at += RECORD, i++) {
    if (bytes[at]! >= CLASSES) {
      throw new DataError(`cifar10: ${file} has label ${bytes[at]} at record ${i}; CIFAR-10 labels are 0..9 `
        + `(a CIFAR-100 file has two label bytes). ${FIX}`);
    }
  }
}

/** The records of checked batch files as one set: planes R, G, B per image become NHWC. */
function records(name: string, batches: Uint8Array[]): Dataset {
  const count = batches.reduce((n, b) => n + b.length / RECORD, 0);
  const images = new Uint8Array(count * RECORD - count), labels = new Int32Array(count);
  let n = 0;
  for (const b of batches) {
    for (let at = 0; at < b.length; at += RECORD, n++) {
      labels[n] = b[at]!;
      const out = n * PLANE * CHANNELS;
      for (let c = 0; c < CHANNELS; c++) {
        const plane = at + 1 + c * PLANE;
        for (let p = 0; p < PLANE; p++) images[out + p * CHANNELS + c] = b[plane + p]!;
      }
    }
  }
  const shape = [SIDE, SIDE, CHANNELS];
  return { name, images, labels, count, features: PLANE * CHANNELS, shape, tensorShape: [...shape] };
}
