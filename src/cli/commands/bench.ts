import type { Command } from 'commander';
import { kernels, useBackend } from '../../backends/registry.js';
import type { PackedGraph } from '../../deploy/graph.js';
import { loadMnist } from '../../data/mnist.js';
import { PackedEngine } from '../../deploy/engine.js';
import { loadModelFile } from '../../deploy/model-file-node.js';
import { medianMs } from '../../deploy/timing.js';
import { Random } from '../../tensor/random.js';
import { backendOption, selectBackend } from '../backend.js';
import { table } from '../format.js';
import { LowbitError } from '../../errors/lowbit-error.js';
import { output } from '../output.js';
import { readImages } from '../read-images.js';
import { UsageError } from '../usage-error.js';

type Threaded = { setThreads(n: number): Promise<void>; readonly shared: boolean };

export function benchCommand(program: Command): void {
  program.command('bench')
    .description('Measure a packed .lbit model here: batch-1 latency and batch-100 throughput, 1 and 2 threads; and on WebGPU beside it where an adapter exists (default backend only)')
    .argument('<model>', 'a .lbit file written by lowbit export')
    .option('--mnist-test', 'time it on the first 100 MNIST test images (default: random bytes)')
    .option('--data <dir>', 'with --mnist-test: the test set of the IDX files in this folder (MNIST\'s file names, gzipped or not)')
    .option('--input <file>', 'time it on the first 100 images of a file (IDX or raw bytes, as infer reads; fewer are repeated)')
    .option('--raw <file>', 'the same, the file read as raw 8-bit pixels whatever it starts with')
    .addOption(backendOption())
    .option('--json', 'print the result as JSON')
    .action(async (path: string, o: { mnistTest?: boolean; data?: string; input?: string; raw?: string; backend?: string; json?: boolean }) => {
      const out = output(Boolean(o.json));
      if ([o.mnistTest, o.input, o.raw].filter(Boolean).length > 1) throw new UsageError('bench: give at most one of --mnist-test, --input FILE or --raw FILE');
      if (o.data && !o.mnistTest) throw new UsageError('bench: --data picks the test set of --mnist-test; add --mnist-test, or drop --data');
      const backend = await selectBackend(o.backend);
      const graph = await loadModelFile(path);
      const engine = new PackedEngine(graph);
      const inputs = engine.graph.inputs;
      // the speed depends on the inputs: zero bytes are skipped in groups, and the hidden layers
      // count from each image's rarer activation bit; random bytes are the dense case
      const { pixels, source } = await benchImages(o, inputs);
      const k = kernels() as Partial<Threaded> & { adapter?: string };
      const threaded = typeof k.setThreads === 'function' && k.shared === true;
      const rows: { threads: number; batch1Ms: number; batch100ImagesPerSec: number }[] = [];
      for (const threads of threaded ? [1, 2] : [1]) {
        if (threaded) await k.setThreads!(threads);
        rows.push({ threads, ...await timeEngine(engine, pixels, inputs, backend === 'webgpu' ? GPU_RUNS : undefined) });
      }
      engine.dispose();
      const adapter = k.adapter;
      // with the backend left to the default, WebGPU is timed beside it where an adapter exists
      const probe = !o.backend && !process.env['LOWBIT_BACKEND'] && backend !== 'webgpu';
      const webgpu = probe ? await timeOnWebGpu(graph, pixels, inputs, backend) : undefined;
      const gpuAdapter = adapter ?? (webgpu && 'adapter' in webgpu ? webgpu.adapter : undefined);
      const note = threaded ? '' : `\nbackend '${backend}' has no thread setting: single thread only.`;
      const text = table(['backend', 'threads', 'batch-1 latency', 'batch-100 throughput'], [
        ...rows.map((r) => [adapter ? `${backend} on ${labelAdapter(adapter)}` : backend, String(r.threads), `${(r.batch1Ms * 1000).toFixed(0)} µs`, `${r.batch100ImagesPerSec.toFixed(0)} images/s`]),
        ...(webgpu && 'adapter' in webgpu ? [[`webgpu on ${labelAdapter(webgpu.adapter)}`, '-', `${(webgpu.batch1Ms * 1000).toFixed(0)} µs`, `${webgpu.batch100ImagesPerSec.toFixed(0)} images/s`]] : [])])
        + `\nbackend ${backend}; inputs: ${source}; medians of repeated runs.${note}`
        + (webgpu && 'unavailable' in webgpu ? `\nwebgpu: not timed (${webgpu.unavailable})` : '')
        + (gpuAdapter ? `\nwebgpu adapter: ${gpuAdapter}` : '');
      out.result(text, { model: path, backend, ...(adapter ? { adapter } : {}), inputs: source, results: rows, ...(webgpu ? { webgpu } : {}) });
    });
}

