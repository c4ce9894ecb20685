/** Seconds per training step of cifar10-cnv (W1/A1, batch 100, 32×32×3, squared hinge, Adam:
 *  forward + backward + update) on the default backend (wasm), the median of a few steps after one
 *  warm-up, with the seconds spent in each kernel per step, against the target of a 45k-image
 *  epoch in at most 3 minutes (4 ms per image). The conv kernels (im2col, col2im,
 *  im2colPackSigns, maxPool2d) have no wasm version yet: they are the reference's, through the
 *  one-place fallback. Random pixels: a step's time does not depend on their values.
 *  Writes bench/results/conv-training-step.{json,md}.
 *  Run: npx tsc -p . && flock /tmp/lowbit-cpu.lock node dist/bench/conv-training-step.js */
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { backward } from '../src/autograd/backward.js';
import { initDefaultBackend } from '../src/backends/default-backend.js';
import type { HostKernels } from '../src/backends/kernels.js';
import { kernels } from '../src/backends/registry.js';
import { cifar10Cnv } from '../src/models/conv-nets.js';
import { squaredHinge } from '../src/ops/losses.js';
import { Adam } from '../src/optim/adam.js';
import { Random } from '../src/tensor/random.js';
import { Tensor } from '../src/tensor/tensor.js';
import { runInfo } from '../src/train/run-info.js';

const BATCH = 100, STEPS = Number(process.env['STEPS'] ?? 5), TARGET_MS_PER_IMAGE = 180_000 / 45_000;
const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };

await initDefaultBackend();
const k = kernels() as unknown as HostKernels & Record<string, unknown>;
const kernelSeconds = new Map<string, number>();
for (const name of Object.keys(k)) {
  const f = k[name];
  if (typeof f !== 'function' || ['alloc', 'fromArray', 'write', 'isStorage', 'lengthOf', 'read', 'readSync', 'flush', 'free'].includes(name)) continue;
  k[name] = (...args: unknown[]) => {
    const t = performance.now(), out = (f as (...a: unknown[]) => unknown).apply(k, args);
    kernelSeconds.set(name, (kernelSeconds.get(name) ?? 0) + (performance.now() - t) / 1000);
    return out;
  };
}

const model = cifar10Cnv({ seed: 1 }).useRandom(new Random(2)).train();
const adam = new Adam(model.parameters(), { lr: 0.001 });
const rng = new Random(3), seconds: number[] = [];
for (let step = 0; step <= STEPS; step++) {
  const x = new Tensor(Float32Array.from({ length: BATCH * 3072 }, () => rng.uniform() * 2 - 1), [BATCH, 3072]);
  const labels = Int32Array.from({ length: BATCH }, () => Math.floor(rng.uniform() * 10));
  if (step === 1) kernelSeconds.clear(); // step 0 warms up
  const t = performance.now();
  backward(squaredHinge(model.forward(x), labels));
  adam.step();
  await k.flush();
  if (step > 0) seconds.push((performance.now() - t) / 1000);
}

const step = median(seconds), msPerImage = (1000 * step) / BATCH;
const info = { ...runInfo(), backend: k.name, threads: (k as { threads?: number }).threads ?? 1, loadAverage1m: loadavg()[0] ?? 0 };
const perKernel = [...kernelSeconds].map(([name, s]) => ({ kernel: name, native: k.native.has(name as never), secondsPerStep: s / STEPS }))
  .sort((a, b) => b.secondsPerStep - a.secondsPerStep);
const result = { ...info, batch: BATCH, steps: STEPS, stepSeconds: seconds, medianStepSeconds: step, msPerImage, epochSeconds45k: (45_000 / BATCH) * step, targetMsPerImage: TARGET_MS_PER_IMAGE, perKernel };
await mkdir('bench/results', { recursive: true });
await writeFile('bench/results/conv-training-step.json', JSON.stringify(result, null, 2) + '\n');
const md = `# cifar10-cnv training step (batch ${BATCH}, ${info.backend}, ${info.threads} threads)\n\n`
  + `${info.date}, commit ${info.commit}, ${info.machine}, Node ${info.node}, 1-min load average ${info.loadAverage1m.toFixed(1)}\n\n`
  + `median of ${STEPS} steps: ${step.toFixed(2)} s per step = ${msPerImage.toFixed(1)} ms per image (target ${TARGET_MS_PER_IMAGE} ms), `
  + `a 45k-image epoch in ${(result.epochSeconds45k / 60).toFixed(1)} min (target 3 min)\n\n| kernel | native | s per step |\n|---|---|---|\n`
  + perKernel.filter((r) => r.secondsPerStep >= 0.001).map((r) => `| ${r.kernel} | ${r.native ? 'yes' : 'reference'} | ${r.secondsPerStep.toFixed(3)} |`).join('\n') + '\n';
await writeFile('bench/results/conv-training-step.md', md);
process.stdout.write(md);
