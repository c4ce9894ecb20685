import type { Command } from 'commander';
import { kernels } from '../../backends/registry.js';
import { PackedEngine } from '../../deploy/engine.js';
import { loadModelFile } from '../../deploy/model-file-node.js';
import { medianMs } from '../../deploy/timing.js';
import { Random } from '../../tensor/random.js';
import { selectBackend } from '../backend.js';
import { table } from '../format.js';
import { output } from '../output.js';

type Threaded = { setThreads(n: number): Promise<void>; readonly shared: boolean };

export function benchCommand(program: Command): void {
  program.command('bench')
    .description('Measure a packed .lbit model here: batch-1 latency and batch-100 throughput, 1 and 2 threads')
    .argument('<model>', 'a .lbit file written by lowbit export')
    .option('--backend <name>', 'kernel backend (default: fastest available)')
    .option('--json', 'print the result as JSON')
    .action(async (path: string, o: { backend?: string; json?: boolean }) => {
      const out = output(Boolean(o.json));
      const backend = await selectBackend(o.backend);
      const engine = new PackedEngine(await loadModelFile(path));
      const rng = new Random(1), inputs = engine.graph.inputs;
      const pixels = new Uint8Array(100 * inputs).map(() => rng.int(256)); // speed does not depend on the values
      const k = kernels() as Partial<Threaded>;
      const threaded = typeof k.setThreads === 'function' && k.shared === true;
      const rows: { threads: number; batch1Ms: number; batch100ImagesPerSec: number }[] = [];
      for (const threads of threaded ? [1, 2] : [1]) {
        if (threaded) await k.setThreads!(threads);
        const batch1Ms = medianMs(() => engine.run(pixels.subarray(0, inputs), 1), { minRuns: 50, minMs: 500 });
        const batch100Ms = medianMs(() => engine.run(pixels, 100), { minRuns: 10, minMs: 1000 });
        rows.push({ threads, batch1Ms, batch100ImagesPerSec: 100_000 / batch100Ms });
      }
      const note = threaded ? '' : `\nbackend '${backend}' has no thread setting: single thread only.`;
      out.result(table(['threads', 'batch-1 latency', 'batch-100 throughput'],
        rows.map((r) => [String(r.threads), `${(r.batch1Ms * 1000).toFixed(0)} µs`, `${r.batch100ImagesPerSec.toFixed(0)} images/s`]))
        + `\nbackend ${backend}; medians of repeated runs.${note}`, { model: path, backend, results: rows });
    });
}