/** Fewer runs on WebGPU: each waits for a read back from the device (and SwiftShader is slow). */
const GPU_RUNS = { batch1: 5, batch100: 3 };

/** Median batch-1 latency and batch-100 throughput of an engine on these 100 images. */
async function timeEngine(engine: PackedEngine, pixels: Uint8Array, inputs: number, runs = { batch1: 50, batch100: 10 }): Promise<{ batch1Ms: number; batch100ImagesPerSec: number }> {
  const batch1Ms = await medianMs(() => engine.run(pixels.subarray(0, inputs), 1), { minRuns: runs.batch1, minMs: 500 });
  const batch100Ms = await medianMs(() => engine.run(pixels, 100), { minRuns: runs.batch100, minMs: 1000 });
  return { batch1Ms, batch100ImagesPerSec: 100_000 / batch100Ms };
}

/** The same timings on the WebGPU backend, or why there is none here; `backend` is active again after. */
async function timeOnWebGpu(graph: PackedGraph, pixels: Uint8Array, inputs: number, backend: string):
  Promise<{ adapter: string; batch1Ms: number; batch100ImagesPerSec: number } | { unavailable: string }> {
  let gpu: { adapter?: string } & object;
  try {
    gpu = await useBackend('webgpu') as { adapter?: string };
  } catch (e) {
    return { unavailable: (e as Error).message };
  }
  try {
    const engine = new PackedEngine(graph);
    try { return { adapter: gpu.adapter ?? 'unnamed adapter', ...await timeEngine(engine, pixels, inputs, GPU_RUNS) }; } finally { engine.dispose(); }
  } finally {
    await useBackend(backend);
  }
}

/** An adapter as a table shows it: SwiftShader said to be the CPU, so nobody takes it for a GPU. */
export function labelAdapter(adapter: string): string {
  return /swiftshader/i.test(adapter) ? 'SwiftShader (CPU emulation, not a GPU)' : adapter;
}

/** 100 images to time: random bytes, the first 100 MNIST test images, or a file's first 100
 *  (repeated where it has fewer). */
async function benchImages(o: { mnistTest?: boolean; data?: string; input?: string; raw?: string }, inputs: number): Promise<{ pixels: Uint8Array; source: string }> {
  let images: Uint8Array, source: string;
  if (o.mnistTest) {
    const { test } = await loadMnist({ dir: o.data });
    if (test.features !== inputs) throw new LowbitError(`bench: the model takes ${inputs} inputs, the test images have ${test.features}`);
    images = test.images.subarray(0, 100 * inputs);
    source = `the first 100 ${o.data ? `test images of ${o.data}` : 'MNIST test images'}`;
  } else if (o.input || o.raw) {
    const file = (o.input ?? o.raw)!;
    images = await readImages(file, inputs, 'bench', { raw: Boolean(o.raw) });
    const count = images.length / inputs;
    source = `${file} (${count >= 100 ? 'its first 100 images' : `its ${count} image${count === 1 ? '' : 's'}, repeated to 100`})`;
  } else {
    const rng = new Random(1);
    return { pixels: new Uint8Array(100 * inputs).map(() => rng.int(256)), source: 'random bytes' };
  }
  const pixels = new Uint8Array(100 * inputs);
  for (let at = 0; at < pixels.length; at += images.length) pixels.set(images.subarray(0, Math.min(images.length, pixels.length - at)), at);
  return { pixels, source };
}
