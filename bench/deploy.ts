// Deployment benchmark: lowbit's packed engine against onnxruntime-node running the float32 ONNX
// export of the same network, side by side in one run on this machine (DESIGN.md, performance model).
// Nets: 784-2048x3-10 and 784-4096x3-10, randomly initialised and compiled / exported exactly as a
// trained one would be; inputs random bytes (dense) and MNIST test images.
// Writes bench/results/deploy.json and deploy.md. Run: npm run bench:deploy
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ort from 'onnxruntime-node';
import { initDefaultBackend } from '../src/backends/default-backend.js';
import { compile } from '../src/deploy/compile.js';
import { PackedEngine } from '../src/deploy/engine.js';
import { decodeModel, encodeModel } from '../src/deploy/model-file.js';
import { exportOnnx } from '../src/deploy/onnx/export-onnx.js';
import { loadMnist } from '../src/data/mnist.js';
import { mnistMlp } from '../src/models/mnist-mlp.js';
import { Random } from '../src/tensor/random.js';

const WIDTHS = [2048, 4096];
const THREADS = [1, 2];
const root = fileURLToPath(new URL('../../', import.meta.url)); // runs as dist/bench/deploy.js
type Threaded = { setThreads(n: number): Promise<void>; shared: boolean; name: string };

/** Median ms of an (async) call: one warm-up, then at least minRuns runs and minMs in total. */
async function median(fn: () => unknown, minRuns: number, minMs: number): Promise<number> {
  await fn();
  const times: number[] = [], start = performance.now();
  while (times.length < minRuns || performance.now() - start < minMs) {
    const t = performance.now(); await fn(); times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1]!;
}

function mnistInputs(images: Uint8Array, batch: number) {
  const pixels = images.slice(0, batch * 784);
  return { pixels, x: Float32Array.from(pixels, (p) => (2 * p) / 255 - 1) };
}

function inputs(batch: number) {
  const rng = new Random(1), pixels = new Uint8Array(batch * 784).map(() => rng.int(256));
  return { pixels, x: Float32Array.from(pixels, (p) => (2 * p) / 255 - 1) };
}

