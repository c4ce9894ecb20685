import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noGrad } from '../autograd/grad-mode.js';
import { toFloat, type PixelScale } from '../data/batches.js';
import { mnistMlp } from '../models/mnist-mlp.js';
import { BatchNorm } from '../nn/batch-norm.js';
import { HardTanh } from '../nn/hard-tanh.js';
import type { Module } from '../nn/module.js';
import { QuantDense } from '../nn/quant-dense.js';
import { Sequential } from '../nn/sequential.js';
import { Random } from '../tensor/random.js';
import { argmaxRows } from '../train/evaluate.js';
import { compile } from './compile.js';
import { DeployError } from './deploy-error.js';
import { PackedEngine } from './engine.js';

/** BN statistics as training leaves them, plus the cases §9.1 singles out: γ < 0 and γ = 0. */
function randomizeBn(model: Module, rng: Random): void {
  for (const m of (model as Sequential).layers) {
    if (!(m instanceof BatchNorm)) continue;
    const [gamma, beta, mean, invStd] = [m.gamma, m.beta, m.runningMean, m.runningInvStd].map((t) => Float32Array.from(t.dataSync())) as Float32Array[];
    for (let j = 0; j < m.features; j++) {
      gamma![j] = j % 7 === 0 ? 0 : rng.normal();
      beta![j] = rng.normal() * 0.5;
      mean![j] = rng.normal() * 8;
      invStd![j] = 0.02 + rng.uniform() * 0.3;
    }
    m.gamma.write(gamma!); m.beta.write(beta!); m.runningMean.write(mean!); m.runningInvStd.write(invStd!);
  }
}

function images(count: number, rng: Random) {
  const pixels = new Uint8Array(count * 784).map(() => (rng.uniform() < 0.6 ? 0 : rng.int(256)));
  return { name: 'random', images: pixels, labels: new Int32Array(count), count, features: 784, shape: [28, 28, 1] };
}

/** k-bit products are rounded by the float model and exact in the engine: classes must agree,
 *  scores to float32 rounding (parity-kbit.test.ts checks the same on trained nets and MNIST). */
async function checkClose(model: Module, scale: PixelScale, seed: number): Promise<void> {
  const rng = new Random(seed);
  randomizeBn(model, rng);
  model.eval();
  const ds = images(300, rng);
  const want = noGrad(() => model.forward(toFloat(ds, scale)));
  const engine = new PackedEngine(await compile(model, { scale }));
  const got = await engine.run(ds.images, ds.count), classes = want.shape[1]!;
  for (let i = 0; i < got.length; i++) {
    assert.ok(Math.abs(got[i]! - want.dataSync()[i]!) <= 1e-5 * Math.max(1, Math.abs(want.dataSync()[i]!)), `seed ${seed} scale ${scale}: score ${i} is ${got[i]}, float model ${want.dataSync()[i]}`);
  }
  assert.deepEqual(await engine.predict(ds.images, ds.count), await argmaxRows(want), `seed ${seed} scale ${scale}: classes`);
  assert.deepEqual(await engine.run(ds.images.subarray(0, 5 * 784), 5), got.subarray(0, 5 * classes), `seed ${seed}: batch of 5`);
}

async function checkSame(model: Module, scale: PixelScale, seed: number): Promise<void> {
  const rng = new Random(seed);
  randomizeBn(model, rng);
  model.eval();
  const ds = images(300, rng);
  const want = noGrad(() => model.forward(toFloat(ds, scale))).dataSync();
  const engine = new PackedEngine(await compile(model, { scale }));
  const got = await engine.run(ds.images, ds.count);
  assert.equal(got.length, want.length);
  for (let i = 0; i < got.length; i++) assert.equal(got[i], want[i], `seed ${seed} scale ${scale}: score ${i}`);
  // the first layer's other route (the paper's bit-planes) gives the same scores
  const planes = await new PackedEngine(engine.graph, { firstLayer: 'bitPlanes' }).run(ds.images.subarray(0, 5 * 784), 5);
  for (let i = 0; i < planes.length; i++) assert.equal(planes[i], want[i], `seed ${seed} scale ${scale}: score ${i}, bit-planes, batch of 5`);
}

test('compiled graph gives the float model\'s eval scores exactly (random BN incl. γ<0, γ=0; both scales)', async () => {
  await checkSame(mnistMlp({ width: 45, depth: 2, seed: 5 }), 'symmetric', 11);
  await checkSame(mnistMlp({ width: 70, depth: 1, seed: 6, dropoutIn: 0.2, dropoutHidden: 0.3 }), 'unit', 12);
});

