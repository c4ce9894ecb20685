import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initDefaultBackend } from '../backends/default-backend.js';
import { ptbLm } from '../models/ptb-lm.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint.js';
import { lastCheckpoint, lmTrainingState } from './lm-checkpoint.js';
import { fitLanguageModel, type LmEpoch, type LmTrainingState } from './lm-trainer.js';

if (process.env['LOWBIT_BACKEND']) await initDefaultBackend();

// Resuming a language model from last.ckpt gives exactly the run that never stopped: same weights
// bit for bit, same history, same learning rates. Dropout draws from the seeded stream, and the
// validation set is reversed so the rate decays: the random state and Adam's rate must come back.

const stream = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => (i % 7 === 6 ? 6 : i % 6));
const reverse = Int32Array.from({ length: 60 }, (_, i) => 5 - (i % 6));
const data = { train: stream(600), validation: reverse };
const config = { epochs: 3, batchSize: 4, steps: 6, lr: 0.02, clipNorm: 5, lrDecay: 0.5, evalBatch: 2, seed: 9 };
const build = () => ptbLm({ vocabulary: 7, hidden: 8, dropout: 0.3, bitsW: 4, bitsA: 4, seed: 2 });
const bits = (a: Float32Array): Uint32Array => new Uint32Array(Float32Array.from(a).buffer);
const metrics = (h: LmEpoch[]) => h.map(({ seconds: _s, wordsPerSec: _w, ...m }) => m);
const meta = { recipe: { experiment: 't' }, vocabulary: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] };

test('fitLanguageModel: 2 epochs, a last.ckpt through its bytes, resume to 3 = 3 epochs straight (bit-identical weights, same history)', async () => {
  const straight = build(), full = await fitLanguageModel(straight, data, config);
  assert.ok(full.history[2]!.lr < full.history[0]!.lr, 'the rate decayed, so resume must restore it');

  const first = build();
  let saved: LmTrainingState | undefined;
  await fitLanguageModel(first, data, { ...config, epochs: 2 }, undefined, { onEpochEnd: async (s) => { saved = s; } });
  const file = 'mem/last.ckpt', ckpt = decodeCheckpoint(encodeCheckpoint(lastCheckpoint(first, saved!, meta)), file);
  const resumed = build(); // fresh weights: everything must come from the checkpoint
  const state = lmTrainingState(ckpt, file, resumed.parameters().length);
  assert.equal(state.history.length, 2);
  const rest = await fitLanguageModel(resumed, data, config, undefined, { resume: state });

  assert.deepEqual(metrics(rest.history), metrics(full.history));
  assert.deepEqual(rest.best, full.best);
  const [got, want] = [await resumed.stateDict(), await straight.stateDict()];
  for (const [k, w] of want) assert.deepEqual(bits(got.get(k)!), bits(w), `weight ${k}`);
  for (const [k, w] of full.bestState) assert.deepEqual(bits(rest.bestState.get(k)!), bits(w), `best weight ${k}`);
});

test('lmTrainingState: a damaged or foreign last.ckpt is an error naming the field', async () => {
  const model = build();
  let saved: LmTrainingState | undefined;
  await fitLanguageModel(model, data, { ...config, epochs: 1 }, undefined, { onEpochEnd: async (s) => { saved = s; } });
  const good = lastCheckpoint(model, saved!, meta), n = model.parameters().length;
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ kind: undefined }, /not a language model's checkpoint/],
    [{ rng: undefined }, /training state .* is missing: it is not a last\.ckpt/],
    [{ history: [{ epoch: 2 }] }, /history\[0\] is not epoch 1/],
    [{ best: { epoch: 5, validPerplexity: 3 } }, /best\.epoch must be an integer in 0\.\.1, got 5/],
    [{ optimizer: { step: 1, lr: -1, slots: 2 } }, /optimizer\.lr must be a finite number > 0, got -1/],
    [{ optimizer: { step: 1, lr: 1, slots: 1e9 } }, /optimizer\.slots must be an integer in 0\.\.8/],
  ];
  for (const [patch, message] of bad) {
    assert.throws(() => lmTrainingState({ meta: { ...good.meta, ...patch }, tensors: good.tensors }, 'x.ckpt', n),
      (e: unknown) => e instanceof Error && /^resume: x\.ckpt: /.test(e.message) && message.test(e.message), String(message));
  }
  const missing = new Map(good.tensors);
  missing.delete('optim.0.1');
  assert.throws(() => lmTrainingState({ meta: good.meta, tensors: missing }, 'x.ckpt', n), /optimizer slot 0\.1 is missing/);
});
