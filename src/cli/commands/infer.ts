import type { Command } from 'commander';
import { loadMnist } from '../../data/mnist.js';
import { PackedEngine } from '../../deploy/engine.js';
import { loadModelFile } from '../../deploy/model-file-node.js';
import { LowbitError } from '../../errors/lowbit-error.js';
import { selectBackend } from '../backend.js';
import { percent } from '../format.js';
import { output } from '../output.js';
import { readImages } from '../read-images.js';
import { UsageError } from '../usage-error.js';

export function inferCommand(program: Command): void {
  program.command('infer')
    .description('Run a packed .lbit model: MNIST test accuracy, or one predicted class per image of a file')
    .argument('<model>', 'a .lbit file written by lowbit export')
    .option('--mnist-test', 'classify the 10,000 MNIST test images and print the accuracy')
    .option('--input <file>', 'images to classify: an IDX file of unsigned bytes, or raw bytes (one image after another)')
    .option('--backend <name>', 'kernel backend (default: fastest available)')
    .option('--json', 'print the result as JSON')
    .action(async (path: string, o: { mnistTest?: boolean; input?: string; backend?: string; json?: boolean }) => {
      const out = output(Boolean(o.json));
      if (Boolean(o.mnistTest) === Boolean(o.input)) throw new UsageError('infer: give exactly one of --mnist-test or --input FILE');
      const backend = await selectBackend(o.backend);
      const engine = new PackedEngine(await loadModelFile(path));
      if (o.mnistTest) {
        const { test } = await loadMnist();
        if (test.features !== engine.graph.inputs) throw new LowbitError(`infer: ${path} takes ${engine.graph.inputs} inputs, MNIST images have ${test.features}`);
        const start = performance.now(), pred = await engine.predict(test.images, test.count), ms = performance.now() - start;
        const right = pred.reduce((n, c, i) => n + (c === test.labels[i] ? 1 : 0), 0);
        out.result(`accuracy ${percent(right / test.count)} (${test.count} MNIST test images, ${ms.toFixed(0)} ms, backend ${backend})`,
          { model: path, images: test.count, accuracy: right / test.count, milliseconds: ms, backend });
        return;
      }
      const pixels = await readImages(o.input!, engine.graph.inputs, 'infer');
      const pred = await engine.predict(pixels);
      out.result(Array.from(pred).join('\n'), { model: path, input: o.input, predictions: Array.from(pred) });
    });
}
