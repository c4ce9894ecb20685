import type { Command } from 'commander';
import { DATASET_NAMES, loadDataset, type DatasetName } from '../../data/load-dataset.js';
import { classificationError } from '../../train/evaluate.js';
import { loadCheckpoint } from '../../train/checkpoint.js';
import { isLmCheckpoint } from '../../train/lm-model.js';
import { trainedModelOf } from '../../train/trained-model.js';
import { backendOption, selectBackend } from '../backend.js';
import { percent } from '../format.js';
import { output } from '../output.js';
import { checkpointPath } from '../paths.js';
import { UsageError } from '../usage-error.js';
import { evalLanguageModel } from './eval-lm.js';

export function evalCommand(program: Command): void {
  program.command('eval')
    .description('Print the test error (a language model: the test perplexity) of a checkpoint on the test set of the data set the run trained on')
    .argument('[checkpoint]', 'a best.ckpt or last.ckpt written by lowbit train, or its run folder (then its best.ckpt)')
    .option('--run <dir>', 'the run folder (its best.ckpt), instead of the argument')
    .option('--data <dir>', 'the data set\'s files in this folder (default: the folder the run trained on, else the shipped copy)')
    .addOption(backendOption())
    .option('--json', 'print the result as JSON')
    .action(async (argument: string | undefined, o: { run?: string; data?: string; backend?: string; json?: boolean }) => {
      const out = output(Boolean(o.json));
      if ((argument === undefined) === (o.run === undefined)) throw new UsageError('eval: give one checkpoint or run folder, as the argument or with --run <dir>');
      const given = (argument ?? o.run)!;
      await selectBackend(o.backend);
      const path = await checkpointPath(given, 'best.ckpt');
      const read = await loadCheckpoint(path);
      if (isLmCheckpoint(read)) return evalLanguageModel(read, path, o.data, out);
      const { model, scale, checkpoint } = trainedModelOf(read, path);
      // the data set and the preprocessing the run trained with (checkpoint meta.recipe)
      const recipe = (checkpoint.meta.recipe ?? {}) as { data?: unknown; dataset?: unknown; preprocess?: unknown };
      const dataset = (DATASET_NAMES as readonly unknown[]).includes(recipe.dataset) ? recipe.dataset as DatasetName : 'mnist';
      const data = o.data ?? (typeof recipe.data === 'string' ? recipe.data : undefined);
      const { test } = await loadDataset(dataset, { dir: data, ...(recipe.preprocess === 'gcnZca' ? { preprocess: 'gcnZca' as const } : {}) });
      const error = await classificationError(model, test, scale);
      const epoch = checkpoint.meta.epoch;
      const images = data ? `test images of ${data}` : `${dataset === 'mnist' ? 'MNIST' : dataset === 'cifar10' ? 'CIFAR-10' : 'SVHN'} test images`;
      out.result(`test error ${percent(error)} (${test.count} ${images}, epoch ${String(epoch)})`,
        { checkpoint: path, epoch, testError: error, images: test.count, dataset, ...(data ? { data } : {}) });
    });
}
