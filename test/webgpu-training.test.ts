import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { noGrad } from '../src/autograd/grad-mode.js';
import type { Kernels } from '../src/backends/kernels.js';
import { opaque, setKernels } from '../src/backends/registry.js';
import { referenceKernels } from '../src/backends/reference/index.js';
import { gpuOrSkip } from '../src/backends/webgpu/gpu-or-skip.js';
import { batches } from '../src/data/batches.js';
import { subset } from '../src/data/dataset.js';
import { loadMnist } from '../src/data/mnist.js';
import { mnistMlp } from '../src/models/mnist-mlp.js';
import { argmaxRows, classificationError } from '../src/train/evaluate.js';
import { fit, type TrainConfig } from '../src/train/trainer.js';

// A binary MLP trained on the WebGPU backend against the same run on the reference. WGSL has no
// float64 and sums in another order, so the two are not bit-equal: a latent weight near 0 may
// take the other sign, and the runs drift apart slowly. What must hold: the same losses and
// errors per epoch within the tolerances below, and mostly the same test predictions.

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void; // collects in this isolate: Dawn must survive it

const config: TrainConfig = { experiment: 'webgpu', epochs: 2, batchSize: 50, lr: 0.003, lrEnd: 3e-4, seed: 7, loss: 'squaredHinge', scale: 'symmetric' };

async function run(kernels: Kernels, collectGarbage: boolean) {
  setKernels(kernels);
  const collecting = collectGarbage ? setInterval(gc, 20) : undefined;
  try {
    const mnist = await loadMnist();
    const model = mnistMlp({ width: 64, depth: 2, seed: 3, dropoutIn: 0.1, dropoutHidden: 0.2 });
    const result = await fit(model, { train: subset(mnist.train, 0, 600), validation: subset(mnist.validation, 0, 300) }, config, { logEvery: 4 });
    model.loadStateDict(result.bestState, 'best weights');
    const test = subset(mnist.test, 0, 500);
    const testError = await classificationError(model, test, config.scale);
    model.eval();
    const [b] = [...batches(test, { batchSize: 500, scale: config.scale })];
    const predictions = await argmaxRows(noGrad(() => model.forward(b!.x)));
    return { history: result.history, testError, predictions };
  } finally {
    clearInterval(collecting);
    setKernels(referenceKernels);
  }
}

const gpu = await gpuOrSkip('webgpu training');
if (gpu) {
  test('webgpu: a BNN training run (Adam, BN, dropout) follows the reference\'s, with garbage collected all along', async () => {
    const ref = await run(opaque(referenceKernels), false), got = await run(gpu, true);
    for (const [e, m] of ref.history.entries()) {
      const g = got.history[e]!, at = `epoch ${e + 1} (seed 7, 600 images, width 64)`;
      assert.equal(g.lr, m.lr, `${at}: learning rate`);
      // measured on SwiftShader: losses agree to ~5e-8 relative, errors exactly
      assert.ok(Math.abs(g.trainLoss - m.trainLoss) <= 1e-4 * m.trainLoss, `${at}: train loss ${g.trainLoss}, reference ${m.trainLoss} (tolerance 1e-4 relative)`);
      for (const what of ['trainError', 'valError'] as const) {
        assert.ok(Math.abs(g[what] - m[what]) <= 0.02, `${at}: ${what} ${g[what]}, reference ${m[what]} (tolerance 0.02)`);
      }
    }
    let same = 0;
    for (let i = 0; i < ref.predictions.length; i++) if (got.predictions[i] === ref.predictions[i]) same++;
    // measured on SwiftShader: 500 of 500 equal
    assert.ok(same >= 0.98 * ref.predictions.length, `test predictions: ${same} of ${ref.predictions.length} equal the reference's (at least 98% must)`);
    assert.ok(Math.abs(got.testError - ref.testError) <= 0.02, `test error ${got.testError}, reference ${ref.testError} (tolerance 0.02)`);
  });
}
