/** Seconds per training step of cifar10-cnv (W1/A1, 32×32×3, squared hinge, Adam: forward +
 *  backward + update; batch 100, or BATCH=n: the recipe trains with 50) on the default backend
 *  (wasm), the median of a few steps after one warm-up, with the seconds spent in each kernel per
 *  step, against the target of a 45k-image epoch in at most 3 minutes (4 ms per image). Each step
 *  runs in the backend's step scope, as fit runs it; the same steps without the scope (every
 *  operand copied into wasm memory and back) take turns with them, on a second model, and on a
 *  third the scope with every array zero-filled (no Kernels.allocOutput: kernel outputs filled
 *  and then overwritten, as before outputs were left unfilled). Random
 *  pixels: a step's time does not depend on their values. With --peer, in the same run: our float
 *  twin (cifar10Cnv({ float: true })) and TensorFlow.js training the same float twin
 *  (bench/conv-training-peer.ts), PEER_STEPS steps of PEER_BATCH images (default 2 of 2) after a
 *  warm-up on 2 images: its cpu backend took 35 s per image in a first run (load average 12), so
 *  a batch of 100 would be about an hour per step; compare ms per image.
 *  Writes bench/results/conv-training-step.{json,md} (conv-training-step-b50.* with BATCH=50).
 *  Run: npm run bench:conv-training [-- --peer] (node with --experimental-wasm-relaxed-simd, as the
 *  lowbit command runs: the relaxed-SIMD build, fused multiply-adds in the float products). */
import { mkdir, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { backward } from '../src/autograd/backward.js';
import { initDefaultBackend } from '../src/backends/default-backend.js';
import type { HostKernels } from '../src/backends/kernels.js';
import { kernels, setKernels } from '../src/backends/registry.js';
import { cifar10Cnv } from '../src/models/conv-nets.js';
import { squaredHinge } from '../src/ops/losses.js';
import { Adam } from '../src/optim/adam.js';
import { Random } from '../src/tensor/random.js';
import { Tensor } from '../src/tensor/tensor.js';
import { runInfo } from '../src/train/run-info.js';
import { tfjsStepSeconds } from './conv-training-peer.js';

const BATCH = Number(process.env['BATCH'] ?? 100), STEPS = Number(process.env['STEPS'] ?? 5), TARGET_MS_PER_IMAGE = 180_000 / 45_000;
const PEER = process.argv.includes('--peer'), PEER_BATCH = Number(process.env['PEER_BATCH'] ?? 2), PEER_STEPS = Number(process.env['PEER_STEPS'] ?? 2);
for (const [name, v] of [['BATCH', BATCH], ['STEPS', STEPS], ['PEER_BATCH', PEER_BATCH], ['PEER_STEPS', PEER_STEPS]] as const) {
  if (!Number.isInteger(v) || v < 1) { console.error(`conv-training-step: ${name} must be a positive integer, got ${process.env[name]}`); process.exit(2); }
}
const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };

await initDefaultBackend();
const k = kernels() as unknown as HostKernels & Record<string, unknown>;
const kernelSeconds = new Map<string, number>();
/** Whether the kernel wrappers add to kernelSeconds (only for the first mode's steps). */
let timing = true;
for (const name of Object.keys(k)) {
  const f = k[name];
  if (typeof f !== 'function' || ['alloc', 'fromArray', 'write', 'isStorage', 'lengthOf', 'read', 'readSync', 'flush', 'free', 'stepScope'].includes(name)) continue;
  k[name] = (...args: unknown[]) => {
    const t = performance.now(), out = (f as (...a: unknown[]) => unknown).apply(k, args);
    if (timing) kernelSeconds.set(name, (kernelSeconds.get(name) ?? 0) + (performance.now() - t) / 1000);
    return out;
  };
}

/** The backend minus allocOutput: Tensor.output then zero-fills as Tensor.empty does. */
const filling = Object.create(null) as typeof k;
Object.defineProperties(filling, Object.getOwnPropertyDescriptors(k));
delete (filling as { allocOutput?: unknown }).allocOutput;

/** Seconds of each of `steps` steps after one warm-up (the per-kernel sums restart after it), for
 *  each of `modes`, the modes taking turns step by step (all see the same load): 'scoped' runs
 *  each step in the backend's step scope, as the trainer does; 'filled' the same with every
 *  array zero-filled; 'unscoped' without the scope, every operand copied into wasm memory and
 *  back by each kernel. Per-kernel sums: the first mode's. */
async function ourStepSeconds(float: boolean, modes: ('scoped' | 'filled' | 'unscoped')[]): Promise<number[][]> {
  const runs = modes.map((mode) => {
    const model = cifar10Cnv({ seed: 1, float }).useRandom(new Random(2)).train();
    return { mode, model, adam: new Adam(model.parameters(), { lr: 0.001 }), seconds: [] as number[] };
  });
  const rng = new Random(3);
  for (let step = 0; step <= STEPS; step++) {
    const x = new Tensor(Float32Array.from({ length: BATCH * 3072 }, () => rng.uniform() * 2 - 1), [BATCH, 3072]);
    const labels = Int32Array.from({ length: BATCH }, () => Math.floor(rng.uniform() * 10));
    for (const [i, r] of runs.entries()) {
      if (step === 1 && i === 0) kernelSeconds.clear(); // step 0 warms up
      timing = i === 0; // the per-kernel sums are the first mode's
      const t = performance.now();
      const work = (): void => { backward(squaredHinge(r.model.forward(x), labels)); r.adam.step(); };
      setKernels(r.mode === 'filled' ? filling : k);
      if (r.mode !== 'unscoped' && k.stepScope) k.stepScope(work); else work();
      await k.flush();
      setKernels(k);
      if (step > 0) r.seconds.push((performance.now() - t) / 1000);
    }
  }
  timing = true;
  return runs.map((r) => r.seconds);
}

