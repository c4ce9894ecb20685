import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { initDefaultBackend } from '../src/backends/default-backend.js';
import { subset } from '../src/data/dataset.js';
import { loadMnist } from '../src/data/mnist.js';
import { mnistMlp } from '../src/models/mnist-mlp.js';
import { fromConfig } from '../src/nn/from-config.js';
import type { LayerConfig } from '../src/nn/module.js';
import { loadCheckpoint } from '../src/train/checkpoint.js';
import { fit, type EpochMetrics, type TrainConfig } from '../src/train/trainer.js';

// Resuming from last.ckpt must give exactly the run that was never interrupted: same weights bit
// for bit, same history. The model draws from the seeded stream (stochastic activations,
// dropout) so that the random state has to be restored too, not just weights and Adam's slots.

if (process.env['LOWBIT_BACKEND']) await initDefaultBackend();

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = await mkdtemp(join(tmpdir(), 'lowbit-resume-'));
after(() => rm(dir, { recursive: true, force: true }));

const bits = (a: Float32Array): Uint32Array => new Uint32Array(Float32Array.from(a).buffer);
const losses = (h: EpochMetrics[]) => h.map(({ epoch, lr, trainLoss, trainError, valError }) => ({ epoch, lr, trainLoss, trainError, valError }));

function sameTensors(got: Map<string, Float32Array>, want: Map<string, Float32Array>, what: string): void {
  assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort(), `${what}: tensor names`);
  for (const [name, w] of want) assert.deepEqual(bits(got.get(name)!), bits(w), `${what}: tensor '${name}' differs`);
}

test('fit: 2 epochs, stop, resume from last.ckpt = 3 epochs straight (bit-identical weights, same history)', async () => {
  const mnist = await loadMnist();
  const data = { train: subset(mnist.train, 0, 1000), validation: subset(mnist.validation, 0, 500) };
  const config: TrainConfig = { experiment: 'resume-test', epochs: 3, batchSize: 50, lr: 0.003, lrEnd: 3e-4, seed: 5, loss: 'squaredHinge', scale: 'symmetric' };
  const build = () => mnistMlp({ width: 32, depth: 1, stochastic: true, dropoutHidden: 0.1, seed: 3 });

  const straight = build();
  const a = await fit(straight, data, config, { outDir: join(dir, 'a') });

  // the interrupted run has the same config (the LR schedule depends on epochs) and stops after epoch 2
  const stop = new Error('stop after epoch 2');
  await assert.rejects(fit(build(), data, config, { outDir: join(dir, 'b'), onEpoch: (m) => { if (m.epoch === 2) throw stop; } }), (e) => e === stop);
  const ckpt = await loadCheckpoint(join(dir, 'b', 'last.ckpt'));
  assert.equal(ckpt.meta.epoch, 2);

  const resumed = fromConfig(ckpt.meta.model as LayerConfig); // as runRecipe rebuilds it
  const b = await fit(resumed, data, config, { outDir: join(dir, 'b'), resume: ckpt });

  sameTensors(resumed.stateDictSync(), straight.stateDictSync(), 'final weights (seed 5, 1000 images, mnistMlp width 32 depth 1)');
  assert.deepEqual(losses(b.history), losses(a.history));
  assert.equal(b.bestEpoch, a.bestEpoch);
  assert.equal(b.bestValError, a.bestValError);
  sameTensors(b.bestState, a.bestState, 'best-validation weights');
  const [lastA, lastB] = await Promise.all([loadCheckpoint(join(dir, 'a', 'last.ckpt')), loadCheckpoint(join(dir, 'b', 'last.ckpt'))]);
  sameTensors(lastB.tensors, lastA.tensors, 'last.ckpt (model, Adam slots, best weights)');
  assert.deepEqual(lastB.meta.rng, lastA.meta.rng);
});

/** Run the CLI; resolve with its exit code and stderr. `onErr` sees stderr as it comes. */
function cli(args: string[], onErr?: (text: string, kill: () => void) => void): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(root, 'bin/lowbit.js'), ...args], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; onErr?.(stderr, () => child.kill('SIGKILL')); });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

test('CLI: train killed after its first epoch, then `train --resume DIR`, ends like the run never stopped', async () => {
  const args = ['train', 'mnist-mlp', '--width', '32', '--depth', '1', '--limit', '1000', '--epochs', '3', '--batch-size', '50', '--lr-end', '3e-4', '--seed', '5', '--stochastic'];
  const straight = await cli([...args, '-o', 'cli-a']);
  assert.equal(straight.code, 0, straight.stderr);

  // SIGKILL as soon as epoch 1 is reported: its last.ckpt is written before the line is printed
  const killed = await cli([...args, '-o', 'cli-b'], (err, kill) => { if (/^epoch 1:/m.test(err)) kill(); });
  assert.equal(killed.signal, 'SIGKILL', `the run was to be killed after epoch 1; stderr:\n${killed.stderr}`);
  const partial = await loadCheckpoint(join(dir, 'cli-b', 'last.ckpt'));
  assert.ok((partial.meta.epoch as number) < 3, `killed run had already finished (epoch ${String(partial.meta.epoch)})`);
  assert.equal(existsSync(join(dir, 'cli-b', 'result.json')), false);

  const resumed = await cli(['train', '--resume', 'cli-b']);
  assert.equal(resumed.code, 0, resumed.stderr);
  const [lastA, lastB] = await Promise.all([loadCheckpoint(join(dir, 'cli-a', 'last.ckpt')), loadCheckpoint(join(dir, 'cli-b', 'last.ckpt'))]);
  assert.equal(lastB.meta.epoch, 3);
  sameTensors(lastB.tensors, lastA.tensors, `CLI resume after epoch ${String(partial.meta.epoch)}: last.ckpt`);
  assert.deepEqual(losses(lastB.meta.history as EpochMetrics[]), losses(lastA.meta.history as EpochMetrics[]));
});
