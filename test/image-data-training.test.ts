import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { initDefaultBackend } from '../src/backends/default-backend.js';
import type { Dataset } from '../src/data/dataset.js';
import { DataError } from '../src/data/data-error.js';
import { loadDataset } from '../src/data/load-dataset.js';
import { mnistMlp } from '../src/models/mnist-mlp.js';
import { Module, type LayerConfig } from '../src/nn/module.js';
import { Sequential } from '../src/nn/sequential.js';
import { reshape } from '../src/ops/reshape.js';
import { Random } from '../src/tensor/random.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { loadCheckpoint } from '../src/train/checkpoint.js';
import { checkRecipe } from '../src/train/recipes.js';
import { classificationError } from '../src/train/evaluate.js';
import { fit, type TrainConfig } from '../src/train/trainer.js';

// The data side of the conv nets, without them: image sets reach a model as NHWC [b, 32, 32, 3]
// tensors through fit and evaluation, and a stand-in model (a reshape, then a small MLP) learns a
// task that is only solvable if each pixel's channels arrive where NHWC puts them.

await initDefaultBackend();

/** Checks its input is NHWC [b, 32, 32, 3] and flattens it for the MLP behind it. */
class ImageInput extends Module {
  seen: number[][] = [];
  forward(x: Tensor): Tensor {
    this.seen.push([...x.shape]);
    return reshape(x, [x.shape[0]!, 32 * 32 * 3]);
  }
  config(): LayerConfig { return { type: 'ImageInput' }; }
}

/** n noisy 32×32 RGB images of 3 classes: class c is the image whose channel c is brightest in its
 *  top-left 8×8 corner, every other pixel random. */
function images(n: number, seed: number): Dataset {
  const rng = new Random(seed), bytes = new Uint8Array(n * 3072), labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = labels[i] = rng.int(3);
    for (let k = 0; k < 3072; k++) bytes[i * 3072 + k] = rng.int(256);
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) for (let ch = 0; ch < 3; ch++) bytes[i * 3072 + (y * 32 + x) * 3 + ch] = ch === c ? 255 : 0;
  }
  return { name: `img-${seed}`, images: bytes, labels, count: n, features: 3072, shape: [32, 32, 3], tensorShape: [32, 32, 3] };
}

test('image data: fit and evaluation feed NHWC [b, 32, 32, 3] tensors to any model that takes them', async () => {
  const input = new ImageInput();
  const model = new Sequential([input, mnistMlp({ width: 32, depth: 1, inputs: 3072, classes: 3, seed: 1 })]);
  const config: TrainConfig = { experiment: 'image-data', epochs: 3, batchSize: 20, lr: 0.003, lrEnd: 0.001, seed: 1, loss: 'squaredHinge', scale: 'symmetric' };
  const result = await fit(model, { train: images(300, 1), validation: images(60, 2) }, config);
  model.loadStateDict(result.bestState, 'best weights');
  const error = await classificationError(model.eval(), images(100, 3), config.scale);
  assert.ok(input.seen.length > 0 && input.seen.every((s) => s.length === 4 && s[1] === 32 && s[2] === 32 && s[3] === 3), `shapes seen: ${JSON.stringify(input.seen.slice(0, 3))}`);
  assert.ok(error <= 0.1, `test error ${error} on the channel task (seed 1; best validation error ${result.bestValError} at epoch ${result.bestEpoch})`);
});

test('image data: recipes name their data set; options of one set are refused for another', async () => {
  const base = { experiment: 'x', model: { name: 'mnist-mlp' }, train: { epochs: 1, batchSize: 1, lr: 1, lrEnd: 1, seed: 1, loss: 'squaredHinge', scale: 'unit' } };
  for (const dataset of ['mnist', 'cifar10', 'svhn', undefined]) assert.equal(checkRecipe({ ...base, dataset }, 'r.json').dataset, dataset);
  assert.throws(() => checkRecipe({ ...base, dataset: 'cifar100' }, 'r.json'), /"dataset" must be one of mnist, cifar10, svhn/);
  assert.throws(() => checkRecipe({ ...base, dataset: 'cifar10', preprocess: 'zca' }, 'r.json'), /"preprocess" must be "gcnZca"/);
  await assert.rejects(loadDataset('mnist', { preprocess: 'gcnZca' }), (e: Error) => e instanceof DataError && /applies to cifar10 only/.test(e.message));
  await assert.rejects(loadDataset('svhn'), (e: Error) => e instanceof DataError && /point --data at their folder/.test(e.message));
  await assert.rejects(loadDataset('cifar10', { extra: true }), /extra applies to svhn only/);
});

