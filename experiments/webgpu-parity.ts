/** The packed engine on WebGPU against the same engine on wasm, on all 10,000 MNIST test images:
 *  scores must be equal bit for bit and classes equal, for both first-layer routes. With two more
 *  checkpoints (one recipe and seed trained with --backend wasm and with --backend webgpu), the
 *  two trained models' test predictions are compared too (float sums in another order: some may differ).
 *  Run: npx tsc -p . && node dist/experiments/webgpu-parity.js CHECKPOINT [RESULT.json [WASM_TRAINED WEBGPU_TRAINED]] */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { noGrad } from '../src/autograd/grad-mode.js';
import { initDefaultBackend } from '../src/backends/default-backend.js';
import { useBackend } from '../src/backends/registry.js';
import type { WebGpuKernels } from '../src/backends/webgpu/index.js';
import { toFloat } from '../src/data/batches.js';
import { loadMnist } from '../src/data/mnist.js';
import { compile } from '../src/deploy/compile.js';
import { PackedEngine } from '../src/deploy/engine.js';
import { decodeModel, encodeModel } from '../src/deploy/model-file.js';
import { argmaxRows } from '../src/train/evaluate.js';
import { loadTrainedModel } from '../src/train/trained-model.js';
import { runInfo } from '../src/train/run-info.js';
import { compareEngines } from './webgpu-compare.js';

const [checkpoint, resultFile, wasmTrained, webgpuTrained] = process.argv.slice(2);
if (!checkpoint) { process.stderr.write('usage: webgpu-parity CHECKPOINT [RESULT.json [WASM_TRAINED WEBGPU_TRAINED]]\n'); process.exit(2); }
await initDefaultBackend(); // registers the backends
const wasm = await useBackend('wasm');
const { model, scale } = await loadTrainedModel(checkpoint);
const { test } = await loadMnist();
const file = encodeModel(await compile(model, { scale }));
const gpu = await useBackend('webgpu') as WebGpuKernels;

const routes = [];
for (const firstLayer of ['integer', 'bitPlanes'] as const) {
  const run = async (backend: typeof wasm) => {
    await useBackend(backend.name);
    const engine = new PackedEngine(decodeModel(file), { firstLayer }), start = performance.now();
    const scores = await engine.run(test.images, test.count);
    const ms = performance.now() - start;
    engine.dispose();
    return { scores, ms };
  };
  const want = await run(wasm), got = await run(gpu);
  const cmp = compareEngines(want.scores, got.scores, test.count);
  routes.push({ firstLayer, images: test.count, ...cmp, testError: cmp.errorsAgainst(test.labels) / test.count,
    wasmMs: Math.round(want.ms), webgpuMs: Math.round(got.ms) });
}

let training: object | undefined;
if (wasmTrained && webgpuTrained) {
  await useBackend('wasm');
  const predict = async (path: string) => {
    const trained = await loadTrainedModel(path);
    return argmaxRows(noGrad(() => trained.model.forward(toFloat(test, trained.scale))));
  };
  const onWasm = await predict(wasmTrained), onGpu = await predict(webgpuTrained);
  let differ = 0, wasmWrong = 0, gpuWrong = 0;
  for (let i = 0; i < test.count; i++) {
    if (onWasm[i] !== onGpu[i]) differ++;
    if (onWasm[i] !== test.labels[i]) wasmWrong++;
    if (onGpu[i] !== test.labels[i]) gpuWrong++;
  }
  training = { wasmCheckpoint: wasmTrained, webgpuCheckpoint: webgpuTrained, images: test.count, predictionsDiffer: differ,
    wasmTestError: wasmWrong / test.count, webgpuTestError: gpuWrong / test.count };
}

const result = { experiment: 'webgpu-parity', checkpoint, ...runInfo(), adapter: gpu.adapter, fileBytes: file.length,
  routes: routes.map(({ errorsAgainst: _, ...r }) => r), training };
process.stdout.write(JSON.stringify(result, null, 2) + '\n');
if (resultFile) { await mkdir(dirname(resultFile), { recursive: true }); await writeFile(resultFile, JSON.stringify(result, null, 2) + '\n'); }
process.exit(routes.every((r) => r.scoreMismatches === 0 && r.classMismatches === 0) ? 0 : 1);
