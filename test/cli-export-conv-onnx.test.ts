import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import ort from 'onnxruntime-node';
import { noGrad } from '../src/autograd/grad-mode.js';
import { exportProblems } from '../src/cli/exportable.js';
import { cifar10Cnv } from '../src/models/conv-nets.js';
import { BatchNorm } from '../src/nn/batch-norm.js';
import { tensor } from '../src/tensor/creation.js';
import { Random } from '../src/tensor/random.js';
import { saveCheckpoint } from '../src/train/checkpoint.js';
import type { Recipe } from '../src/train/experiment.js';
import { lowbitIn, STACK } from './run-cli.js';

// `lowbit export --onnx` on a conv run's checkpoint, as a user runs it: the file it writes runs
// in onnxruntime and gives the checkpoint's own scores.

const dir = await mkdtemp(join(tmpdir(), 'lowbit-cli-conv-onnx-'));
after(() => rm(dir, { recursive: true, force: true }));
const lowbit = lowbitIn(dir);

test('lowbit export --onnx writes a conv run\'s net; onnxruntime gives the checkpoint\'s scores', async () => {
  const model = cifar10Cnv({ seed: 4 }).eval(), rng = new Random(4);
  for (const m of model.modules()) if (m instanceof BatchNorm) { // a trained net's BN: means off zero, some γ < 0
    m.gamma.write(Float32Array.from({ length: m.features }, (_, j) => (j % 3 === 0 ? -1 : 1) * (0.5 + rng.uniform())));
    m.runningMean.write(Float32Array.from({ length: m.features }, () => rng.normal() * 5));
  }
  const ckpt = join(dir, 'best.ckpt');
  await saveCheckpoint(ckpt, {
    meta: { model: model.config(), config: { scale: 'symmetric' } },
    tensors: new Map([...await model.stateDict()].map(([k, v]) => [`model.${k}`, v])),
  });
  const r = await lowbit('export', ckpt, '--onnx', join(dir, 'cnv.onnx'), '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, STACK);
  const result = JSON.parse(r.stdout) as { onnx: string; onnxBytes: number };
  const bytes = await readFile(join(dir, 'cnv.onnx'));
  assert.equal(result.onnxBytes, bytes.length);
  // multiples of 1/64: the first layer's sums are exact in any order, so the signs cannot differ
  const x = Float32Array.from({ length: 4 * 3072 }, () => (rng.int(129) - 64) / 64);
  const expected = noGrad(() => model.forward(tensor(x, [4, 3072]))).dataSync();
  const session = await ort.InferenceSession.create(bytes);
  const scores = (await session.run({ x: new ort.Tensor('float32', x, [4, 3072]) })).scores!.data as Float32Array;
  assert.equal(scores.length, 40);
  for (let i = 0; i < 40; i++) assert.ok(Math.abs(scores[i]! - expected[i]!) <= 1e-4 * Math.max(1, Math.abs(expected[i]!)), `score ${i}: ${scores[i]} vs ${expected[i]}`);
  await session.release();
});

test('lowbit train warns of a conv net that ONNX export will refuse, and only of that one', async () => {
  const recipe = (model: Record<string, unknown>) => ({ model: { name: 'cifar10-binarynet', ...model }, train: { scale: 'symmetric' } }) as unknown as Recipe;
  const onnx = (problems: string[]) => problems.filter((p) => p.startsWith('lowbit export --onnx'));
  assert.deepEqual(onnx(await exportProblems(recipe({}))), []);
  assert.match(onnx(await exportProblems(recipe({ bitsW: 2, bitsA: 2 })))[0] ?? '', /will refuse it: exportOnnx: layer 1 \(QuantConv2d\): its weights are not binarized/);
});
