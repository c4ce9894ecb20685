import { vocabularyOf, type Vocabulary } from '../data/ptb-vocabulary.js';
import { describeValue } from '../errors/describe-value.js';
import { LowbitError } from '../errors/lowbit-error.js';
import { ptbLm, type PtbLm, type PtbLmOptions } from '../models/ptb-lm.js';
import { CheckpointError } from './checkpoint-error.js';
import { loadCheckpoint, type Checkpoint } from './checkpoint.js';
import { LM_KIND } from './lm-checkpoint.js';
import { checkLmRecipe, type LmRecipe } from './lm-recipe.js';

export interface TrainedLm {
  model: PtbLm;
  vocabulary: Vocabulary;
  recipe: LmRecipe;
  checkpoint: Checkpoint;
}

/** Whether a decoded checkpoint holds a language model (written by `lowbit train ptb-…`). */
export const isLmCheckpoint = (c: Checkpoint): boolean => c.meta.kind === LM_KIND;

/** The language model of a checkpoint with its weights (best.ckpt: the best-validation ones), its
 *  vocabulary and recipe, in eval mode. The config is checked against the tensors the file holds
 *  before the model is built, so a damaged file is an error naming it, never a giant allocation.
 *  @example const { model, vocabulary } = await loadLanguageModel('runs/lstm/best.ckpt') */
export async function loadLanguageModel(path: string): Promise<TrainedLm> {
  return languageModelOf(await loadCheckpoint(path), path);
}

export function languageModelOf(checkpoint: Checkpoint, file: string): TrainedLm {
  const fail = (what: string): never => { throw new CheckpointError(`checkpoint ${file}: ${what}`); };
  if (!isLmCheckpoint(checkpoint)) fail('it holds no language model (it is not from `lowbit train ptb-lstm` or `ptb-gru`); give a language-model run');
  const words = checkpoint.meta.vocabulary;
  if (!Array.isArray(words) || words.length === 0 || !words.every((w) => typeof w === 'string')) fail(`its vocabulary must be a list of words, got ${describeValue(words)}`);
  const config = checkpoint.meta.model as Record<string, unknown> | undefined;
  if (typeof config !== 'object' || config === null || config.type !== 'PtbLm') fail('its metadata has no language-model config');
  const opts = config as unknown as PtbLmOptions;
  if (opts.vocabulary !== (words as string[]).length) fail(`its model has ${describeValue(opts.vocabulary)} words, its vocabulary ${(words as string[]).length}`);
  const floats = [...checkpoint.tensors.values()].reduce((n, t) => n + t.length, 0);
  const hidden = opts.hidden ?? 300, embed = opts.embed ?? hidden, layers = opts.layers ?? 1;
  for (const [k, v] of [['hidden', hidden], ['embed', embed], ['layers', layers]] as const) {
    if (!(Number.isSafeInteger(v) && v >= 1)) fail(`its model's ${k} must be a positive integer, got ${describeValue(v)}`);
  }
  // the embedding, the output layer and a recurrent layer's weights each lie in the file
  if (opts.vocabulary * embed > floats || opts.vocabulary * hidden > floats || hidden * hidden * layers > floats) {
    fail(`its model config claims more weights than the file's ${floats} floats hold`);
  }
  const state = new Map([...checkpoint.tensors].filter(([k]) => k.startsWith('model.')).map(([k, v]) => [k.slice(6), v]));
  try {
    const model = ptbLm(opts);
    model.loadStateDict(state, 'weights');
    const recipe = checkLmRecipe(checkpoint.meta.recipe, `${file} (its recipe)`);
    return { model: model.eval() as PtbLm, vocabulary: vocabularyOf(words as string[]), recipe, checkpoint };
  } catch (e) {
    if (e instanceof LowbitError && !(e instanceof CheckpointError)) throw new CheckpointError(`checkpoint ${file}: ${e.message}`);
    throw e;
  }
}
