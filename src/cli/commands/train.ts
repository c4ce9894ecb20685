import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Option, type Command } from 'commander';
import { LowbitError } from '../../errors/lowbit-error.js';
import { UsageError } from '../usage-error.js';
import { runRecipe, type Recipe } from '../../train/experiment.js';
import { percent } from '../format.js';
import { integer, positiveInt, positiveNumber, probability } from '../options.js';
import { output } from '../output.js';
import { trainingProgress } from '../progress.js';
import { selectBackend } from '../backend.js';
import { writeRunReport } from '../../train/report/write-report.js';

const experimentsDir = join(dirname(fileURLToPath(import.meta.url)), '../../../../experiments');

async function loadRecipe(name: string): Promise<Recipe> {
  try {
    return JSON.parse(await readFile(join(experimentsDir, `${name}.json`), 'utf8')) as Recipe;
  } catch {
    throw new LowbitError(`unknown experiment '${name}': no experiments/${name}.json (try mnist-mlp)`);
  }
}

/** The entries of `o` that are set: options the user did not give leave the recipe's value. */
function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

export function trainCommand(program: Command): void {
  program.command('train')
    .description('Train one of the paper\'s networks (a recipe in experiments/)')
    .argument('[experiment]', 'recipe name', 'mnist-mlp')
    .option('--width <n>', 'hidden units per layer', positiveInt)
    .option('--depth <n>', 'hidden layers', positiveInt)
    .addOption(new Option('--bits <n>', 'weight and activation bits (1 = binary; 2..8 = k-bit; 32 = float, same as --float)').argParser(positiveInt))
    .option('--bits-w <k>', 'weight bits: 1 (sign), 2..8 (linear, or log with --quant log), 32', positiveInt)
    .option('--bits-a <k>', 'hidden activation bits: 1 (sign), 2..8, 32', positiveInt)
    .addOption(new Option('--quant <family>', 'k-bit quantizer for 2..8 bits (QNN-SPEC §3.2)').choices(['linear', 'log']))
    .addOption(new Option('--bn <kind>', 'batch norm of the hidden layers: vanilla, or shift-based (SBN, §4.1)').choices(['vanilla', 'shift']))
    .addOption(new Option('--optimizer <name>', 'adam (Theano recipe) or shift-adamax (Torch7, §4.3; lr 2^-6 unless --lr)').choices(['adam', 'shift-adamax']))
    .option('--lr-halve-every <epochs>', 'halve the learning rate every n epochs (Torch7 schedule) instead of decaying to --lr-end', positiveInt)
    .addOption(new Option('--grad-bits <k>', 'gradient bits: 6 = logarithmic, one scale per layer (§3.5), bit-serial products in binary layers; 32 = float').choices(['6', '32']))
    .option('--float', 'train the float32 twin of the same network')
    .option('--stochastic', 'binarize hidden activations stochastically at train time')
    .option('--dropout-in <p>', 'dropout on the input', probability)
    .option('--dropout <p>', 'dropout after each hidden layer', probability)
    .option('--epochs <n>', 'epochs', positiveInt)
    .option('--batch-size <n>', 'batch size', positiveInt)
    .option('--lr <x>', 'initial learning rate', positiveNumber)
    .option('--lr-end <x>', 'learning rate at the last epoch (exponential decay)', positiveNumber)
    .option('--seed <n>', 'random seed (init, shuffling, dropout)', integer)
    .option('--limit <n>', 'train on the first n training images only', positiveInt)
    .option('-o, --out <dir>', 'output folder for checkpoints, metrics.jsonl and result.json')
    .option('--resume <dir>', 'continue the run in this folder from its last checkpoint')
    .option('--result <file>', 'also write the result record (with the command) to this file')
    .option('--backend <name>', 'kernel backend (default: fastest available)')
    .option('--json', 'print the result as JSON')
    .action(async (experiment: string, o: Record<string, unknown>) => {
      const out = output(Boolean(o.json));
      const backend = await selectBackend(o.backend as string | undefined);
      if (o.resume) {
        // a resumed run keeps the settings stored in its checkpoint; silently ignoring new ones would mislead
        const recipeOptions = ['width', 'depth', 'bits', 'bitsW', 'bitsA', 'quant', 'bn', 'optimizer', 'lrHalveEvery', 'gradBits', 'float',
          'stochastic', 'dropoutIn', 'dropout', 'epochs', 'batchSize', 'lr', 'lrEnd', 'seed', 'limit', 'out'];
        const given = recipeOptions.filter((k) => o[k] !== undefined);
        if (given.length) {
          const flags = given.map((k) => (k === 'out' ? '-o' : `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`));
          throw new UsageError(`--resume continues a run with the settings stored in its checkpoint; drop ${flags.join(', ')}`);
        }
      }
      let recipe = await loadRecipe(experiment);
      if (o.bits !== undefined && !((o.bits as number) <= 8 || o.bits === 32)) {
        throw new UsageError(`--bits ${String(o.bits)}: this network trains with 1 (binary), 2..8 (k-bit) or 32 (float) bits`);
      }
      const kBits = o.bits !== undefined && o.bits !== 32 ? (o.bits as number) : undefined;
      const shiftAdaMax = o.optimizer === 'shift-adamax';
      const pick = <T>(v: unknown, fallback: T): T => (v === undefined ? fallback : (v as T));
      recipe = {
        ...recipe,
        model: {
          ...recipe.model, width: pick(o.width, recipe.model.width), depth: pick(o.depth, recipe.model.depth),
          float: Boolean(o.float) || o.bits === 32 || Boolean(recipe.model.float), stochastic: pick(o.stochastic, recipe.model.stochastic),
          dropoutIn: pick(o.dropoutIn, recipe.model.dropoutIn), dropoutHidden: pick(o.dropout, recipe.model.dropoutHidden),
          seed: pick(o.seed, recipe.model.seed),
          ...defined({ bitsW: o.bitsW ?? kBits, bitsA: o.bitsA ?? kBits, quant: o.quant, bn: o.bn, gradientBits: o.gradBits === undefined ? undefined : Number(o.gradBits) }),
        },
        train: {
          ...recipe.train, epochs: pick(o.epochs, recipe.train.epochs), batchSize: pick(o.batchSize, recipe.train.batchSize),
          lr: pick(o.lr, shiftAdaMax ? 2 ** -6 : recipe.train.lr), lrEnd: pick(o.lrEnd, recipe.train.lrEnd), seed: pick(o.seed, recipe.train.seed),
          ...defined({ optimizer: o.optimizer === undefined ? undefined : shiftAdaMax ? 'shiftAdaMax' : 'adam', lrHalveEvery: o.lrHalveEvery }),
        },
        ...(o.limit ? { limit: o.limit as number } : {}),
      };
      const outDir = (o.resume as string | undefined) ?? (o.out as string | undefined) ?? join('runs', `${experiment}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
      const progress = trainingProgress();
      out.log(`training ${experiment} on the ${backend} backend; output in ${outDir}`);
      const result = await runRecipe(recipe, { outDir, resume: o.resume as string | undefined, backend, onStep: progress.step, onEpoch: progress.epoch, onLog: out.log });
      const record = { ...result, command: ['lowbit', ...process.argv.slice(2)].join(' ') };
      if (o.result) {
        await mkdir(dirname(o.result as string), { recursive: true });
        await writeFile(o.result as string, JSON.stringify(record, null, 2) + '\n');
      }
      out.result(`best validation error ${percent(result.bestValError)} at epoch ${result.bestEpoch}; test error ${percent(result.testError)} `
        + `(${result.epochs} epochs, ${result.wallSeconds.toFixed(0)} s). Checkpoints in ${outDir}`, record);
      out.log(`report ${await writeRunReport(outDir, record)}`);
    });
}
