import type { Command } from 'commander';
import { loadCifar10 } from '../../data/cifar10.js';
import { loadMnist } from '../../data/mnist.js';
import { PackedEngine } from '../../deploy/engine.js';
import { loadModelFile } from '../../deploy/model-file-node.js';
import { LowbitError } from '../../errors/lowbit-error.js';
import { backendOption, selectBackend } from '../backend.js';
import { percent } from '../format.js';
import { output } from '../output.js';
import { readImages } from '../read-images.js';
import { UsageError } from '../usage-error.js';

export function inferCommand(program: Command): void {
  program.command('infer')
    .description('Run a packed .lbit model: MNIST or CIFAR-10 test accuracy, or one predicted class per image of a file')
    .argument('<model>', 'a .lbit file written by lowbit export')
    .option('--mnist-test', 'classify the 10,000 MNIST test images (or the test set in --data) and print the accuracy')
    .option('--cifar10-test', 'classify the 10,000 CIFAR-10 test images (or test_batch.bin in --data) and print the accuracy')
    .option('--data <dir>', 'with --mnist-test: the test set of the IDX files in this folder (MNIST\'s file names, gzipped or not); with --cifar10-test: the folder of the binary batches')
    .option('--input <file>', 'images to classify: an IDX file of unsigned bytes (gzipped or not), or raw bytes (one image after another)')
    .option('--raw <file>', 'images to classify as raw 8-bit pixels, one image after another, whatever the file starts with')
    .addOption(backendOption())
    .option('--json', 'print the result as JSON')
    .action(async (path: string, o: { mnistTest?: boolean; cifar10Test?: boolean; data?: string; input?: string; raw?: string; backend?: string; json?: boolean }) => {
      const out = output(Boolean(o.json));
      if ([o.mnistTest, o.cifar10Test, o.input, o.raw].filter(Boolean).length !== 1) throw new UsageError('infer: give exactly one of --cifar10-test, --mnist-test, --input FILE or --raw FILE');
      if (o.data && !o.mnistTest && !o.cifar10Test) throw new UsageError('infer: --data picks the test set of --mnist-test or --cifar10-test; add one, or drop --data');
      const backend = await selectBackend(o.backend);
      const engine = new PackedEngine(await loadModelFile(path));
      if (o.mnistTest || o.cifar10Test) {
        const name = o.mnistTest ? 'MNIST' : 'CIFAR-10';
        const { test } = o.mnistTest ? await loadMnist({ dir: o.data }) : await loadCifar10({ dir: o.data });
        if (test.features !== engine.graph.inputs) throw new LowbitError(`infer: ${path} takes ${engine.graph.inputs} inputs, the test images have ${test.features}`);
        const start = performance.now(), pred = await engine.predict(test.images, test.count), ms = performance.now() - start;
        const right = pred.reduce((n, c, i) => n + (c === test.labels[i] ? 1 : 0), 0);
        out.result(`accuracy ${percent(right / test.count)} (${test.count} ${o.data ? `test images of ${o.data}` : `${name} test images`}, ${ms.toFixed(0)} ms, backend ${backend})`,
          { model: path, images: test.count, accuracy: right / test.count, milliseconds: ms, backend });
        return;
      }
      const pixels = await readImages((o.input ?? o.raw)!, engine.graph.inputs, 'infer', { raw: Boolean(o.raw) });
      const pred = await engine.predict(pixels);
      out.result(Array.from(pred).join('\n'), { model: path, input: o.input ?? o.raw, predictions: Array.from(pred) });
    });
}