async function ortSession(file: string, threads: number) {
  return ort.InferenceSession.create(file, { intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all' });
}

const peakRssMb = (kind: string, file: string): number =>
  (JSON.parse(execFileSync(process.execPath, [fileURLToPath(new URL('./deploy-child.js', import.meta.url)), kind, file], { encoding: 'utf8' })) as { maxRssKb: number }).maxRssKb / 1024;

interface Row {
  net: string; threads: number; lowbitBatch1Us: number; ortBatch1Us: number; lowbitBatch100PerSec: number; ortBatch100PerSec: number;
  /** The same engine forced onto the paper's bit-plane first layer (QNN-SPEC §5.1). */
  bitPlanesBatch1Us: number; bitPlanesBatch100PerSec: number;
  /** Both on MNIST test images instead of random bytes (the first one; the first 100). */
  lowbitMnistBatch1Us: number; ortMnistBatch1Us: number; lowbitMnistBatch100PerSec: number; ortMnistBatch100PerSec: number;
}

export async function benchDeploy(): Promise<void> {
  const loadBefore = loadavg()[0]!;
  const k = await initDefaultBackend() as Partial<Threaded> & { name: string };
  const threaded = typeof k.setThreads === 'function' && k.shared === true;
  const dir = mkdtempSync(join(tmpdir(), 'lowbit-bench-'));
  const rows: Row[] = [], files: Record<string, unknown>[] = [];
  const one = inputs(1), hundred = inputs(100);
  const digits = (await loadMnist()).test.images, mnist1 = mnistInputs(digits, 1), mnist100 = mnistInputs(digits, 100);
  for (const width of WIDTHS) {
    const net = `784-${width}x3-10`, model = mnistMlp({ width, depth: 3, seed: 1 });
    const lbit = join(dir, `${width}.lbit`), onnx = join(dir, `${width}.onnx`);
    writeFileSync(lbit, encodeModel(await compile(model, { scale: 'symmetric' })));
    writeFileSync(onnx, await exportOnnx(model, { scale: 'symmetric' }));
    const lbitBytes = readFileSync(lbit).length, onnxBytes = readFileSync(onnx).length;
    const graph = decodeModel(readFileSync(lbit));
    const engine = new PackedEngine(graph), planes = new PackedEngine(graph, { firstLayer: 'bitPlanes' });
    for (const threads of threaded ? THREADS : [1]) {
      if (threaded) await k.setThreads!(threads);
      const s = await ortSession(onnx, threads);
      const t1 = new ort.Tensor('float32', one.x, [1, 784]), t100 = new ort.Tensor('float32', hundred.x, [100, 784]);
      const m1 = new ort.Tensor('float32', mnist1.x, [1, 784]), m100 = new ort.Tensor('float32', mnist100.x, [100, 784]);
      const row: Row = {
        net, threads,
        lowbitBatch1Us: 1000 * await median(() => engine.run(one.pixels, 1), 30, 1500),
        ortBatch1Us: 1000 * await median(() => s.run({ x: t1 }), 30, 1500),
        lowbitBatch100PerSec: 100_000 / await median(() => engine.run(hundred.pixels, 100), 10, 2000),
        ortBatch100PerSec: 100_000 / await median(() => s.run({ x: t100 }), 10, 2000),
        bitPlanesBatch1Us: 1000 * await median(() => planes.run(one.pixels, 1), 30, 1500),
        bitPlanesBatch100PerSec: 100_000 / await median(() => planes.run(hundred.pixels, 100), 10, 2000),
        lowbitMnistBatch1Us: 1000 * await median(() => engine.run(mnist1.pixels, 1), 30, 1500),
        ortMnistBatch1Us: 1000 * await median(() => s.run({ x: m1 }), 30, 1500),
        lowbitMnistBatch100PerSec: 100_000 / await median(() => engine.run(mnist100.pixels, 100), 10, 2000),
        ortMnistBatch100PerSec: 100_000 / await median(() => s.run({ x: m100 }), 10, 2000),
      };
      await s.release();
      rows.push(row);
      console.error(JSON.stringify(row));
    }
    files.push({ net, lbitBytes, onnxBytes, onnxOverLbit: onnxBytes / lbitBytes, lowbitPeakRssMb: peakRssMb('lowbit', lbit), ortPeakRssMb: peakRssMb('ort', onnx), nodeBaselineRssMb: peakRssMb('none', lbit) });
  }
  rmSync(dir, { recursive: true, force: true });
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), node: process.version, onnxruntime: ort.env.versions?.common ?? 'unknown',
    date: new Date().toISOString(), commit: gitCommit(), lowbitBackend: k.name,
    loadAverage1m: `${loadBefore.toFixed(2)} before, ${loadavg()[0]!.toFixed(2)} after`,
  };
  const notes = [
    'Random-init nets (mnistMlp seed 1, default BN), compiled and exported exactly as trained ones. The XNOR products do not depend on weight values; the bit-sliced hidden layers read only the input positions of each image\'s rarer bit value, so they run faster the further its activations are from half ones (about half here, their slowest case; a trained net\'s can differ).',
    'lowbit: packed engine on raw uint8 pixels, firstLayer \'auto\' (first layer as one exact integer product of the pixel bytes with the ±1 weights by 16-entry table lookups, pixelSignGemmNibbles; the hidden layers by bit-sliced counting of their XNOR-popcount products compared bit-sliced with their thresholds, xnorThresholdSliced, so their packed outputs come without an integer product; the last layer\'s product by xnorGemm; the first layer\'s thresholds and packing in thresholdPack; no float product anywhere), weights and scratch resident in the backend, backend ' + k.name + (threaded ? ', setThreads(1|2)' : ' (no thread setting: 1 thread only)') + '.',
    'bit-planes columns: the same engine with firstLayer \'bitPlanes\' (the paper\'s 8 bit-plane XNOR products, QNN-SPEC §5.1), measured in the same run.',
    'Inputs: random bytes (every pixel drawn from 0..255: the dense case) in the main columns; the MNIST table runs the same engines on the first (batch 1) and first 100 (batch 100) MNIST test images, whose background of zero bytes the first layer skips (groups of 4 zero bytes are not looked up) and whose activations the hidden layers count from the rarer bit value. ORT does the same work whatever the input.',
    'onnxruntime-node: float32 ONNX export (±1 weights as floats, BN folded to Mul+Add, sign as Less+Where), intraOpNumThreads = threads, graph optimisation all.',
    'Times are medians of repeated runs after a warm-up; batch-1 latency per call, batch-100 throughput in images/s. Nothing else of ours ran during the run; the machine is shared, so loadAverage1m (on ' + String(availableParallelism()) + ' cores) says how busy it was: a second thread that competes for a busy core makes the 2-thread rows say little about an idle machine.',
    'Peak RSS: a fresh Node child that loads one model and runs batch 100 five times (VmHWM from /proc/self/status); the Node baseline loads nothing.',
  ];
  writeFileSync(join(root, 'bench/results/deploy.json'), JSON.stringify({ machine, notes, rows, files }, null, 2) + '\n');
  const md = markdown(machine, notes, rows, files);
  writeFileSync(join(root, 'bench/results/deploy.md'), md);
  console.log(md);
}

