import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noGrad } from '../autograd/grad-mode.js';
import { toFloat } from '../data/batches.js';
import { subset } from '../data/dataset.js';
import { loadMnist } from '../data/mnist.js';
import { mnistMlp } from '../models/mnist-mlp.js';
import { argmaxRows } from '../train/evaluate.js';
import { fit } from '../train/trainer.js';
import { compile } from './compile.js';
import { decodeModel, encodeModel } from './model-file.js';
import { PackedEngine } from './engine.js';

// DESIGN.md: "a test checks that both give identical predictions on real data". A briefly trained
// net has BN statistics and weights as training leaves them (not the tidy ones of a random init),
// and the 10,000 MNIST test images are the data the paper reports on.
test('MNIST parity: packed engine = trained float model on all 10,000 test images (classes and scores)', async () => {
  const mnist = await loadMnist();
  const model = mnistMlp({ width: 96, depth: 2, seed: 3 });
  await fit(model, { train: subset(mnist.train, 0, 5000), validation: subset(mnist.validation, 0, 500) },
    { experiment: 'parity', epochs: 1, batchSize: 100, lr: 0.003, lrEnd: 0.003, seed: 3, loss: 'squaredHinge', scale: 'symmetric' });
  model.eval();
  const { test: ts } = mnist;
  const want = noGrad(() => model.forward(toFloat(ts, 'symmetric')));
  const graph = decodeModel(encodeModel(await compile(model, { scale: 'symmetric' })));
  const wantClass = await argmaxRows(want);
  // both first-layer routes: the paper's bit-planes and the integer bytes × ±1 product
  for (const firstLayer of ['bitPlanes', 'integer'] as const) {
    const engine = new PackedEngine(graph, { firstLayer });
    const scores = await engine.run(ts.images, ts.count), gotClass = await engine.predict(ts.images, ts.count);
    let differ = 0, maxDiff = 0, right = 0;
    for (let i = 0; i < ts.count; i++) { if (wantClass[i] !== gotClass[i]) differ++; if (gotClass[i] === ts.labels[i]) right++; }
    for (let i = 0; i < scores.length; i++) maxDiff = Math.max(maxDiff, Math.abs(scores[i]! - want.dataSync()[i]!));
    assert.equal(differ, 0, `${firstLayer}: ${differ} of ${ts.count} predictions differ`);
    assert.equal(maxDiff, 0, `${firstLayer}: scores differ by up to ${maxDiff}`);
    assert.ok(right / ts.count > 0.75, `${firstLayer}: a trained net should be right on most images, got ${right}/${ts.count}`);
  }
});
