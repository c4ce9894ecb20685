import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeDeferredBackend } from '../src/backends/deferred/deferred-backend.js';
import { setKernels } from '../src/backends/registry.js';
import { referenceKernels } from '../src/backends/reference/index.js';
import { BatchNorm } from '../src/nn/batch-norm.js';
import { Flatten, Unflatten } from '../src/nn/flatten.js';
import { HardTanh } from '../src/nn/hard-tanh.js';
import { MaxPool2d } from '../src/nn/max-pool2d.js';
import { QuantConv2d } from '../src/nn/quant-conv2d.js';
import { QuantDense } from '../src/nn/quant-dense.js';
import { Sequential } from '../src/nn/sequential.js';
import { classificationError } from '../src/train/evaluate.js';
import { fit, type TrainConfig } from '../src/train/trainer.js';
import { quarterImages } from './quarter-images.js';

// As deferred-training.test.ts for a conv net: the conv, pooling and flatten layers read no
// number between kernels, so a backend that finishes every kernel later trains exactly as the
// reference does. Synthetic 8×8×3 images whose class is the brightest quarter.

const images = (count: number, seed: number) => quarterImages(count, seed);

const net = (binaryA: 'steSign' | { name: string; bits: number }) => new Sequential([
  new Unflatten([8, 8, 3]),
  new QuantConv2d(3, 8, 3, { padding: 'same', inputQuantizer: 'identity', seed: 2 }), new BatchNorm(8), new HardTanh(),
  new QuantConv2d(8, 8, 3, { stride: 1, inputQuantizer: binaryA, seed: 3 }), new MaxPool2d(2), new BatchNorm(8), new HardTanh(),
  new Flatten(), new QuantDense(3 * 3 * 8, 4, { inputQuantizer: binaryA, seed: 4 }), new BatchNorm(4),
]);

async function run(which: 'reference' | 'deferred', config: TrainConfig, binaryA: 'steSign' | { name: string; bits: number }) {
  setKernels(which === 'reference' ? referenceKernels : makeDeferredBackend());
  try {
    const model = net(binaryA);
    const result = await fit(model, { train: images(120, 1), validation: images(40, 2) }, config, { logEvery: 2 });
    model.loadStateDict(result.bestState, 'best weights');
    const testError = await classificationError(model, images(40, 3), config.scale);
    const history = result.history.map(({ seconds: _s, samplesPerSec: _r, ...m }) => m);
    return { history, testError, state: await model.stateDict() };
  } finally {
    setKernels(referenceKernels);
  }
}

for (const [label, binaryA] of [['binary', 'steSign'], ['2-bit linear activations', { name: 'steLinear', bits: 2 }]] as const) {
  test(`deferred backend: a conv net's training run (${label}: conv same/valid, max-pool, dense) equals the reference's exactly`, async () => {
    const config: TrainConfig = { experiment: 'deferred-conv', epochs: 2, batchSize: 20, lr: 0.01, lrEnd: 0.001, seed: 7, loss: 'squaredHinge', scale: 'symmetric' };
    const [ref, deferred] = [await run('reference', config, binaryA), await run('deferred', config, binaryA)];
    assert.deepEqual(deferred.history, ref.history, 'per-epoch loss, errors and learning rate (seed 7, 120 images 8×8×3)');
    assert.equal(deferred.testError, ref.testError);
    assert.deepEqual(deferred.state, ref.state, 'weights and running statistics after the run');
    assert.ok(ref.history.every((m) => Number.isFinite(m.trainLoss)), 'the run trained');
  });
}
