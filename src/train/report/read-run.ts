import { access, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { describeValue } from '../../errors/describe-value.js';
import type { ExperimentResult, IntervalMetrics } from '../experiment.js';
import type { LmRecipe } from '../lm-recipe.js';
import { loadLanguageModel } from '../lm-model.js';
import type { LmExperimentResult } from '../lm-run.js';
import type { LmEpoch } from '../lm-trainer.js';
import { summarize, type ModelSummary } from '../summary.js';
import { loadTrainedModel } from '../trained-model.js';
import type { EpochMetrics } from '../trainer.js';
import { ReportError } from './report-error.js';

/** The JSON of `lowbit bench --json`, saved in a run folder as bench.json. */
export interface BenchResult { model?: string; backend?: string; inputs?: string; results: { threads: number; batch1Ms: number; batch100ImagesPerSec: number }[] }

/** Everything a report shows about one image-classifier run, read from its folder. */
export interface ImageRunData {
  kind: 'image';
  name: string;
  dir: string;
  /** result.json, written when the run finished (absent while it runs or if it stopped). */
  result?: Partial<ExperimentResult>;
  /** metrics.jsonl: one entry per epoch. */
  epochs: EpochMetrics[];
  /** steps.jsonl: the loss at each logging interval (absent for runs made before it existed). */
  intervals: IntervalMetrics[];
  /** Of best.ckpt, when there is one. */
  summary?: ModelSummary;
  bench?: BenchResult;
}

/** Everything a report shows about one language-model run (`lowbit train ptb-lstm | ptb-gru`). */
export interface LmRunData {
  kind: 'language-model';
  name: string;
  dir: string;
  /** result.json, written when the run finished (absent while it runs or if it stopped). */
  result?: Partial<LmExperimentResult>;
  /** epochs.jsonl: one entry per epoch. */
  epochs: LmEpoch[];
  /** The recipe best.ckpt holds: the model and schedule of a run that has not ended yet. */
  recipe?: LmRecipe;
  /** Of best.ckpt, when there is one. */
  summary?: ModelSummary;
}

export type RunData = ImageRunData | LmRunData;

const RUN_HINT = 'Give a folder written by `lowbit train` (its -o/--out, or runs/<experiment>-<time>).';
const IMAGE_EPOCH_FIELDS = ['epoch', 'lr', 'trainLoss', 'trainError', 'valError', 'seconds', 'samplesPerSec'] as const;
const LM_EPOCH_FIELDS = ['epoch', 'trainPerplexity', 'validPerplexity', 'lr', 'words', 'seconds', 'wordsPerSec'] as const;

async function text(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ReportError(`report: cannot read ${path}: ${(e as Error).message}`);
  }
}

function parse<T>(source: string, path: string, line?: number): T {
  try {
    return JSON.parse(source) as T;
  } catch {
    throw new ReportError(`report: ${path}${line ? ` line ${line}` : ''} is not valid JSON. ${RUN_HINT}`);
  }
}

/** JSON lines; every line must be an object holding the numeric `fields`. */
function jsonLines<T>(source: string, path: string, fields: readonly string[]): T[] {
  return source.split('\n').map((l, i) => [l, i + 1] as const).filter(([l]) => l.trim()).map(([l, n]) => {
    const row = parse<Record<string, unknown>>(l, path, n);
    const bad = fields.find((f) => typeof row?.[f] !== 'number');
    if (bad) throw new ReportError(`report: ${path} line ${n} has no number '${bad}' (got ${describeValue(row?.[bad])}). ${RUN_HINT}`);
    return row as T;
  });
}

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

/** Read a run folder: an image classifier's (metrics.jsonl) or a language model's (epochs.jsonl);
 *  result.json, best.ckpt (for the model summary) and, for image runs, steps.jsonl and bench.json
 *  are shown when present. */
export async function readRun(dir: string): Promise<RunData> {
  const at = (f: string) => join(dir, f);
  const metrics = await text(at('metrics.jsonl'));
  if (metrics === undefined) {
    const epochs = await text(at('epochs.jsonl'));
    if (epochs === undefined) {
      throw new ReportError(`report: neither ${at('metrics.jsonl')} (an image run) nor ${at('epochs.jsonl')} (a language-model run) found: `
        + `${dir} is not a training run folder. ${RUN_HINT}`);
    }
    return readLmRun(dir, epochs);
  }
  const epochs = jsonLines<EpochMetrics>(metrics, at('metrics.jsonl'), IMAGE_EPOCH_FIELDS);
  const steps = await text(at('steps.jsonl'));
  const intervals = steps === undefined ? [] : jsonLines<IntervalMetrics>(steps, at('steps.jsonl'), ['epoch', 'step', 'steps', 'loss', 'samplesPerSec']);
  const result = await resultOf(dir);
  const benchText = await text(at('bench.json'));
  const bench = benchText === undefined ? undefined : parse<BenchResult>(benchText, at('bench.json'));
  if (bench && !Array.isArray(bench.results)) throw new ReportError(`report: ${at('bench.json')} has no 'results' list; write it with lowbit bench MODEL --json > ${at('bench.json')}`);
  const ckpt = await exists(at('best.ckpt')) ? (await loadTrainedModel(at('best.ckpt'))).model : undefined;
  return {
    kind: 'image', name: basename(resolve(dir)), dir, epochs, intervals,
    ...(result ? { result } : {}), ...(ckpt ? { summary: summarize(ckpt) } : {}), ...(bench ? { bench } : {}),
  };
}

async function readLmRun(dir: string, epochsText: string): Promise<LmRunData> {
  const epochs = jsonLines<LmEpoch>(epochsText, join(dir, 'epochs.jsonl'), LM_EPOCH_FIELDS);
  const result = await resultOf<LmExperimentResult>(dir);
  const lm = await exists(join(dir, 'best.ckpt')) ? await loadLanguageModel(join(dir, 'best.ckpt')) : undefined;
  return {
    kind: 'language-model', name: basename(resolve(dir)), dir, epochs,
    ...(result ? { result } : {}), ...(lm ? { recipe: lm.recipe, summary: summarize(lm.model) } : {}),
  };
}

async function resultOf<T = ExperimentResult>(dir: string): Promise<Partial<T> | undefined> {
  const source = await text(join(dir, 'result.json'));
  return source === undefined ? undefined : parse<Partial<T>>(source, join(dir, 'result.json'));
}
