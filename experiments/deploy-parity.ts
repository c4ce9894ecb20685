/** Packed engine vs the trained model on all 10,000 MNIST test images: predicted classes must be
 *  equal, scores equal up to float rounding. Both first-layer routes of the engine are checked.
 *  Run: npx tsc -p . && node dist/experiments/deploy-parity.js CHECKPOINT [RESULT.json] */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { noGrad } from '../src/autograd/grad-mode.js';
import { initDefaultBackend } from '../src/backends/default-backend.js';
import { toFloat } from '../src/data/batches.js';
import { loadMnist } from '../src/data/mnist.js';
import { compile } from '../src/deploy/compile.js';
import { PackedEngine } from '../src/deploy/engine.js';
import { encodeModel, decodeModel } from '../src/deploy/model-file.js';
import { argmaxRows } from '../src/train/evaluate.js';
import { loadTrainedModel } from '../src/train/trained-model.js';
import { runInfo } from '../src/train/run-info.js';

const [checkpoint, resultFile] = process.argv.slice(2);
if (!checkpoint) { process.stderr.write('usage: deploy-parity CHECKPOINT [RESULT.json]\n'); process.exit(2); }
const backend = (await initDefaultBackend()).name;
const { model, scale } = await loadTrainedModel(checkpoint);
const { test } = await loadMnist();
const scores = noGrad(() => model.forward(toFloat(test, scale)));
const expected = await argmaxRows(scores);
const scoreValues = await scores.data();
const file = encodeModel(await compile(model, { scale }));
const routes = [];
for (const firstLayer of ['integer', 'bitPlanes'] as const) {
  const engine = new PackedEngine(decodeModel(file), { firstLayer });
  const got = await engine.run(test.images, test.count);
  let mismatches = 0, maxScoreDiff = 0, wrong = 0;
  const classes = test.count ? got.length / test.count : 0;
  for (let i = 0; i < test.count; i++) {
    let best = 0;
    for (let c = 0; c < classes; c++) {
      maxScoreDiff = Math.max(maxScoreDiff, Math.abs(got[i * classes + c]! - scoreValues[i * classes + c]!));
      if (got[i * classes + c]! > got[i * classes + best]!) best = c;
    }
    if (best !== expected[i]) mismatches++;
    if (best !== test.labels[i]) wrong++;
  }
  routes.push({ firstLayer, images: test.count, predictionMismatches: mismatches, maxScoreDiff, testError: wrong / test.count });
}
const result = { experiment: 'deploy-parity', checkpoint, ...runInfo(), backend, fileBytes: file.length, routes };
process.stdout.write(JSON.stringify(result, null, 2) + '\n');
if (resultFile) { await mkdir(dirname(resultFile), { recursive: true }); await writeFile(resultFile, JSON.stringify(result, null, 2) + '\n'); }
process.exit(routes.every((r) => r.predictionMismatches === 0) ? 0 : 1);
