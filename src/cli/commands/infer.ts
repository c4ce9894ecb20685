import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { DataError } from '../../data/data-error.js';
import { parseIdx } from '../../data/idx.js';
import { loadMnist } from '../../data/mnist.js';
import { PackedEngine } from '../../deploy/engine.js';
import { loadModelFile } from '../../deploy/model-file-node.js';
import { LowbitError } from '../../errors/lowbit-error.js';
import { selectBackend } from '../backend.js';
import { percent } from '../format.js';
import { output } from '../output.js';

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
      if (Boolean(o.mnistTest) === Boolean(o.input)) throw new LowbitError('infer: give exactly one of --mnist-test or --input FILE');
      const backend = await selectBackend(o.backend);
      const engine = new PackedEngine(await loadModelFile(path));
      if (o.mnistTest) {
        const { test } = await loadMnist();
        if (test.features !== engine.graph.inputs) throw new LowbitError(`infer: ${path} takes ${engine.graph.inputs} inputs, MNIST images have ${test.features}`);
        const start = performance.now(), pred = engine.predict(test.images, test.count), ms = performance.now() - start;
        const right = pred.reduce((n, c, i) => n + (c === test.labels[i] ? 1 : 0), 0);
        out.result(`accuracy ${percent(right / test.count)} (${test.count} MNIST test images, ${ms.toFixed(0)} ms, backend ${backend})`,
          { model: path, images: test.count, accuracy: right / test.count, milliseconds: ms, backend });
        return;
      }
      const pixels = await readImages(o.input!, engine.graph.inputs);
      const pred = engine.predict(pixels);
      out.result(Array.from(pred).join('\n'), { model: path, input: o.input, predictions: Array.from(pred) });
    });
}

/** An IDX file whose dims after the first multiply to `inputs`, else raw bytes, `inputs` per image. */
async function readImages(file: string, inputs: number): Promise<Uint8Array> {
  let bytes: Uint8Array;
  try { bytes = await readFile(file); } catch (e) { throw new DataError(`infer: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`); }
  let idx: ReturnType<typeof parseIdx> | undefined;
  try { idx = parseIdx(bytes, file); } catch { idx = undefined; } // not IDX: read it as raw bytes
  if (idx) {
    const per = idx.dims.slice(1).reduce((n, d) => n * d, 1);
    if (idx.dims.length < 2 || per !== inputs) {
      throw new DataError(`infer: ${file} is an IDX file of dims [${idx.dims.join(',')}], i.e. ${idx.dims.length < 2 ? 'not a set of images' : `${per} bytes per image`}; the model takes ${inputs}`);
    }
    return idx.data;
  }
  if (bytes.length === 0 || bytes.length % inputs !== 0) {
    throw new DataError(`infer: ${file} has ${bytes.length} bytes, not a multiple of ${inputs} (the model's bytes per image); `
      + 'give raw 8-bit pixels, one image after another, or an IDX file');
  }
  return bytes;
}
