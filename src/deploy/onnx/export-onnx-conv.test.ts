import assert from 'node:assert/strict';
import { test } from 'node:test';
import ort from 'onnxruntime-node';
import { noGrad } from '../../autograd/grad-mode.js';
import { cifar10Cnv } from '../../models/conv-nets.js';
import { BatchNorm } from '../../nn/batch-norm.js';
import { Dropout } from '../../nn/dropout.js';
import { Flatten, Unflatten } from '../../nn/flatten.js';
import { HardTanh } from '../../nn/hard-tanh.js';
import { MaxPool2d } from '../../nn/max-pool2d.js';
import type { Module } from '../../nn/module.js';
import { QuantConv2d } from '../../nn/quant-conv2d.js';
import { QuantDense } from '../../nn/quant-dense.js';
import { Sequential } from '../../nn/sequential.js';
import { ShiftBatchNorm } from '../../nn/shift-batch-norm.js';
import { tensor } from '../../tensor/creation.js';
import { Random } from '../../tensor/random.js';
import { DeployError } from '../deploy-error.js';
import { exportOnnx } from './export-onnx.js';
import { ModelProto } from './onnx-schema.js';

/** BN statistics of a trained net's scale for each BN's fan-in, every fifth γ negative. */
function randomBn(model: Module, rng: Random): void {
  let fanIn = 1;
  for (const m of model.modules()) {
    if (m instanceof QuantConv2d) fanIn = m.kh * m.kw * m.inChannels;
    if (m instanceof QuantDense) fanIn = m.inFeatures;
    if (!(m instanceof BatchNorm)) continue;
    const spread = Math.sqrt(fanIn), f = m.features;
    m.gamma.write(Float32Array.from({ length: f }, (_, j) => (j % 5 === 0 ? -0.5 - rng.uniform() : 0.5 + rng.uniform())));
    m.beta.write(Float32Array.from({ length: f }, () => rng.normal() * 0.3));
    m.runningMean.write(Float32Array.from({ length: f }, () => rng.normal() * spread * 0.5));
    m.runningInvStd.write(Float32Array.from({ length: f }, () => (0.5 + rng.uniform()) / spread));
  }
}

/** Inputs that are multiples of 1/64 in [-1, 1]: the first layer's sums of them times ±1 are exact
 *  in float32 whatever order a runtime adds them in, so no sign can flip on rounding. */
const inputs = (count: number, features: number, rng: Random) => Float32Array.from({ length: count * features }, () => (rng.int(129) - 64) / 64);

async function compare(model: Module, features: number, count: number, seed: number) {
  model.eval();
  const rng = new Random(seed);
  randomBn(model, rng);
  const x = inputs(count, features, rng);
  const ours = noGrad(() => model.forward(tensor(x, [count, features])));
  const expected = Float32Array.from(await ours.data()), classes = ours.shape[1]!;
  const session = await ort.InferenceSession.create(await exportOnnx(model, { scale: 'symmetric' }));
  const got = (await session.run({ x: new ort.Tensor('float32', x, [count, features]) })).scores!;
  assert.deepEqual(got.dims, [count, classes]);
  const scores = got.data as Float32Array, argmax = (s: Float32Array, i: number) => {
    let best = 0;
    for (let c = 1; c < classes; c++) if (s[i * classes + c]! > s[i * classes + best]!) best = c;
    return best;
  };
  // the hidden signs are exact on both sides; the scores differ only by BN's rounding (folded
  // here to γ·invStd·y + (β − γ·invStd·μ)): 1e-4 relative is far above it and far below a flip
  for (let i = 0; i < scores.length; i++) {
    assert.ok(Math.abs(scores[i]! - expected[i]!) <= 1e-4 * Math.max(1, Math.abs(expected[i]!)), `score ${i}: onnxruntime ${scores[i]}, lowbit ${expected[i]} (seed ${seed})`);
  }
  let differ = 0;
  const distinct = new Set<number>();
  for (let i = 0; i < count; i++) { differ += Number(argmax(scores, i) !== argmax(expected, i)); distinct.add(argmax(expected, i)); }
  assert.equal(differ, 0, `${differ} of ${count} predictions differ (seed ${seed})`);
  assert.ok(distinct.size > 1, 'the random net predicts more than one class, so agreeing on predictions says something');
  await session.release();
}

