import type { Command } from 'commander';
import { kernels } from '../../backends/registry.js';
import { loadMnist } from '../../data/mnist.js';
import { PackedEngine } from '../../deploy/engine.js';
import { loadModelFile } from '../../deploy/model-file-node.js';
import { medianMs } from '../../deploy/timing.js';
import { Random } from '../../tensor/random.js';
import { selectBackend } from '../backend.js';
import { table } from '../format.js';
import { LowbitError } from '../../errors/lowbit-error.js';
import { output } from '../output.js';
import { readImages } from '../read-images.js';
import { UsageError } from '../usage-error.js';

type Threaded = { setThreads(n: number): Promise<void>; readonly shared: boolean };

export function benchCommand(program: Command): void {
  program.command('bench')
    .description('Measure a packed .lbit model here: batch-1 latency and batch-100 throughput, 1 and 2 threads')
    .argument('<model>', 'a .lbit file written by lowbit export')
    .option('--mnist-test', 'time it on the first 100 MNIST test images (default: random bytes)')
    .option('--input <file>', 'time it on the first 100 images of a file (IDX or raw bytes, as infer reads; fewer are repeated)')
    .option('--backend <name>', 'kernel backend (default: fastest available)')
    .option('--json', 'print the result as JSON')
    .action(async (path: string, o: { mnistTest?: boolean; input?: string; backend?: string; json?: boolean }) => {
      const out = output(Boolean(o.json));
      if (o.mnistTest && o.input) throw new UsageError('bench: give at most one of --mnist-test or --input FILE');
      const backend = await selectBackend(o.backend);
      const engine = new PackedEngine(await loadModelFile(path));
      const inputs = engine.graph.inputs;
      // the speed depends on the inputs: zero bytes are skipped in groups, and the hidden layers
      // count from each image's rarer activation bit; random bytes are the dense case
      const { pixels, source } = await benchImages(o, inputs);
      const k = kernels() as Partial<Threaded>;
      const threaded = typeof k.setThreads === 'function' && k.shared === true;
      const rows: { threads: number; batch1Ms: number; batch100ImagesPerSec: number }[] = [];
      for (const threads of threaded ? [1, 2] : [1]) {
        if (threaded) await k.setThreads!(threads);
        const batch1Ms = await medianMs(() => engine.run(pixels.subarray(0, inputs), 1), { minRuns: 50, minMs: 500 });
        const batch100Ms = await medianMs(() => engine.run(pixels, 100), { minRuns: 10, minMs: 1000 });
        rows.push({ threads, batch1Ms, batch100ImagesPerSec: 100_000 / batch100Ms });
      }
      const note = threaded ? '' : `\nbackend '${backend}' has no thread setting: single thread only.`;
      out.result(table(['threads', 'batch-1 latency', 'batch-100 throughput'],
        rows.map((r) => [String(r.threads), `${(r.batch1Ms * 1000).toFixed(0)} µs`, `${r.batch100ImagesPerSec.toFixed(0)} images/s`]))
        + `\nbackend ${backend}; inputs: ${source}; medians of repeated runs.${note}`, { model: path, backend, inputs: source, results: rows });
    });
}

/** 100 images to time: random bytes, the first 100 MNIST test images, or a file's first 100
 *  (repeated where it has fewer). */
async function benchImages(o: { mnistTest?: boolean; input?: string }, inputs: number): Promise<{ pixels: Uint8Array; source: string }> {
  let images: Uint8Array, source: string;
  if (o.mnistTest) {
    const { test } = await loadMnist();
    if (test.features !== inputs) throw new LowbitError(`bench: the model takes ${inputs} inputs, MNIST images have ${test.features}`);
    images = test.images.subarray(0, 100 * inputs);
    source = 'the first 100 MNIST test images';
  } else if (o.input) {
    images = await readImages(o.input, inputs, 'bench');
    const count = images.length / inputs;
    source = `${o.input} (${count >= 100 ? 'its first 100 images' : `its ${count} image${count === 1 ? '' : 's'}, repeated to 100`})`;
  } else {
    const rng = new Random(1);
    return { pixels: new Uint8Array(100 * inputs).map(() => rng.int(256)), source: 'random bytes' };
  }
  const pixels = new Uint8Array(100 * inputs);
  for (let at = 0; at < pixels.length; at += images.length) pixels.set(images.subarray(0, Math.min(images.length, pixels.length - at)), at);
  return { pixels, source };
}
