import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { subset, type Dataset } from '../data/dataset.js';
import { loadMnist } from '../data/mnist.js';
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
  dataset: 'mnist';
  model: { name: string } & Record<string, unknown>;
  train: Omit<TrainConfig, 'experiment'>;
  /** Train on the first N training images only (quick runs and tests); validation and test stay whole. */
  limit?: number;
}

export interface ExperimentResult {
  experiment: string; command?: string; commit: string; date: string; machine: string; node: string; backend: string;
  model: Recipe['model']; train: Recipe['train']; limit?: number;
  epochs: number; wallSeconds: number; bestEpoch: number; bestValError: number; testError: number;
  history: EpochMetrics[];
}

export interface RunOptions {
  outDir?: string;
  /** A run folder (or its last.ckpt) to continue; the recipe then comes from the checkpoint. */
  resume?: string;
  backend?: string;
  onStep?: (s: StepInfo) => void;
  onEpoch?: (m: EpochMetrics) => void;
  onLog?: (line: string) => void;
}

/** Load the data, build the model, train with model selection on validation, then report the
 *  test error of the best-validation weights. Writes result.json to outDir when given. */
export async function runRecipe(recipe: Recipe, opts: RunOptions = {}): Promise<ExperimentResult> {
  const resumePath = opts.resume && (opts.resume.endsWith('.ckpt') ? opts.resume : join(opts.resume, 'last.ckpt'));
  const resume = resumePath ? await loadCheckpoint(resumePath) : undefined;
  if (resume) {
    const r = resume.meta.recipe as Recipe | undefined;
    if (!r) throw new LowbitError(`resume: ${opts.resume} holds no recipe; it was not written by a lowbit training run`);
    recipe = r;
  }
  if (recipe.dataset !== 'mnist') throw new LowbitError(`experiment ${recipe.experiment}: dataset '${recipe.dataset}' is not supported yet (mnist)`);
  const start = performance.now();
  const info = runInfo(); // the commit and date the run started from, not where it ended
  const mnist = await loadMnist();
  const train: Dataset = recipe.limit ? subset(mnist.train, 0, Math.min(recipe.limit, mnist.train.count), 'mnist-train') : mnist.train;
  opts.onLog?.(`${recipe.experiment}: ${train.count} training, ${mnist.validation.count} validation, ${mnist.test.count} test images`);
  const model = resume ? modelOf(resume, resumePath!) : buildModel(recipe.model.name, recipe.model);
  const config: TrainConfig = { experiment: recipe.experiment, ...recipe.train };
  const fitResult = await fit(model, { train, validation: mnist.validation }, config, {
    outDir: opts.outDir, resume, onStep: opts.onStep, onEpoch: opts.onEpoch, meta: { recipe },
  });
  model.loadStateDict(fitResult.bestState, 'best weights');
  const testError = await classificationError(model, mnist.test, recipe.train.scale);
  const result: ExperimentResult = {
    experiment: recipe.experiment, ...info, backend: opts.backend ?? 'unknown', model: recipe.model, train: recipe.train,
    ...(recipe.limit ? { limit: recipe.limit } : {}),
    epochs: fitResult.epochs, wallSeconds: (performance.now() - start) / 1000 + (resume ? sumSeconds(fitResult.history, resume.meta.epoch as number) : 0),
    bestEpoch: fitResult.bestEpoch, bestValError: fitResult.bestValError, testError, history: fitResult.history,
  };
  if (opts.outDir) {
    await mkdir(opts.outDir, { recursive: true });
    await writeFile(join(opts.outDir, 'result.json'), JSON.stringify(result, null, 2) + '\n');
  }
  return result;
}

/** Seconds of the epochs done before a resume, so that wall time covers the whole run. */
function sumSeconds(history: EpochMetrics[], epochs: number): number {
  return history.slice(0, epochs).reduce((s, m) => s + m.seconds, 0);
}