test('biases are folded in, and a layer without BN thresholds its raw product', async () => {
  const model = new Sequential([
    new QuantDense(784, 40, { bias: true, seed: 2 }), new BatchNorm(40), new HardTanh(),
    new QuantDense(40, 33, { inputQuantizer: 'steSign', bias: true, seed: 3 }), new HardTanh(),
    new QuantDense(33, 10, { inputQuantizer: 'steSign', bias: true, seed: 4 }), new BatchNorm(10),
  ]);
  const rng = new Random(9);
  for (const [, p] of model.namedParameters()) if (p.size <= 40) p.write(Float32Array.from({ length: p.size }, () => rng.normal() * 3));
  await checkSame(model, 'symmetric', 13);
});

test('k-bit weights × m-bit activations (QNN-SPEC §3.3): W2/A2, W1/A3, W4/A1, asymmetric activation ranges, no HardTanh', async () => {
  await checkClose(mnistMlp({ width: 45, depth: 2, seed: 5, bitsW: 2, bitsA: 2 }), 'symmetric', 21);
  await checkClose(mnistMlp({ width: 37, depth: 1, seed: 6, bitsW: 1, bitsA: 3 }), 'unit', 22);
  await checkClose(mnistMlp({ width: 40, depth: 2, seed: 7, bitsW: 4, bitsA: 1 }), 'symmetric', 23);
  await checkClose(new Sequential([
    new QuantDense(784, 40, { kernelQuantizer: { name: 'steLinear', bits: 2 }, bias: true, seed: 2 }), new BatchNorm(40), new HardTanh(),
    new QuantDense(40, 33, { inputQuantizer: { name: 'steLinear', bits: 3, lo: 0, hi: 1 }, kernelQuantizer: { name: 'steLinear', bits: 2, lo: -0.5, hi: 0.5 }, seed: 3 }), new BatchNorm(33),
    new QuantDense(33, 10, { inputQuantizer: 'steSign', kernelQuantizer: { name: 'steLinear', bits: 3 }, seed: 4 }), new BatchNorm(10),
  ]), 'unit', 24);
});

test('compile refuses what it cannot pack, with a DeployError naming the layer', async () => {
  const isDeploy = (re: RegExp) => (e: unknown) => e instanceof DeployError && re.test(e.message);
  await assert.rejects(() => compile(mnistMlp({ width: 8, depth: 1, float: true }), { scale: 'unit' }), isDeploy(/not binarized/));
  await assert.rejects(() => compile(new Sequential([new QuantDense(4, 3), new BatchNorm(3), new HardTanh()]), { scale: 'unit' }), isDeploy(/HardTanh after the last layer/));
  await assert.rejects(() => compile(new Sequential([new BatchNorm(4), new QuantDense(4, 3)]), { scale: 'unit' }), isDeploy(/must start with a QuantDense/));
  await assert.rejects(() => compile(mnistMlp({ width: 8, depth: 1, bitsW: 3, quant: 'log' }), { scale: 'unit' }), isDeploy(/dense layer 0 \(784→8\): its weights are not binarized or linearly quantized \(kernelQuantizer 'steLog'; supported: steSign/));
  await assert.rejects(() => compile(mnistMlp({ width: 8, depth: 1, bitsA: 3, quant: 'log' }), { scale: 'unit' }), isDeploy(/dense layer 1 \(8→10\): its input quantizer 'steLog' cannot be packed/));
  await assert.rejects(() => compile(new Sequential([new QuantDense(4, 3, { kernelQuantizer: { name: 'steLinear', bits: 2, lo: 0, hi: 1 } })]), { scale: 'unit' }), isDeploy(/symmetric about 0/));
  await assert.rejects(() => compile(new Sequential([new QuantDense(4, 3), new QuantDense(3, 2, { inputQuantizer: 'identity' })]), { scale: 'unit' }), isDeploy(/dense layer 1 \(3→2\): its input quantizer 'identity' cannot be packed/));
  await assert.rejects(() => compile(new Sequential([new QuantDense(4, 3, { inputQuantizer: 'steSign' })]), { scale: 'unit' }), isDeploy(/dense layer 0 \(4→3\): the first layer must take the pixels as they are \(inputQuantizer 'identity', got 'steSign'\)/));
  await assert.rejects(() => compile(new Sequential([new QuantDense(4, 3, { kernelQuantizer: 'identity' })]), { scale: 'unit' }), isDeploy(/not binarized or linearly quantized \(kernelQuantizer 'identity'/));
  const nan = mnistMlp({ width: 8, depth: 1 });
  const w = (nan.layers[0] as QuantDense).weight, values = Float32Array.from(w.dataSync());
  values[3] = NaN;
  w.write(values);
  await assert.rejects(() => compile(nan, { scale: 'unit' }), isDeploy(/NaN/));
});