const loadBefore = loadavg()[0] ?? 0;
const [seconds, unscoped, filled] = (await ourStepSeconds(false, ['scoped', 'unscoped', 'filled'])) as [number[], number[], number[]];
const perKernel = [...kernelSeconds].map(([name, s]) => ({ kernel: name, native: k.native.has(name as never), secondsPerStep: s / STEPS }))
  .sort((a, b) => b.secondsPerStep - a.secondsPerStep);
const step = median(seconds), msPerImage = (1000 * step) / BATCH;
const peer = PEER ? { floatTwin: (await ourStepSeconds(true, ['scoped']))[0]!, tfjs: await tfjsStepSeconds(PEER_BATCH, PEER_STEPS, 1, 2) } : null;
const info = { ...runInfo(), backend: k.name, build: (k as { build?: string }).build ?? k.name, threads: (k as { threads?: number }).threads ?? 1, loadAverage1mBefore: loadBefore, loadAverage1m: loadavg()[0] ?? 0 };
const rows = peer && [
  { what: `lowbit ${info.backend} ×${info.threads}, cifar10-cnv W1/A1`, batch: BATCH, stepSeconds: seconds },
  { what: `lowbit ${info.backend} ×${info.threads}, float twin`, batch: BATCH, stepSeconds: peer.floatTwin },
  { what: `TensorFlow.js ${peer.tfjs.version} ${peer.tfjs.backend} backend, float twin`, batch: PEER_BATCH, stepSeconds: peer.tfjs.seconds },
].map((r) => ({ ...r, msPerImage: (1000 * median(r.stepSeconds)) / r.batch }));
const unscopedMs = (1000 * median(unscoped)) / BATCH, filledMs = (1000 * median(filled)) / BATCH;
const result = { ...info, batch: BATCH, steps: STEPS, stepSeconds: seconds, medianStepSeconds: step, msPerImage, unscopedStepSeconds: unscoped, unscopedMsPerImage: unscopedMs,
  filledStepSeconds: filled, filledMsPerImage: filledMs, epochSeconds45k: (45_000 / BATCH) * step,
  targetMsPerImage: TARGET_MS_PER_IMAGE, perKernel, ...(rows ? { peer: rows } : {}) };
await mkdir('bench/results', { recursive: true });
const out = `bench/results/conv-training-step${BATCH === 100 ? '' : `-b${BATCH}`}`;
await writeFile(`${out}.json`, JSON.stringify(result, null, 2) + '\n');
const tfjsMs = rows?.[2]!.msPerImage ?? 0;
const md = `# cifar10-cnv training step (batch ${BATCH}, ${info.backend}: ${info.build}, ${info.threads} threads)\n\n`
  + `${info.date}, commit ${info.commit}, ${info.machine}, Node ${info.node}, 1-min load average ${loadBefore.toFixed(1)} before, ${info.loadAverage1m.toFixed(1)} after\n\n`
  + `median of ${STEPS} steps: ${step.toFixed(2)} s per step = ${msPerImage.toFixed(1)} ms per image (target ${TARGET_MS_PER_IMAGE} ms), `
  + `a 45k-image epoch in ${(result.epochSeconds45k / 60).toFixed(1)} min (target 3 min)\n\n`
  + `without the step scope (every operand copied into wasm memory and back), steps taking turns with the above: `
  + `${unscopedMs.toFixed(1)} ms per image; the scope makes a step ${(unscopedMs / msPerImage).toFixed(2)}x as fast\n\n`
  + `the scope with every array zero-filled (kernel outputs filled, then overwritten), taking turns too: `
  + `${filledMs.toFixed(1)} ms per image; leaving outputs unfilled makes a step ${(filledMs / msPerImage).toFixed(2)}x as fast\n\n`
  + (rows ? `## Side by side (same run; medians; ratio = TensorFlow.js ms per image / this row's)\n\n| trainer | batch | steps | ms per image | TensorFlow.js / this |\n|---|---|---|---|---|\n`
    + rows.map((r) => `| ${r.what} | ${r.batch} | ${r.stepSeconds.length} | ${r.msPerImage.toFixed(1)} | ${(tfjsMs / r.msPerImage).toFixed(1)}× |`).join('\n') + '\n\n' : '')
  + `## Per kernel (W1/A1)\n\n| kernel | native | s per step |\n|---|---|---|\n`
  + perKernel.filter((r) => r.secondsPerStep >= 0.001).map((r) => `| ${r.kernel} | ${r.native ? 'yes' : 'reference'} | ${r.secondsPerStep.toFixed(3)} |`).join('\n') + '\n';
await writeFile(`${out}.md`, md);
process.stdout.write(md);
