import { access, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { ExperimentResult, IntervalMetrics } from '../experiment.js';
import { summarize, type ModelSummary } from '../summary.js';
import { loadTrainedModel } from '../trained-model.js';
import type { EpochMetrics } from '../trainer.js';
import { ReportError } from './report-error.js';

/** The JSON of `lowbit bench --json`, saved in a run folder as bench.json. */
export interface BenchResult { model?: string; backend?: string; inputs?: string; results: { threads: number; batch1Ms: number; batch100ImagesPerSec: number }[] }

/** Everything a report shows about one training run, read from its folder. */
export interface RunData {
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

const RUN_HINT = 'Give a folder written by `lowbit train` (its -o/--out, or runs/<experiment>-<time>).';

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
    if (bad) throw new ReportError(`report: ${path} line ${n} has no number '${bad}'. ${RUN_HINT}`);
    return row as T;
  });
}

/** Read a run folder: metrics.jsonl is required; result.json, steps.jsonl, best.ckpt (for the
 *  model summary) and bench.json are shown when present. */
export async function readRun(dir: string): Promise<RunData> {
  const at = (f: string) => join(dir, f);
  const metrics = await text(at('metrics.jsonl'));
  if (metrics === undefined) throw new ReportError(`report: ${at('metrics.jsonl')} not found: ${dir} is not a training run folder. ${RUN_HINT}`);
  const epochs = jsonLines<EpochMetrics>(metrics, at('metrics.jsonl'), ['epoch', 'lr', 'trainLoss', 'trainError', 'valError', 'seconds', 'samplesPerSec']);
  const steps = await text(at('steps.jsonl'));
  const intervals = steps === undefined ? [] : jsonLines<IntervalMetrics>(steps, at('steps.jsonl'), ['epoch', 'step', 'steps', 'loss', 'samplesPerSec']);
  const resultText = await text(at('result.json'));
  const result = resultText === undefined ? undefined : parse<Partial<ExperimentResult>>(resultText, at('result.json'));
  const benchText = await text(at('bench.json'));
  const bench = benchText === undefined ? undefined : parse<BenchResult>(benchText, at('bench.json'));
  if (bench && !Array.isArray(bench.results)) throw new ReportError(`report: ${at('bench.json')} has no 'results' list; write it with lowbit bench MODEL --json > ${at('bench.json')}`);
  const hasCkpt = await access(at('best.ckpt')).then(() => true, () => false);
  const ckpt = hasCkpt ? (await loadTrainedModel(at('best.ckpt'))).model : undefined;
  return {
    name: basename(resolve(dir)), dir, epochs, intervals,
    ...(result ? { result } : {}), ...(ckpt ? { summary: summarize(ckpt) } : {}), ...(bench ? { bench } : {}),
  };
}
