import type { Command } from 'commander';
import { loadMnist } from '../../data/mnist.js';
import { classificationError } from '../../train/evaluate.js';
import { loadTrainedModel } from '../../train/trained-model.js';
import { backendOption, selectBackend } from '../backend.js';
import { percent } from '../format.js';
import { output } from '../output.js';
import { checkpointPath } from '../paths.js';

export function evalCommand(program: Command): void {
  program.command('eval')
    .description('Print the test error of a checkpoint (on MNIST, or the data set the run trained on)')
    .argument('<checkpoint>', 'a best.ckpt or last.ckpt written by lowbit train, or its run folder (then its best.ckpt)')
    .option('--data <dir>', 'the test set of the IDX files in this folder (MNIST\'s file names, gzipped or not; default: the one the run trained on)')
    .addOption(backendOption())
    .option('--json', 'print the result as JSON')
    .action(async (given: string, o: { data?: string; backend?: string; json?: boolean }) => {
      const out = output(Boolean(o.json));
      await selectBackend(o.backend);
      const path = await checkpointPath(given, 'best.ckpt');
      const { model, scale, checkpoint } = await loadTrainedModel(path);
      const trainedOn = (checkpoint.meta.recipe as { data?: unknown } | undefined)?.data;
      const data = o.data ?? (typeof trainedOn === 'string' ? trainedOn : undefined);
      const { test } = await loadMnist({ dir: data });
      const error = await classificationError(model, test, scale);
      const epoch = checkpoint.meta.epoch;
      out.result(`test error ${percent(error)} (${test.count} ${data ? `test images of ${data}` : 'MNIST test images'}, epoch ${String(epoch)})`,
        { checkpoint: path, epoch, testError: error, images: test.count, ...(data ? { data } : {}) });
    });
}
