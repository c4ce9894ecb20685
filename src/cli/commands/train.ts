import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { loadCheckpoint } from '../../train/checkpoint.js';
import { runRecipe, type Recipe } from '../../train/experiment.js';
import { isLmCheckpoint } from '../../train/lm-model.js';
import { isLmRecipeJson, readRecipeJson, type LmRecipe } from '../../train/lm-recipe.js';
import { isRecipePath, loadRecipe, RECIPES_DIR, recipeNames } from '../../train/recipes.js';
import { backendLabel, backendOption, selectBackend } from '../backend.js';
import { exportProblems } from '../exportable.js';
import { duration, percent, plural } from '../format.js';
import { integer, positiveInt, positiveNumber, probability } from '../options.js';
import { output } from '../output.js';
import { checkOutDir, resumePaths } from '../paths.js';
import { trainingProgress } from '../progress.js';
import { applyFlags, checkConflicts, checkResumeFlags } from '../train-flags.js';
import { UsageError } from '../usage-error.js';
import { trainLanguageModel } from './train-lm.js';
import { writeRunReport } from '../../train/report/write-report.js';

export function trainCommand(program: Command): void {
  program.command('train')
    .description('Train one of the paper\'s networks (a recipe in experiments/, or a recipe file)')
    .argument('[experiment]', `recipe name (${recipeNames().join(', ')}) or a recipe file (.json)`, 'mnist-mlp')
    .option('--width <n>', 'hidden units per layer', positiveInt)
    .option('--depth <n>', 'hidden layers', positiveInt)
    .addOption(new Option('--bits <n>', 'weight and activation bits (1 = binary; 2..8 = k-bit; 32 = float, same as --float)').argParser(positiveInt))
    .option('--bits-w <k>', 'weight bits: 1 (sign), 2..8 (linear, or log with --quant log), 32', positiveInt)
    .option('--bits-a <k>', 'hidden activation bits: 1 (sign), 2..8, 32', positiveInt)
    .addOption(new Option('--quant <family>', 'k-bit quantizer for 2..8 bits (QNN-SPEC §3.2; default linear; log nets cannot be exported)').choices(['linear', 'log']))
    .addOption(new Option('--bn <kind>', 'batch norm of the hidden layers: vanilla, or shift-based (SBN, §4.1)').choices(['vanilla', 'shift']))
    .addOption(new Option('--optimizer <name>', 'adam (Theano recipe) or shift-adamax (Torch7, §4.3; lr 2^-6 unless --lr)').choices(['adam', 'shift-adamax']))
    .option('--lr-halve-every <epochs>', 'halve the learning rate every n epochs (Torch7 schedule) instead of decaying to --lr-end', positiveInt)
    .addOption(new Option('--grad-bits <k>', 'gradient bits: 6 = logarithmic, one scale per layer (§3.5), bit-serial products in binary layers; 32 = float').choices(['6', '32']))
    .option('--float', 'train the float32 twin of the same network')
    .option('--stochastic', 'binarize hidden activations stochastically at train time')
    .option('--dropout-in <p>', 'dropout on the input', probability)
    .option('--dropout <p>', 'dropout after each hidden layer', probability)
    .option('--augment', 'image sets: random crop (shift by up to 4 pixels) and horizontal flip of the training images')
    .option('--no-augment', 'train on the images as they are, where the recipe augments them')
    .option('--epochs <n>', 'epochs (with --resume: train on up to this epoch)', positiveInt)
    .option('--batch-size <n>', 'batch size', positiveInt)
    .option('--lr <x>', 'initial learning rate', positiveNumber)
    .option('--lr-end <x>', 'learning rate at the last epoch', positiveNumber)
    .addOption(new Option('--lr-schedule <shape>', 'how the rate falls from --lr to --lr-end: exponential (the paper\'s) or cosine').choices(['exponential', 'cosine']))
    .option('--seed <n>', 'random seed (init, shuffling, dropout)', integer)
    .option('--limit <n>', 'train on the first n training images only', positiveInt)
    .option('--limit-words <n>', 'language models: train on the first n words of the training text only (smoke runs)', positiveInt)
    .option('--data <dir>', 'train on the data set\'s files in this folder, gzipped or not: MNIST\'s four IDX files, CIFAR-10\'s binary batches, SVHN\'s .mat files, or ptb.train.txt, ptb.valid.txt, ptb.test.txt for a language model (default: MNIST, CIFAR-10, PTB from ../shared)')
    .option('-o, --out <dir>', 'output folder for checkpoints, metrics.jsonl and result.json (default: runs/<experiment>-<time>)')
    .option('--overwrite', 'with -o: replace a run already in that folder')
    .option('--resume <run>', 'continue a run (its folder, or its last.ckpt) where it stopped')
    .option('--result <file>', 'also write the result record (with the command) to this file')
    .addOption(backendOption())
    .option('--json', 'print the result as JSON')
    .addHelpText('after', recipeHelp())
    .action(async (experiment: string, o: Record<string, unknown>) => {
      const out = output(Boolean(o.json));
      const { json: _json, ...flags } = o;
      let recipe: Recipe | undefined, outDir: string, resume: string | undefined;
      if (o.resume) {
        checkResumeFlags(flags);
        const paths = await resumePaths(o.resume as string);
        ({ dir: outDir, checkpoint: resume } = paths);
        const checkpoint = await loadCheckpoint(resume);
        if (isLmCheckpoint(checkpoint)) return trainLanguageModel(experiment, flags, out, { checkpoint, file: resume, dir: outDir });
      } else if (isLmRecipeJson(await readRecipeJson(experiment))) {
        return trainLanguageModel(experiment, flags, out);
      } else {
        if (o.limitWords !== undefined) throw new UsageError(`--limit-words limits a language model's training text; ${experiment} is an image recipe (use --limit <n> images)`);
        checkConflicts(flags);
        if (!isRecipePath(experiment) && !recipeNames().includes(experiment)) {
          throw new UsageError(`unknown experiment '${experiment}'; recipes: ${recipeNames().join(', ')}, or give a recipe file by path (my-run.json)`);
        }
        recipe = applyFlags(await loadRecipe(experiment), { ...flags, data: o.data === undefined ? undefined : resolve(o.data as string) });
        if (o.out) await checkOutDir(o.out as string, Boolean(o.overwrite));
        outDir = (o.out as string | undefined) ?? join('runs', `${recipe.experiment}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
      }
      const backend = await selectBackend(o.backend as string | undefined);
      if (recipe) for (const problem of await exportProblems(recipe)) out.log(`lowbit: warning: ${problem}`);
      const command = ['lowbit', ...process.argv.slice(2)].join(' ');
      const progress = trainingProgress();
      out.log(`training ${recipe?.experiment ?? 'a resumed run'} on the ${backendLabel(backend)}; output in ${outDir}`);
      const result = await runRecipe(recipe, {
        outDir, resume, epochs: o.resume ? (o.epochs as number | undefined) : undefined, backend, command,
        onStep: progress.step, onEpoch: progress.epoch, onLog: out.log,
      }).finally(progress.close);
      if (o.result) {
        await mkdir(dirname(o.result as string), { recursive: true });
        await writeFile(o.result as string, JSON.stringify(result, null, 2) + '\n');
      }
      out.result(`best validation error ${percent(result.bestValError)} at epoch ${result.bestEpoch}; test error ${percent(result.testError)} `
        + `(${plural(result.epochs, 'epoch')}, ${duration(result.wallSeconds)}). Checkpoints in ${outDir}`, result);
      out.log(`report ${await writeRunReport(outDir, result)}`);
    });
}

/** The shipped recipes and their settings: the defaults of the options above. */
function recipeHelp(): string {
  const lines = recipeNames().map((name) => {
    try {
      const r = JSON.parse(readFileSync(join(RECIPES_DIR, `${name}.json`), 'utf8')) as Recipe;
      if (isLmRecipeJson(r)) return lmRecipeLine(name, r as unknown as LmRecipe);
      const m = r.model, t = r.train;
      const shape = m.width === undefined && m.depth === undefined ? `${r.dataset ?? 'mnist'}, ` : `width ${String(m.width)}, depth ${String(m.depth)}, `;
      return `  ${name}: ${shape}${m.float ? 'float32' : `bits-w ${String(m.bitsW ?? 1)}, bits-a ${String(m.bitsA ?? 1)}`}, `
        + `epochs ${t.epochs}, batch-size ${t.batchSize}, lr ${t.lr}, lr-end ${t.lrEnd}${t.lrSchedule === 'cosine' ? ' (cosine)' : ''}, seed ${t.seed}, loss ${t.loss}`
        + (t.augment ? `, augment (crop ±${t.augment.pad}${t.augment.flip ? ', flip' : ''})` : '');
    } catch { return `  ${name}: (unreadable)`; }
  });
  return `\nRecipes (experiments/; an option not given keeps the recipe's value):\n${lines.join('\n')}`;
}

/** A language-model recipe's line of the help. */
function lmRecipeLine(name: string, r: LmRecipe): string {
  const m = r.model, t = r.train, bits = (m.bitsW ?? 32) === 32 && (m.bitsA ?? 32) === 32 ? 'float32' : `bits-w ${m.bitsW ?? 32}, bits-a ${m.bitsA ?? 32}`;
  return `  ${name}: ptb, ${m.cell} ${m.layers ?? 1}x${m.hidden ?? 300}, ${bits}, dropout ${m.dropout ?? 0}, epochs ${t.epochs}, batch-size ${t.batchSize}, `
    + `steps ${t.steps}, lr ${t.lr} (x${t.lrDecay} when validation stalls), clip ${t.clipNorm}, seed ${t.seed}`;
}