test('image data: augment shifts and mirrors what the model sees, from the run\'s seed, and resume keeps it exact', async () => {
  const data = { train: images(60, 4), validation: images(20, 5) };
  const base: TrainConfig = { experiment: 'augment', epochs: 2, batchSize: 20, lr: 0.003, lrEnd: 0.001, seed: 2, loss: 'squaredHinge', scale: 'symmetric' };
  /** The first batch's pixels as the model got them, and the trained weights. */
  const run = async (config: TrainConfig, opts: Parameters<typeof fit>[3] = {}) => {
    const seen: Float32Array[] = [];
    const probe = new (class extends ImageInput { override forward(x: Tensor): Tensor { seen.push(x.dataSync() as Float32Array); return super.forward(x); } })();
    const model = new Sequential([probe, mnistMlp({ width: 16, depth: 1, inputs: 3072, classes: 3, seed: 1 })]);
    const result = await fit(model, data, config, opts);
    return { first: seen[0]!, weights: model.stateDictSync(), result };
  };
  const plain = await run(base), augmented = await run({ ...base, augment: { pad: 4, flip: true } });
  const again = await run({ ...base, augment: { pad: 4, flip: true } });
  assert.equal(plain.first.length, 20 * 3072);
  // the same images in the same order (one shuffle per epoch, before any augment draw), but moved
  const moved = plain.first.some((v, i) => v !== augmented.first[i]);
  assert.ok(moved, 'augment left every pixel of the first batch where it was');
  const sum = (a: Float32Array) => a.reduce((s, v) => s + v, 0);
  assert.deepEqual(again.first, augmented.first, 'the same seed draws the same crops and flips');
  assert.notEqual(sum(augmented.first), sum(plain.first), 'zero-filled borders change the batch sum');
  // interrupted after epoch 1 and resumed: the same weights bit for bit as the straight run
  const dir = await mkdtemp(join(tmpdir(), 'lowbit-augment-'));
  try {
    const config = { ...base, augment: { pad: 4, flip: true } }, stop = new Error('stop');
    await assert.rejects(run(config, { outDir: dir, onEpoch: (m) => { if (m.epoch === 1) throw stop; } }), (e) => e === stop);
    const ckpt = await loadCheckpoint(join(dir, 'last.ckpt'));
    const resumed = await run(config, { outDir: dir, resume: ckpt });
    for (const [name, w] of augmented.weights) assert.deepEqual(resumed.weights.get(name), w, `weights '${name}' after resume`);
  } finally { await rm(dir, { recursive: true, force: true }); }
  // bad settings: named in recipes and in the trainer; flat (MNIST-shaped) sets refuse augment
  const recipe = { experiment: 'x', model: { name: 'mnist-mlp' }, train: { epochs: 1, batchSize: 1, lr: 1, lrEnd: 1, seed: 1, loss: 'squaredHinge', scale: 'unit', augment: { pad: -1, flip: true } } };
  assert.throws(() => checkRecipe(recipe, 'r.json'), /"train.augment" must be/);
  await assert.rejects(fit(mnistMlp({ width: 8, depth: 1, inputs: 3072, classes: 3 }), data, { ...base, augment: { pad: 1.5, flip: true } }), /train: augment must be/);
  const flat = { ...images(20, 6), shape: [3072], tensorShape: undefined };
  await assert.rejects(fit(mnistMlp({ width: 8, depth: 1, inputs: 3072, classes: 3 }), { train: flat, validation: flat }, { ...base, augment: { pad: 4, flip: true } }),
    (e: Error) => e instanceof DataError && /augment needs images of shape \[H, W, C\]/.test(e.message));
});
