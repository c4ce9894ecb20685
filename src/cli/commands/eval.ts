import type { Command } from 'commander';
import { loadMnist } from '../../data/mnist.js';
import type { PixelScale } from '../../data/batches.js';
import { LowbitError } from '../../errors/lowbit-error.js';
import { fromConfig } from '../../nn/from-config.js';
import type { LayerConfig } from '../../nn/module.js';
import { loadCheckpoint } from '../../train/checkpoint.js';
import { classificationError } from '../../train/evaluate.js';
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
      const ckpt = await loadCheckpoint(path);
      const config = ckpt.meta.config as { scale?: PixelScale } | undefined;
      if (!ckpt.meta.model || !config?.scale) throw new LowbitError(`checkpoint ${path}: no model config or input scale in its metadata`);
      const model = fromConfig(ckpt.meta.model as LayerConfig);
      const state = new Map([...ckpt.tensors].filter(([k]) => k.startsWith('model.')).map(([k, v]) => [k.slice(6), v]));
      model.loadStateDict(state, `checkpoint ${path}`);
      const { test } = await loadMnist();
      const error = classificationError(model, test, config.scale);
      out.result(`test error ${percent(error)} (${test.count} images, epoch ${String(ckpt.meta.epoch)})`, { checkpoint: path, epoch: ckpt.meta.epoch, testError: error, images: test.count });
    });
}
