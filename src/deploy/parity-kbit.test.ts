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

// QNN-SPEC §3.3, §9.1: k-bit weights × m-bit activations run as k·m binary products over
// bit-planes, BN + the m-bit quantizer folded into 2^m − 1 thresholds per unit. The float model
// rounds its k-bit products (levels such as 1/3 are not float32 values), the engine sums exact
// integers: the thresholds are folded against the float model's own expressions, so classes
// agree exactly and scores to float32 rounding of the pre-activations.
// The paper's two settings on the whole test set, two more on a 2,000-image subset (time).
const SETTINGS = [
  { bitsW: 2, bitsA: 2, width: 96, images: 10_000 },
  { bitsW: 1, bitsA: 2, width: 96, images: 10_000 },
  { bitsW: 3, bitsA: 1, width: 64, images: 2_000 },
  { bitsW: 2, bitsA: 4, width: 64, images: 2_000 },
];

for (const { bitsW, bitsA, width, images } of SETTINGS) {
  test(`MNIST parity, W${bitsW}/A${bitsA} (784-${width}x2-10): packed engine = trained float model on ${images} test images`, async (t) => {
    const mnist = await loadMnist();
    const model = mnistMlp({ width, depth: 2, seed: 7, bitsW, bitsA });
    await fit(model, { train: subset(mnist.train, 0, 5000), validation: subset(mnist.validation, 0, 300) },
      { experiment: 'parity-kbit', epochs: 1, batchSize: 100, lr: 0.003, lrEnd: 0.003, seed: 7, loss: 'squaredHinge', scale: 'symmetric' });
    model.eval();
    const ts = subset(mnist.test, 0, images);
    const want = noGrad(() => model.forward(toFloat(ts, 'symmetric')));
    const engine = new PackedEngine(decodeModel(encodeModel(await compile(model, { scale: 'symmetric' }))));
    const scores = await engine.run(ts.images, ts.count);
    const wantClass = await argmaxRows(want), gotClass = await engine.predict(ts.images, ts.count);
    let differ = 0, right = 0, maxDiff = 0, maxScore = 0;
    for (let i = 0; i < ts.count; i++) { if (wantClass[i] !== gotClass[i]) differ++; if (gotClass[i] === ts.labels[i]) right++; }
    for (let i = 0; i < scores.length; i++) {
      maxDiff = Math.max(maxDiff, Math.abs(scores[i]! - want.dataSync()[i]!));
      maxScore = Math.max(maxScore, Math.abs(want.dataSync()[i]!));
    }
    t.diagnostic(`W${bitsW}/A${bitsA}: ${right}/${ts.count} right, ${differ} classes differ, scores up to ${maxDiff} apart (largest ${maxScore})`);
    assert.equal(differ, 0, `W${bitsW}/A${bitsA}: ${differ} of ${ts.count} predictions differ`);
    assert.ok(maxDiff <= 1e-4 * Math.max(1, maxScore), `W${bitsW}/A${bitsA}: scores differ by up to ${maxDiff} (largest score ${maxScore})`);
    assert.ok(right / ts.count > 0.7, `W${bitsW}/A${bitsA}: a trained net should be right on most images, got ${right}/${ts.count}`);
    // the other first-layer route (the paper's bit-planes, where 'auto' took the integer product
    // or the other way round) gives the same scores bit for bit
    const planes = await new PackedEngine(engine.graph, { firstLayer: 'bitPlanes' }).run(ts.images, ts.count);
    assert.deepEqual(planes, scores, `W${bitsW}/A${bitsA}: bitPlanes route = auto`);
  });
}
