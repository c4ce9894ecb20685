import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATASET_NAMES } from '../data/load-dataset.js';
import { LowbitError } from '../errors/lowbit-error.js';
import { modelNames } from '../models/registry.js';
import type { Recipe } from './experiment.js';

/** The package's experiments/ folder (this file runs from dist/src/train/). */
export const RECIPES_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../experiments');

/** The names of the recipes shipped in experiments/ (`mnist-mlp`, ...). */
export function recipeNames(): string[] {
  let files: string[] = [];
  try { files = readdirSync(RECIPES_DIR); } catch { /* no recipes shipped: names only by path */ }
  return files.filter((f) => f.endsWith('.json')).map((f) => basename(f, '.json')).sort();
}

/** Whether `spec` names a file rather than a shipped recipe: it has a folder or ends in .json. */
export function isRecipePath(spec: string): boolean {
  return spec.endsWith('.json') || spec.includes('/') || spec.includes('\\');
}

/** A recipe by name (experiments/<name>.json) or by path (`my-run.json`), checked: a file that
 *  is not a recipe is an error naming it, never a half-built run.
 *  @example await loadRecipe('mnist-mlp'); await loadRecipe('experiments/mnist-mlp.json') */
export async function loadRecipe(spec: string): Promise<Recipe> {
  const file = isRecipePath(spec) ? spec : join(RECIPES_DIR, `${spec}.json`);
  let text: string;
  try { text = await readFile(file, 'utf8'); } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new LowbitError(code === 'ENOENT' ? `recipe: no such file: ${file}`
      : code === 'EISDIR' ? `recipe: ${file} is a folder; give a recipe's .json file` : `recipe: cannot read ${file} (${code ?? (e as Error).message})`);
  }
  let json: unknown;
  try { json = JSON.parse(text); } catch (e) { throw new LowbitError(`recipe: ${file} is not valid JSON (${(e as Error).message})`); }
  return checkRecipe(json, file);
}

/** `json` as a Recipe, or an error naming `source` and the first field that is wrong. The fields'
 *  values (bits, rates, ...) are checked by the model builder and the trainer; this checks shape. */
export function checkRecipe(json: unknown, source: string): Recipe {
  const fail = (what: string): never => {
    throw new LowbitError(`recipe: ${source} is not a lowbit recipe: ${what} (see experiments/mnist-mlp.json for the fields)`);
  };
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(json)) return fail('expected a JSON object');
  if (typeof json['experiment'] !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(json['experiment'])) {
    fail('"experiment" must be a name of letters, digits, ".", "_" or "-"');
  }
  if (json['dataset'] !== undefined && !(DATASET_NAMES as readonly unknown[]).includes(json['dataset'])) fail(`"dataset" must be one of ${DATASET_NAMES.join(', ')}`);
  if (json['preprocess'] !== undefined && json['preprocess'] !== 'gcnZca') fail('"preprocess" must be "gcnZca" (or left out)');
  if (json['extra'] !== undefined && typeof json['extra'] !== 'boolean') fail('"extra" must be true or false');
  const model = json['model'], train = json['train'];
  if (!isObject(model) || typeof model['name'] !== 'string' || !modelNames().includes(model['name'])) {
    fail(`"model" must be an object whose "name" is one of ${modelNames().join(', ')}`);
  }
  if (!isObject(train)) return fail('"train" must be an object');
  for (const k of ['epochs', 'batchSize', 'lr', 'lrEnd', 'seed']) if (typeof train[k] !== 'number') fail(`"train.${k}" must be a number`);
  for (const k of ['loss', 'scale']) if (typeof train[k] !== 'string') fail(`"train.${k}" must be a string`);
  if (train['lrSchedule'] !== undefined && train['lrSchedule'] !== 'exponential' && train['lrSchedule'] !== 'cosine') fail('"train.lrSchedule" must be "exponential" or "cosine" (or left out)');
  const a = train['augment'];
  if (a !== undefined && !(isObject(a) && Number.isInteger(a['pad']) && (a['pad'] as number) >= 0 && typeof a['flip'] === 'boolean')) {
    fail('"train.augment" must be { "pad": whole pixels >= 0, "flip": true or false } (or left out)');
  }
  if (json['data'] !== undefined && typeof json['data'] !== 'string') fail('"data" must be a folder path');
  if (json['limit'] !== undefined && !(Number.isInteger(json['limit']) && (json['limit'] as number) >= 1)) fail('"limit" must be a positive integer');
  return json as unknown as Recipe;
}
