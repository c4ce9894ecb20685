/** Packed engine vs the trained conv model on all 10,000 CIFAR-10 test images (or the first
 *  IMAGES of them): predicted classes must be equal, and scores (after ±1 hidden layers the last
 *  product is an exact integer) bit for bit. The float model runs in batches (its conv
 *  activations for 10,000 images would not fit).
 *  Run: npx tsc -p . && node dist/experiments/deploy-parity-conv.js CHECKPOINT [RESULT.json] [IMAGES] */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { loadavg } from 'node:os';
import { noGrad } from '../src/autograd/grad-mode.js';
import { initDefaultBackend } from '../src/backends/default-backend.js';
import { toFloat } from '../src/data/batches.js';
import { loadCifar10 } from '../src/data/cifar10.js';
import { subset } from '../src/data/dataset.js';
import { compile } from '../src/deploy/compile.js';
import { PackedEngine } from '../src/deploy/engine.js';
import { encodeModel, decodeModel } from '../src/deploy/model-file.js';
import { loadTrainedModel } from '../src/train/trained-model.js';
import { runInfo } from '../src/train/run-info.js';

const [checkpoint, resultFile, imagesArg] = process.argv.slice(2);
const images = imagesArg === undefined ? 10_000 : Number(imagesArg);
if (!checkpoint || !Number.isInteger(images) || images < 1 || images > 10_000) {
  process.stderr.write('usage: deploy-parity-conv CHECKPOINT [RESULT.json] [IMAGES: 1..10000, default 10000]\n');
  process.exit(2);
}
const backend = (await initDefaultBackend()).name;
const { model, scale } = await loadTrainedModel(checkpoint);
const test = subset((await loadCifar10()).test, 0, images);
const BATCH = 250;
const want = new Float32Array(test.count * 10);
let started = performance.now();
for (let at = 0; at < test.count; at += BATCH) {
  const part = subset(test, at, Math.min(BATCH, test.count - at));
  const scores = noGrad(() => model.forward(toFloat(part, scale)));
  want.set(await scores.data(), at * 10);
}
const floatSeconds = (performance.now() - started) / 1000;
const file = encodeModel(await compile(model, { scale }));
const engine = new PackedEngine(decodeModel(file));
started = performance.now();
const got = await engine.run(test.images, test.count);
const engineSeconds = (performance.now() - started) / 1000;
const classes = got.length / test.count;
const argmax = (s: Float32Array, i: number): number => {
  let best = 0;
  for (let c = 1; c < classes; c++) if (s[i * classes + c]! > s[i * classes + best]!) best = c;
  return best;
};
let mismatches = 0, scoreDiffs = 0, maxScoreDiff = 0, wrong = 0;
for (let i = 0; i < test.count; i++) {
  const mine = argmax(got, i);
  if (mine !== argmax(want, i)) mismatches++;
  if (mine !== test.labels[i]) wrong++;
  for (let c = 0; c < classes; c++) {
    const d = Math.abs(got[i * classes + c]! - want[i * classes + c]!);
    if (d !== 0) scoreDiffs++;
    maxScoreDiff = Math.max(maxScoreDiff, d);
  }
}
const result = {
  experiment: 'deploy-parity-conv', checkpoint, ...runInfo(), backend, fileBytes: file.length, images: test.count,
  predictionMismatches: mismatches, scoreDiffs, maxScoreDiff, testError: wrong / test.count,
  // one pass each, on a shared machine: a sanity figure, not a benchmark (bench/ measures speed)
  floatSeconds, engineSeconds, loadAverage: loadavg().map((v) => Math.round(v * 100) / 100),
};
process.stdout.write(JSON.stringify(result, null, 2) + '\n');
if (resultFile) { await mkdir(dirname(resultFile), { recursive: true }); await writeFile(resultFile, JSON.stringify(result, null, 2) + '\n'); }
process.exit(mismatches === 0 ? 0 : 1);
