import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadPtb } from '../data/ptb.js';
import { LowbitError } from '../errors/lowbit-error.js';
import { ptbLm } from '../models/ptb-lm.js';
import { saveCheckpoint, type Checkpoint } from './checkpoint.js';
import { bestCheckpoint, lastCheckpoint, lmTrainingState } from './lm-checkpoint.js';
import { checkLmRecipe, type LmRecipe } from './lm-recipe.js';
import { fitLanguageModel, perplexity, type LmBest, type LmEpoch, type LmStepInfo } from './lm-trainer.js';
import { runInfo } from './run-info.js';

/** The record of a language-model run (result.json): one row of the perplexity table. */
export interface LmExperimentResult {
  experiment: string; command?: string; commit: string; date: string; machine: string; node: string; backend: string;
  model: LmRecipe['model']; train: LmRecipe['train']; data?: string; limitWords?: number;
  vocabulary: number; trainWords: number;
  epochs: number; wallSeconds: number; bestEpoch: number; bestValidPerplexity: number; testPerplexity: number;
  history: LmEpoch[];
}

export interface LmRunOptions {
  outDir?: string;
  /** A last.ckpt to continue (decoded) and its file; the recipe then comes from it. */
  resume?: { checkpoint: Checkpoint; file: string };
  /** With `resume`: train on up to this epoch. */
  epochs?: number;
  backend?: string;
  command?: string;
  onStep?: (s: LmStepInfo) => void;
  onEpoch?: (m: LmEpoch) => void;
  onLog?: (line: string) => void;
}

/** Load the corpus, build the model, train with truncated BPTT (checkpoints after every epoch in
 *  outDir: last.ckpt, best.ckpt when validation improved, a line of epochs.jsonl), then the test
 *  perplexity of the best-validation weights; result.json in outDir. With `opts.resume` the recipe
 *  comes from the checkpoint and training continues exactly where it stopped.
 *  @example await runLanguageModel(await loadLmRecipe('ptb-lstm'), { outDir: 'runs/lstm' }) */
export async function runLanguageModel(recipe: LmRecipe | undefined, opts: LmRunOptions = {}): Promise<LmExperimentResult> {
  const resume = opts.resume;
  if (resume) {
    recipe = checkLmRecipe(resume.checkpoint.meta.recipe, `${resume.file} (its recipe)`);
    const done = (resume.checkpoint.meta.history as unknown[] | undefined)?.length ?? 0, epochs = opts.epochs ?? recipe.train.epochs;
    if (done >= epochs) {
      throw new LowbitError(`resume: ${resume.file} has finished ${done} of ${epochs} epoch${epochs === 1 ? '' : 's'}; to train on, ask for more than ${done} with --epochs`);
    }
    recipe = { ...recipe, train: { ...recipe.train, epochs } };
    opts.onLog?.(`resuming from ${resume.file}: epoch ${done} done, training epochs ${done + 1}..${epochs}`);
  }
  if (!recipe) throw new LowbitError('runLanguageModel: give a recipe, or a run to resume');
  const start = performance.now(), info = runInfo();
  const ptb = await loadPtb({ dir: recipe.data });
  const train = recipe.limitWords ? ptb.train.subarray(0, recipe.limitWords) : ptb.train;
  const vocabulary = ptb.vocabulary.words;
  opts.onLog?.(`${recipe.experiment}: ${vocabulary.length} words in the vocabulary; ${train.length} training, ${ptb.validation.length} validation, ${ptb.test.length} test words`);
  const model = ptbLm({ ...recipe.model, vocabulary: vocabulary.length });
  const meta = { recipe: recipe as unknown as Record<string, unknown>, vocabulary };
  const state = resume ? lmTrainingState(resume.checkpoint, resume.file, model.parameters().length) : undefined;
  if (state) checkSameVocabulary(resume!.checkpoint, vocabulary, resume!.file);
  if (opts.outDir) await mkdir(opts.outDir, { recursive: true });
  const outDir = opts.outDir;
  let lastBest: LmBest | undefined = state?.best;
  const fitted = await fitLanguageModel(model, { train, validation: ptb.validation }, recipe.train, opts.onEpoch, {
    resume: state, onStep: opts.onStep,
    onEpochEnd: outDir ? async (s) => {
      if (s.best.epoch !== lastBest?.epoch) await saveCheckpoint(join(outDir, 'best.ckpt'), bestCheckpoint(model, s, meta));
      lastBest = s.best;
      await saveCheckpoint(join(outDir, 'last.ckpt'), lastCheckpoint(model, s, meta));
      await appendFile(join(outDir, 'epochs.jsonl'), JSON.stringify(s.history[s.history.length - 1]) + '\n');
    } : undefined,
  });
  model.loadStateDict(fitted.bestState, 'best weights');
  const testPerplexity = await perplexity(model, ptb.test, recipe.train.evalBatch ?? 10, recipe.train.steps);
  const result: LmExperimentResult = {
    experiment: recipe.experiment, ...(opts.command ? { command: opts.command } : {}), ...info, backend: opts.backend ?? 'unknown',
    model: recipe.model, train: recipe.train, ...(recipe.data ? { data: recipe.data } : {}), ...(recipe.limitWords ? { limitWords: recipe.limitWords } : {}),
    vocabulary: vocabulary.length, trainWords: train.length,
    epochs: fitted.history.length, wallSeconds: (performance.now() - start) / 1000 + earlierSeconds(state?.history),
    bestEpoch: fitted.best.epoch, bestValidPerplexity: fitted.best.validPerplexity, testPerplexity, history: fitted.history,
  };
  if (outDir) await writeFile(join(outDir, 'result.json'), JSON.stringify(result, null, 2) + '\n');
  return result;
}

/** The corpus a resumed run reads must be the one it trained on: same words, same ids. */
function checkSameVocabulary(ckpt: Checkpoint, words: readonly string[], file: string): void {
  const saved = ckpt.meta.vocabulary;
  if (!Array.isArray(saved) || saved.length !== words.length || saved.some((w, i) => w !== words[i])) {
    throw new LowbitError(`resume: ${file} was trained on a corpus with another vocabulary than the one read now; resume with the data it trained on`);
  }
}

/** Training seconds of the epochs before a resume, so that wall time covers the whole run. */
const earlierSeconds = (history: LmEpoch[] | undefined): number => (history ?? []).reduce((s, m) => s + m.seconds, 0);
