import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeDeferredBackend } from '../src/backends/deferred/deferred-backend.js';
import { setKernels } from '../src/backends/registry.js';
import { referenceKernels } from '../src/backends/reference/index.js';
import { subset } from '../src/data/dataset.js';
import { loadMnist } from '../src/data/mnist.js';
import { mnistMlp, type MnistMlpOptions } from '../src/models/mnist-mlp.js';
import { classificationError } from '../src/train/evaluate.js';
import { fit, type TrainConfig } from '../src/train/trainer.js';

// The layers above the backends never read a number between kernels: the same training run on a
// backend that finishes every kernel later (a later microtask, no synchronous read) gives exactly
// the reference's losses, errors and weights, since it runs the reference's kernels in the same
// order. A layer that peeked at storage between kernels would read stale values and diverge, and
// one that called dataSync would throw.

async function run(which: 'reference' | 'deferred', config: TrainConfig, layers: Partial<MnistMlpOptions>) {
  setKernels(which === 'reference' ? referenceKernels : makeDeferredBackend());
  try {
    const mnist = await loadMnist();
    const model = mnistMlp({ width: 32, depth: 2, seed: 3, dropoutIn: 0.1, dropoutHidden: 0.2, stochastic: true, ...layers });
    const result = await fit(model, { train: subset(mnist.train, 0, 600), validation: subset(mnist.validation, 0, 300) }, config, { logEvery: 4 });
    model.loadStateDict(result.bestState, 'best weights');
    const testError = await classificationError(model, subset(mnist.test, 0, 300), config.scale);
    const history = result.history.map(({ seconds: _s, samplesPerSec: _r, ...m }) => m);
    return { history, testError, state: await model.stateDict() };
  } finally {
    setKernels(referenceKernels);
  }
}

const RUNS: [string, Partial<TrainConfig>, Partial<MnistMlpOptions>][] = [
  ['Adam, BN', {}, {}],
  ['shift AdaMax, shift BN, 6-bit log gradients', { optimizer: 'shiftAdaMax', lrHalveEvery: 1 }, { bn: 'shift', gradientBits: 6 }],
  ['Adam, 2-bit linear activations', {}, { bitsA: 2, stochastic: false }],
];
for (const [label, extra, layers] of RUNS) {
  test(`deferred backend: a training run (${label}, dropout) equals the reference's exactly`, async () => {
    const config: TrainConfig = { experiment: 'deferred', epochs: 2, batchSize: 50, lr: 0.003, lrEnd: 3e-4, seed: 7, loss: 'squaredHinge', scale: 'symmetric', ...extra };
    const [ref, deferred] = [await run('reference', config, layers), await run('deferred', config, layers)];
    assert.deepEqual(deferred.history, ref.history, 'per-epoch loss, errors and learning rate (seed 7, 600 images, width 32)');
    assert.equal(deferred.testError, ref.testError);
    assert.deepEqual(deferred.state, ref.state, 'weights and running statistics after the run');
    assert.ok(ref.history.every((m) => Number.isFinite(m.trainLoss)), 'the run trained');
  });
}
