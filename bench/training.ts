/** Training speed: samples/s of one Adam step on the paper's Torch7 MNIST MLP (784-2048x3-10,
 *  batch 100), lowbit's BNN on its kernels against TensorFlow.js training the float MLP of the same
 *  shape (wasm backend; cpu backend for one step), measured side by side in one run.
 *  Writes bench/results/training.json and training.md. */
import { writeFile, mkdir } from 'node:fs/promises';
import { backward } from '../src/autograd/backward.js';
import { initDefaultBackend } from '../src/backends/default-backend.js';
import { kernels, useBackend } from '../src/backends/registry.js';
import type { WasmKernels } from '../src/backends/wasm/index.js';
import { mnistMlp } from '../src/models/mnist-mlp.js';
import { squaredHinge } from '../src/ops/losses.js';
import { Adam } from '../src/optim/adam.js';
import { Random } from '../src/tensor/random.js';
import { Tensor } from '../src/tensor/tensor.js';
import { runInfo } from '../src/train/run-info.js';

const BATCH = 100, WIDTH = Number(process.env.BENCH_WIDTH ?? 2048), DEPTH = 3;

function median(xs: number[]): number { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; }

function batch(rng: Random): { x: Tensor; labels: Int32Array } {
  const x = new Float32Array(BATCH * 784).map(() => rng.uniform() * 2 - 1);
  return { x: new Tensor(x, [BATCH, 784]), labels: new Int32Array(BATCH).map(() => rng.int(10)) };
}

/** Median seconds per training step of the lowbit BNN (forward, squared hinge, backward, Adam). */
function lowbitStep(steps: number, float: boolean): number {
  const model = mnistMlp({ width: WIDTH, depth: DEPTH, float });
  const opt = new Adam(model.parameters(), { lr: 0.003 });
  const rng = new Random(1);
  const times: number[] = [];
  for (let i = 0; i < steps + 2; i++) {
    const { x, labels } = batch(rng);
    const t = performance.now();
    backward(squaredHinge(model.forward(x), labels));
    opt.step();
    if (i >= 2) times.push((performance.now() - t) / 1000); // two warm-up steps
  }
  return median(times);
}

async function tfjsStep(backend: 'wasm' | 'cpu', steps: number): Promise<number> {
  const tf = await import('@tensorflow/tfjs');
  if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend(backend); await tf.ready();
  const m = tf.sequential();
  for (let l = 0; l < DEPTH; l++) {
    m.add(tf.layers.dense({ units: WIDTH, ...(l === 0 ? { inputShape: [784] } : {}) }));
    m.add(tf.layers.batchNormalization());
    m.add(tf.layers.activation({ activation: 'tanh' }));
  }
  m.add(tf.layers.dense({ units: 10 }));
  m.add(tf.layers.batchNormalization());
  m.compile({ optimizer: tf.train.adam(0.003), loss: 'meanSquaredError' });
  const x = tf.randomUniform([BATCH, 784], -1, 1), y = tf.randomUniform([BATCH, 10], -1, 1);
  await m.trainOnBatch(x, y); // warm-up
  const times: number[] = [];
  for (let i = 0; i < steps; i++) { const t = performance.now(); await m.trainOnBatch(x, y); times.push((performance.now() - t) / 1000); }
  m.dispose(); x.dispose(); y.dispose();
  return median(times);
}

const rows: { system: string; threads: number; secondsPerStep: number; samplesPerSec: number }[] = [];
const add = (system: string, threads: number, s: number): void => {
  rows.push({ system, threads, secondsPerStep: s, samplesPerSec: BATCH / s });
  console.error(`${system.padEnd(44)} threads ${threads}  ${(BATCH / s).toFixed(1).padStart(8)} samples/s`);
};

await initDefaultBackend();
const k = kernels() as unknown as Partial<WasmKernels>;
for (const threads of k.setThreads ? [1, 2] : [1]) {
  await k.setThreads?.(threads);
  add(`lowbit ${k.name} BNN (1-bit W/A)`, threads, lowbitStep(10, false));
  add(`lowbit ${k.name} float twin`, threads, lowbitStep(5, true));
}
await useBackend('reference');
add('tfjs-wasm float MLP (Adam)', 1, await tfjsStep('wasm', 3));
if (!process.env.BENCH_SKIP_TFJS_CPU) add('tfjs-cpu float MLP (Adam)', 1, await tfjsStep('cpu', 1));

const tfjs = rows.find((r) => r.system.startsWith('tfjs-wasm'))!.samplesPerSec;
const best = Math.max(...rows.filter((r) => r.system.includes('BNN')).map((r) => r.samplesPerSec));
const result = {
  benchmark: 'training', net: `784-${WIDTH}x${DEPTH}-10`, batch: BATCH, ...runInfo(), rows,
  bnnOverTfjsWasm: best / tfjs, epochSeconds50k: 50000 / best,
};
await mkdir('bench/results', { recursive: true });
await writeFile('bench/results/training.json', JSON.stringify(result, null, 2) + '\n');
const md = [`# Training speed, 784-${WIDTH}x${DEPTH}-10, batch ${BATCH}`, '', `${result.machine}; node ${result.node}; commit ${result.commit}; ${result.date}`, '',
  '| system | threads | samples/s | s/step |', '|---|---:|---:|---:|',
  ...rows.map((r) => `| ${r.system} | ${r.threads} | ${r.samplesPerSec.toFixed(1)} | ${r.secondsPerStep.toFixed(3)} |`), '',
  `BNN over tfjs-wasm: ${result.bnnOverTfjsWasm.toFixed(1)}x; one epoch of 50k samples: ${result.epochSeconds50k.toFixed(0)} s.`, ''].join('\n');
await writeFile('bench/results/training.md', md);
console.log(md);
process.exit(0); // worker threads of the wasm backend and tfjs handles
