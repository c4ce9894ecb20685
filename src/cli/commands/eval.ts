import type { Command } from 'commander';
import { DATASET_NAMES, loadDataset, type DatasetName } from '../../data/load-dataset.js';
import { classificationError } from '../../train/evaluate.js';
import { loadTrainedModel } from '../../train/trained-model.js';
import { backendOption, selectBackend } from '../backend.js';
import { percent } from '../format.js';
import { output } from '../output.js';
import { checkpointPath } from '../paths.js';

export function evalCommand(program: Command): void {
  program.command('eval')
    .description('Print the test error of a checkpoint on the test set of the data set the run trained on')
    .argument('<checkpoint>', 'a best.ckpt or last.ckpt written by lowbit train, or its run folder (then its best.ckpt)')
    .option('--data <dir>', 'the data set\'s files in this folder (default: the folder the run trained on, else the shipped copy)')
    .addOption(backendOption())
    .option('--json', 'print the result as JSON')
    .action(async (given: string, o: { data?: string; backend?: string; json?: boolean }) => {
      const out = output(Boolean(o.json));
      await selectBackend(o.backend);
      const path = await checkpointPath(given, 'best.ckpt');
      const { model, scale, checkpoint } = await loadTrainedModel(path);
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
