import type { Command } from 'commander';
import { loadMnist } from '../../data/mnist.js';
import { classificationError } from '../../train/evaluate.js';
import { loadTrainedModel } from '../../train/trained-model.js';
import { selectBackend } from '../backend.js';
import { percent } from '../format.js';
import { output } from '../output.js';

export function evalCommand(program: Command): void {
  program.command('eval')
    .description('Print the MNIST test error of a checkpoint')
    .argument('<checkpoint>', 'a best.ckpt or last.ckpt written by lowbit train')
    .option('--backend <name>', 'kernel backend (default: fastest available)')
    .option('--json', 'print the result as JSON')
    .action(async (path: string, o: { backend?: string; json?: boolean }) => {
      const out = output(Boolean(o.json));
      await selectBackend(o.backend);
      const { model, scale, checkpoint } = await loadTrainedModel(path);
      const { test } = await loadMnist();
      const error = await classificationError(model, test, scale);
      const epoch = checkpoint.meta.epoch;
      out.result(`test error ${percent(error)} (${test.count} images, epoch ${String(epoch)})`, { checkpoint: path, epoch, testError: error, images: test.count });
    });
}
