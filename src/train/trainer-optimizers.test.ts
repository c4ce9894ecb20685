import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Dataset } from '../data/dataset.js';
import { mnistMlp } from '../models/mnist-mlp.js';
import { Random } from '../tensor/random.js';
import { loadCheckpoint } from './checkpoint.js';
import { fit, type TrainConfig } from './trainer.js';

// A tiny 16-pixel, 3-class problem: enough to take real optimizer steps in milliseconds.
function toyData(count: number, seed: number): Dataset {
  const rng = new Random(seed), images = new Uint8Array(count * 16), labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = rng.int(3);
    for (let p = 0; p < 16; p++) images[i * 16 + p] = (p % 3 === labels[i] ? 200 : 30) + rng.int(50);
  }
  return { name: 'toy', images, labels, count, features: 16, shape: [16] };
}

const config: TrainConfig = {
  experiment: 'toy', epochs: 2, batchSize: 8, lr: 2 ** -6, lrEnd: 1e-4, seed: 5, loss: 'squaredHinge', scale: 'symmetric',
  optimizer: 'shiftAdaMax', lrHalveEvery: 1,
};
const model = () => mnistMlp({ inputs: 16, classes: 3, width: 8, depth: 1, bn: 'shift', gradientBits: 6 });

test('fit with shiftAdaMax + halveEvery: resuming from epoch 1 gives the straight run\'s weights exactly', async () => {
  const data = { train: toyData(64, 1), validation: toyData(16, 2) };
  const dir = await mkdtemp(join(tmpdir(), 'lowbit-sam-'));
  try {
    const straightModel = model();
    const straight = await fit(straightModel, data, config);
    assert.equal(straight.history[1]!.lr, 2 ** -7, 'halved after one epoch');
    await fit(model(), data, { ...config, epochs: 1 }, { outDir: dir });
    const resumedModel = model();
    const resumed = await fit(resumedModel, data, config, { resume: await loadCheckpoint(join(dir, 'last.ckpt')) });
    assert.equal(resumed.history.length, 2);
    const a = straightModel.stateDictSync(), b = resumedModel.stateDictSync();
    for (const [k, v] of a) assert.deepEqual(b.get(k), v, `tensor ${k} after epoch 2`);
    assert.deepEqual(resumed.history.map((h) => h.valError), straight.history.map((h) => h.valError));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('fit with lrSchedule cosine: each epoch trains at the cosine rate; a config with both schedules is refused', async () => {
  const data = { train: toyData(64, 1), validation: toyData(16, 2) };
  const cosine: TrainConfig = { experiment: 'toy', epochs: 3, batchSize: 8, lr: 0.004, lrEnd: 1e-4, seed: 5, loss: 'squaredHinge', scale: 'symmetric', lrSchedule: 'cosine' };
  const r = await fit(model(), data, cosine);
  const expected = [0, 1, 2].map((e) => 1e-4 + (0.004 - 1e-4) * (1 + Math.cos(Math.PI * e / 3)) / 2);
  r.history.forEach((h, i) => assert.ok(Math.abs(h.lr - expected[i]!) < 1e-12, `epoch ${i + 1}: lr ${h.lr}, expected ${expected[i]}`));
  await assert.rejects(fit(model(), data, { ...cosine, lrHalveEvery: 1 }), /lrHalveEvery replaces the decay to lrEnd/);
  await assert.rejects(fit(model(), data, { ...cosine, lrSchedule: 'linear' as 'cosine' }), /lrSchedule must be 'exponential' or 'cosine'/);
});
