import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Checkpoint } from '../../train/checkpoint.js';
import { loadLmRecipe, type LmRecipe } from '../../train/lm-recipe.js';
import { runLanguageModel } from '../../train/lm-run.js';
import { writeRunReport } from '../../train/report/write-report.js';
import { backendLabel, selectBackend } from '../backend.js';
import { duration, plural } from '../format.js';
import { applyLmFlags, checkLmFlags } from '../lm-flags.js';
import { lmProgress } from '../lm-progress.js';
import type { Output } from '../output.js';
import { checkOutDir } from '../paths.js';
import type { TrainFlags } from '../train-flags.js';

/** `lowbit train ptb-lstm | ptb-gru | lm-recipe.json`, or `--resume` of such a run (its last.ckpt
 *  already read: `resume`). Writes best.ckpt, last.ckpt, epochs.jsonl, result.json and report.html. */
export async function trainLanguageModel(experiment: string, o: TrainFlags, out: Output,
  resume?: { checkpoint: Checkpoint; file: string; dir: string }): Promise<void> {
  let recipe: LmRecipe | undefined, outDir: string;
  if (resume) {
    outDir = resume.dir;
  } else {
    checkLmFlags(experiment, o);
    recipe = applyLmFlags(await loadLmRecipe(experiment), { ...o, data: o.data === undefined ? undefined : resolve(o.data as string) });
    if (o.out) await checkOutDir(o.out as string, Boolean(o.overwrite));
    outDir = (o.out as string | undefined) ?? join('runs', `${recipe.experiment}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  }
  const backend = await selectBackend(o.backend as string | undefined);
  const progress = lmProgress();
  out.log(`training ${recipe?.experiment ?? 'a resumed language model'} on the ${backendLabel(backend)}; output in ${outDir}`);
  const result = await runLanguageModel(recipe, {
    outDir, backend, command: ['lowbit', ...process.argv.slice(2)].join(' '),
    ...(resume ? { resume: { checkpoint: resume.checkpoint, file: resume.file }, epochs: o.epochs as number | undefined } : {}),
    onStep: progress.step, onEpoch: progress.epoch, onLog: out.log,
  }).finally(progress.close);
  if (o.result) {
    await mkdir(dirname(o.result as string), { recursive: true });
    await writeFile(o.result as string, JSON.stringify(result, null, 2) + '\n');
  }
  out.result(`best validation perplexity ${result.bestValidPerplexity.toFixed(2)} at epoch ${result.bestEpoch}; test perplexity ${result.testPerplexity.toFixed(2)} `
    + `(${plural(result.epochs, 'epoch')}, ${duration(result.wallSeconds)}). Checkpoints in ${outDir}`, result);
  out.log(`report ${await writeRunReport(outDir)}`);
}
