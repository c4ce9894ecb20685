import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LowbitError } from '../errors/lowbit-error.js';
import type { PtbLmOptions } from '../models/ptb-lm.js';
import type { LmTrainConfig } from './lm-trainer.js';
import { isRecipePath, RECIPES_DIR } from './recipes.js';

/** A language-model run as data (experiments/ptb-*.json): the model without its vocabulary size
 *  (that comes from the training file) and the truncated-BPTT schedule. */
export interface LmRecipe {
  experiment: string;
  description?: string;
  dataset: 'ptb';
  model: Omit<PtbLmOptions, 'vocabulary'>;
  train: LmTrainConfig;
  /** Folder holding ptb.{train,valid,test}.txt (default: the official split in ../shared/data/ptb). */
  data?: string;
  /** Train on the first N words of the training stream only (smoke runs); validation and test stay whole. */
  limitWords?: number;
}

/** Whether a recipe file (already parsed) is a language model's: its data set is 'ptb'. */
export const isLmRecipeJson = (json: unknown): boolean =>
  typeof json === 'object' && json !== null && (json as Record<string, unknown>).dataset === 'ptb';

/** The recipe file a name or path stands for, parsed, or undefined when there is none to read
 *  (the image recipes' loader then says why). */
export async function readRecipeJson(spec: string): Promise<unknown> {
  const file = isRecipePath(spec) ? spec : join(RECIPES_DIR, `${spec}.json`);
  try { return JSON.parse(await readFile(file, 'utf8')) as unknown; } catch { return undefined; }
}

/** `json` as a language-model recipe, or an error naming `source` and the first wrong field. The
 *  values themselves (bits, rates) are checked by ptbLm and fitLanguageModel. */
export function checkLmRecipe(json: unknown, source: string): LmRecipe {
  const fail = (what: string): never => {
    throw new LowbitError(`recipe: ${source} is not a language-model recipe: ${what} (see experiments/ptb-lstm.json for the fields)`);
  };
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(json)) return fail('expected a JSON object');
  if (typeof json.experiment !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(json.experiment)) fail('"experiment" must be a name of letters, digits, ".", "_" or "-"');
  if (json.dataset !== 'ptb') fail('"dataset" must be "ptb"');
  if (!isObject(json.model)) fail('"model" must be an object');
  const model = json.model as Record<string, unknown>;
  if (model.cell !== 'lstm' && model.cell !== 'gru') fail('"model.cell" must be "lstm" or "gru"');
  for (const k of ['hidden', 'layers', 'embed', 'bitsW', 'bitsA', 'dropout', 'seed']) if (model[k] !== undefined && typeof model[k] !== 'number') fail(`"model.${k}" must be a number`);
  if (!isObject(json.train)) return fail('"train" must be an object');
  for (const k of ['epochs', 'batchSize', 'steps', 'lr', 'clipNorm', 'lrDecay', 'seed']) if (typeof json.train[k] !== 'number') fail(`"train.${k}" must be a number`);
  if (json.data !== undefined && typeof json.data !== 'string') fail('"data" must be a folder path');
  if (json.limitWords !== undefined && !(Number.isInteger(json.limitWords) && (json.limitWords as number) >= 2)) fail('"limitWords" must be an integer >= 2');
  return json as unknown as LmRecipe;
}

/** A language-model recipe by name or path, checked. @example await loadLmRecipe('ptb-lstm') */
export async function loadLmRecipe(spec: string): Promise<LmRecipe> {
  const json = await readRecipeJson(spec);
  if (json === undefined) throw new LowbitError(`recipe: cannot read ${spec} as JSON; give a recipe name (ptb-lstm, ptb-gru) or a recipe file`);
  return checkLmRecipe(json, spec);
}

/** The file name a run's result record goes under in experiments/results: the recipe and its
 *  bits, so one table row is one file. @example resultName(recipe)  // 'ptb-lstm-w4a4' */
export function resultName(r: LmRecipe): string {
  const w = r.model.bitsW ?? 32, a = r.model.bitsA ?? 32;
  return `${r.experiment}-${w === 32 && a === 32 ? 'float' : `w${w}a${a}`}`;
}