function gitCommit(): string {
  try { return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim(); } catch { return 'unknown'; }
}

function markdown(machine: Record<string, unknown>, notes: string[], rows: Row[], files: Record<string, unknown>[]): string {
  const f = (x: number, d = 0) => x.toFixed(d);
  return [
    '# Deployment: lowbit packed engine vs onnxruntime-node (float32 ONNX)', '',
    Object.entries(machine).map(([key, v]) => `- ${key}: ${String(v)}`).join('\n'), '',
    '| net | threads | lowbit batch-1 µs | ORT batch-1 µs | latency ratio | lowbit batch-100 img/s | ORT batch-100 img/s | throughput ratio | bit-planes batch-1 µs | bit-planes batch-100 img/s |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.net} | ${r.threads} | ${f(r.lowbitBatch1Us)} | ${f(r.ortBatch1Us)} | ${f(r.ortBatch1Us / r.lowbitBatch1Us, 1)}x | ${f(r.lowbitBatch100PerSec)} | ${f(r.ortBatch100PerSec)} | ${f(r.lowbitBatch100PerSec / r.ortBatch100PerSec, 1)}x | ${f(r.bitPlanesBatch1Us)} | ${f(r.bitPlanesBatch100PerSec)} |`),
    '', 'On MNIST test images:', '',
    '| net | threads | lowbit batch-1 µs | ORT batch-1 µs | latency ratio | lowbit batch-100 img/s | ORT batch-100 img/s | throughput ratio |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.net} | ${r.threads} | ${f(r.lowbitMnistBatch1Us)} | ${f(r.ortMnistBatch1Us)} | ${f(r.ortMnistBatch1Us / r.lowbitMnistBatch1Us, 1)}x | ${f(r.lowbitMnistBatch100PerSec)} | ${f(r.ortMnistBatch100PerSec)} | ${f(r.lowbitMnistBatch100PerSec / r.ortMnistBatch100PerSec, 1)}x |`),
    '', '| net | .lbit bytes | .onnx bytes | ONNX / lbit | lowbit peak RSS MB | ORT peak RSS MB | Node baseline MB |', '|---|---|---|---|---|---|---|',
    ...files.map((x) => `| ${String(x.net)} | ${String(x.lbitBytes)} | ${String(x.onnxBytes)} | ${f(x.onnxOverLbit as number, 1)}x | ${f(x.lowbitPeakRssMb as number)} | ${f(x.ortPeakRssMb as number)} | ${f(x.nodeBaselineRssMb as number)} |`),
    '', ...notes.map((n) => `- ${n}`), '',
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchDeploy();
}
