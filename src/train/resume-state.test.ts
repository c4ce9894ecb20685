import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Dataset } from '../data/dataset.js';
import { LowbitError } from '../errors/lowbit-error.js';
import { mnistMlp } from '../models/mnist-mlp.js';
import { Random } from '../tensor/random.js';
import { loadCheckpoint, type Checkpoint } from './checkpoint.js';
import { checkResumeState } from './resume-state.js';
import { modelOf } from './trained-model.js';
import { fit, type TrainConfig } from './trainer.js';

const dir = await mkdtemp(join(tmpdir(), 'lowbit-resume-state-'));
after(() => rm(dir, { recursive: true, force: true }));

/** 40 random 4×4 images of 3 classes: enough for fit to write a real last.ckpt. */
function tiny(seed: number): Dataset {
  const rng = new Random(seed), count = 40;
  const images = new Uint8Array(count * 16).map(() => rng.int(256));
  return { name: `tiny-${seed}`, images, labels: Int32Array.from({ length: count }, () => rng.int(3)), count, features: 16, shape: [4, 4, 1] };
}
const config: TrainConfig = { experiment: 'resume-state', epochs: 3, batchSize: 10, lr: 0.01, lrEnd: 0.001, seed: 3, loss: 'squaredHinge', scale: 'symmetric' };
const build = () => mnistMlp({ width: 8, depth: 1, inputs: 16, classes: 3, seed: 1 });
const data = { train: tiny(1), validation: tiny(2) };
await fit(build(), data, { ...config, epochs: 1 }, { outDir: dir });
const good = await loadCheckpoint(join(dir, 'last.ckpt'));

/** The checkpoint with `edit` applied to a copy of its metadata. */
function edited(edit: (meta: any) => void): Checkpoint {
  const meta = structuredClone(good.meta);
  edit(meta);
  return { meta, tensors: good.tensors };
}

test('checkResumeState: a real last.ckpt passes, and fit resumes from it', async () => {
  const state = checkResumeState(good.meta, config);
  assert.equal(state.history.length, 1);
  const model = modelOf(good, 'last.ckpt');
  const run = await fit(model, data, config, { resume: edited(() => undefined) }); // a copy: fit extends the history it resumes
  assert.equal(run.history.length, 3);
});

test('resume: damaged or hostile training state is a LowbitError naming the field, before anything uses it', async () => {
  const cases: [(m: any) => void, RegExp][] = [
    [(m) => { m.optimizer.slots = 2 ** 53; }, /optimizer.slots must be an integer in 0\.\.8, got 9007199254740992/], // a RangeError before
    [(m) => { m.optimizer.slots = -1; }, /optimizer.slots/],
    [(m) => { m.optimizer.step = 1.5; }, /optimizer.step must be an integer/],
    [(m) => { m.optimizer.lr = null; }, /optimizer.lr must be a finite number > 0, got null/],
    [(m) => { m.optimizer = 3; }, /optimizer must be an object, got 3/],
    [(m) => { m.rng = { length: 1e9 }; }, /rng must be the random stream's state/], // 9.6 s and 1.2 GB before
    [(m) => { m.rng = [0, 0, 0, 0]; }, /all zeros/], // accepted before: no more random shuffling or dropout
    [(m) => { m.rng = [1, 2]; }, /4 integers/],
    [(m) => { m.history = { length: 2 }; }, /history must be an array/],
    [(m) => { m.history = Array(5).fill(m.history[0]); }, /history has 5 epochs done, more than the run's 3/],
    [(m) => { m.history[0].epoch = 7; }, /history\[0\].epoch must be 1, got 7/],
    [(m) => { m.history[0].seconds = 'x'; }, /history\[0\].seconds must be a number >= 0/],
    [(m) => { m.history[0].trainLoss = {}; }, /history\[0\].trainLoss must be a number/],
    [(m) => { m.best.epoch = 2; }, /best.epoch must be an integer in 0\.\.1/],
    [(m) => { m.epoch = 2; }, /epoch \(2\) does not match its history of 1 epochs/],
    [(m) => { delete m.rng; }, /training state is missing/],
  ];
  for (const [edit, re] of cases) {
    await assert.rejects(fit(modelOf(good, 'last.ckpt'), data, config, { resume: edited(edit) }), (e: Error) => {
      assert.ok(e instanceof LowbitError, `${edit}: ${e.name}: ${e.message}`);
      assert.match(e.message, re, edit.toString());
      return true;
    });
  }
});