test('ONNX conv export: same padding (odd sizes, asymmetric pads), stride 2, pooling, negative BN scales: onnxruntime gives lowbit\'s scores', async () => {
  // 7×9×3 → same 3×2 (zero pads: 0 left, 1 right) → 7×9×5 → pool 2 → 3×4 → same 2×3 stride 2 on signs (+1 pads: 0 before, 1 after) → 2×2×6
  const model = new Sequential([
    new Unflatten([7, 9, 3]),
    new QuantConv2d(3, 5, [3, 2], { padding: 'same', inputQuantizer: 'identity', kernelQuantizer: 'steSign', seed: 1 }), new MaxPool2d(2), new BatchNorm(5), new HardTanh(),
    new QuantConv2d(5, 6, [2, 3], { padding: 'same', stride: 2, inputQuantizer: 'steSign', kernelQuantizer: 'steSign', seed: 2 }), new BatchNorm(6), new HardTanh(),
    new Flatten(), new Dropout(0.2),
    new QuantDense(24, 9, { inputQuantizer: 'steSign', kernelQuantizer: 'steSign', seed: 3 }), new BatchNorm(9), new HardTanh(),
    new QuantDense(9, 4, { inputQuantizer: 'steSign', kernelQuantizer: 'steSign', seed: 4 }), new BatchNorm(4),
  ]);
  await compare(model, 7 * 9 * 3, 64, 11);
});

test('ONNX conv export: valid padding, conv bias, a 3×3 stride-2 pool, a binary conv padded with +1, a HardTanh kept as Clip', async () => {
  // 8×6×2 → valid 3×3 (+bias) → 6×4×4 → same 3×3 on signs (+1 padding) → 6×4×3 → pool 3 stride 2 → 2×1×3
  const model = new Sequential([
    new Unflatten([8, 6, 2]),
    new QuantConv2d(2, 4, 3, { padding: 'valid', bias: true, inputQuantizer: 'identity', kernelQuantizer: 'steSign', seed: 5 }), new BatchNorm(4), new HardTanh(),
    new QuantConv2d(4, 3, 3, { padding: 'same', inputQuantizer: 'steSign', kernelQuantizer: 'steSign', seed: 6 }), new MaxPool2d(3, 2), new BatchNorm(3), new HardTanh(),
    new Flatten(),
    new QuantDense(6, 5, { inputQuantizer: 'identity', kernelQuantizer: 'steSign', seed: 7 }), new BatchNorm(5), new HardTanh(),
  ]);
  const bias = (model.layers[1] as QuantConv2d).bias!;
  bias.write(Float32Array.from({ length: 4 }, (_, j) => (j - 1.5) * 0.7));
  await compare(model, 8 * 6 * 2, 64, 12);
  const decoded = ModelProto.toObject(ModelProto.decode(await exportOnnx(model, { scale: 'unit' })), { longs: Number }) as { graph: { node: { opType: string }[] } };
  const ops = decoded.graph.node.map((n) => n.opType);
  assert.deepEqual(ops.filter((op) => op === 'Pad' || op === 'Clip'), ['Pad', 'Clip', 'Clip'], 'the +1 Pad before the binary conv; Clip for the HardTanh before a real-valued dense input and at the end');
  assert.ok(!ops.includes('Sign'), 'ONNX Sign(0) = 0: signs are Less + Where');
});

test('ONNX conv export: cifar10-cnv agrees with lowbit on 6 images; the file is its ±1 weights as float32 and little else', async () => {
  const model = cifar10Cnv({ seed: 3 });
  await compare(model, 3072, 6, 13);
  const bytes = await exportOnnx(model, { scale: 'symmetric' });
  const weights = 1_542_848; // every weight is binary (summarize), the first layer's too; BN adds 2 × 1930 floats
  const overhead = bytes.length - 4 * weights;
  assert.ok(overhead > 0 && overhead < 64 * 1024, `${bytes.length} bytes for ${weights} weights: overhead ${overhead}`);
});

test('ONNX conv export refuses what it cannot write, naming the layer', async () => {
  const net = (...mid: Module[]) => new Sequential([new Unflatten([4, 4, 1]), new QuantConv2d(1, 2, 3, { inputQuantizer: 'identity', seed: 1 }), ...mid, new Flatten(), new QuantDense(8, 2, { inputQuantizer: 'steSign' })]);
  const refuses = (model: Module, pattern: RegExp) => assert.rejects(exportOnnx(model, { scale: 'unit' }), (e: Error) => e instanceof DeployError && pattern.test(e.message));
  await refuses(net(new ShiftBatchNorm(2)), /layer 2 \(ShiftBatchNorm\): only BatchNorm folds/);
  await refuses(new Sequential([new QuantConv2d(1, 2, 3)]), /must start with Unflatten/);
  await refuses(new Sequential([new Unflatten([4, 4, 1]), new QuantConv2d(1, 2, 3, { kernelQuantizer: { name: 'steLinear', bits: 2 } }), new Flatten(), new QuantDense(8, 2)]), /layer 1 \(QuantConv2d\): its weights are not binarized/);
  await refuses(new Sequential([new Unflatten([4, 4, 1]), new QuantConv2d(1, 2, 3)]), /ends on an image/);
});
