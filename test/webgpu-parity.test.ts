import assert from 'node:assert/strict';
import { test } from 'node:test';
import { opaque, setKernels } from '../src/backends/registry.js';
import { referenceKernels } from '../src/backends/reference/index.js';
import { loadWasmKernels } from '../src/backends/wasm/index.js';
import { gpuOrSkip } from '../src/backends/webgpu/gpu-or-skip.js';
import { subset } from '../src/data/dataset.js';
import { loadMnist } from '../src/data/mnist.js';
import { compile } from '../src/deploy/compile.js';
import { PackedEngine } from '../src/deploy/engine.js';
import type { Kernels } from '../src/backends/kernels.js';
import { mnistMlp } from '../src/models/mnist-mlp.js';
import { fit } from '../src/train/trainer.js';
import { compareEngines } from '../experiments/webgpu-compare.js';

// The packed engine on WebGPU gives the wasm engine's scores bit for bit on real MNIST images:
// every step is integer or bit arithmetic, and the float score epilogue is the same kernel
// (scoreRows runs on the host). A binary net and a 2-bit-activation net (k-bit codes), trained
// briefly so their thresholds are real ones; both first-layer routes.

const gpu = await gpuOrSkip('webgpu packed-engine parity');
if (gpu) {
  test('webgpu: the packed engine\'s MNIST scores equal the wasm engine\'s exactly (300 test images, both first-layer routes)', async () => {
    const wasm = opaque(await loadWasmKernels()), mnist = await loadMnist(), images = subset(mnist.test, 0, 300);
    for (const bitsA of [1, 2]) {
      setKernels(wasm);
      const model = mnistMlp({ width: 96, depth: 2, seed: 5, bitsA });
      await fit(model, { train: subset(mnist.train, 0, 500), validation: subset(mnist.validation, 0, 100) },
        { experiment: 'webgpu-parity', epochs: 1, batchSize: 50, lr: 0.003, lrEnd: 0.003, seed: 5, loss: 'squaredHinge', scale: 'symmetric' });
      const graph = await compile(model.eval(), { scale: 'symmetric' });
      for (const firstLayer of ['integer', 'bitPlanes'] as const) {
        const run = async (k: Kernels) => {
          setKernels(k);
          const engine = new PackedEngine(graph, { firstLayer });
          try { return await engine.run(images.images, images.count); } finally { engine.dispose(); }
        };
        const want = await run(wasm), got = await run(gpu);
        const cmp = compareEngines(want, got, images.count), at = `bits-a ${bitsA}, first layer ${firstLayer}`;
        assert.equal(want.length, images.count * 10, `${at}: scores`);
        assert.equal(cmp.scoreMismatches, 0, `${at}: ${cmp.scoreMismatches} scores differ (largest by ${cmp.maxScoreDiff})`);
        assert.equal(cmp.classMismatches, 0, `${at}: classes`);
      }
    }
    setKernels(referenceKernels);
  });
}
