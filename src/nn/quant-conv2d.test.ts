import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backward } from '../autograd/backward.js';
import { noGrad } from '../autograd/grad-mode.js';
import { initDefaultBackend } from '../backends/default-backend.js';
import { LowbitError } from '../errors/lowbit-error.js';
import { squaredHinge } from '../ops/losses.js';
import { conv2d } from '../ops/conv2d.js';
import { Adam } from '../optim/adam.js';
import { randn } from '../tensor/creation.js';
import { Random } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { BatchNorm } from './batch-norm.js';
import { Flatten, Unflatten } from './flatten.js';
import { fromConfig } from './from-config.js';
import { HardTanh } from './hard-tanh.js';
import { MaxPool2d } from './max-pool2d.js';
import type { LayerConfig } from './module.js';
import { QuantConv2d } from './quant-conv2d.js';
import { QuantDense } from './quant-dense.js';
import { Sequential } from './sequential.js';

if (process.env['LOWBIT_BACKEND']) await initDefaultBackend();

const tinyNet = (): Sequential => new Sequential([
  new Unflatten([7, 6, 3]),
  new QuantConv2d(3, 5, 3, { padding: 'same', inputQuantizer: 'identity', seed: 2 }), new BatchNorm(5), new HardTanh(),
  new QuantConv2d(5, 4, [3, 2], { stride: 2, inputQuantizer: { name: 'steLinear', bits: 2 }, kernelQuantizer: { name: 'steLog', bits: 3 }, bias: true, seed: 3 }),
  new MaxPool2d(2, 1), new BatchNorm(4), new HardTanh(),
  new QuantConv2d(4, 6, 1, { inputQuantizer: 'steSign', lrScale: 'glorotPow2', seed: 4 }), new BatchNorm(6), new HardTanh(),
  new Flatten(), new QuantDense(6 * 2 * 2, 3, { inputQuantizer: 'steSign', seed: 5 }), new BatchNorm(3),
]);

test('QuantConv2d: config() → fromConfig() → loadStateDict(stateDict()) gives identical outputs after training steps', () => {
  const model = tinyNet().useRandom(new Random(8)).train(), adam = new Adam(model.parameters(), { lr: 0.01 });
  for (let s = 0; s < 3; s++) {
    backward(squaredHinge(model.forward(randn([4, 7 * 6 * 3], { seed: 20 + s })), Int32Array.from([0, 1, 2, 0])));
    adam.step();
  }
  const copy = fromConfig(JSON.parse(JSON.stringify(model.config())) as LayerConfig);
  assert.deepEqual(copy.config(), model.config());
  copy.loadStateDict(model.stateDictSync());
  const x = randn([3, 7, 6, 3], { seed: 99 }); // already NHWC: Unflatten passes it on
  const [a, b] = noGrad(() => [model.eval().forward(x), copy.eval().forward(x)]);
  assert.deepEqual(a!.shape, [3, 3]);
  assert.deepEqual(b!.dataSync(), a!.dataSync(), 'outputs differ (seed 8, x [3,7,6,3])');
});

test('QuantConv2d: each quantizer pair runs as the convolution of the quantized values (binary inputs padded with +1)', () => {
  const rng = new Random(12), x = new Tensor(Float32Array.from({ length: 2 * 5 * 5 * 3 }, () => rng.uniform() * 4 - 2), [2, 5, 5, 3]);
  const ctx = { training: false, rng };
  for (const [inputQuantizer, kernelQuantizer] of [['identity', 'steSign'], ['steSign', 'steSign'], [{ name: 'steLinear', bits: 2 }, 'steSign'],
    ['steSign', { name: 'steLinear', bits: 3 }], [{ name: 'steLog', bits: 3 }, { name: 'steLinear', bits: 2 }], ['identity', 'identity']] as const) {
    const layer = new QuantConv2d(3, 4, 3, { padding: 'same', stride: 2, inputQuantizer, kernelQuantizer, seed: 6 }).eval();
    const xq = layer.inputQuantizer.apply(x, ctx), wq = layer.kernelQuantizer.apply(layer.weight, ctx);
    const want = conv2d(xq, wq, { mode: 'float', stride: 2, padding: 'same', padValue: layer.inputQuantizer.binary ? 1 : 0, clip: null });
    const got = noGrad(() => layer.forward(x));
    got.dataSync().forEach((v, i) => assert.ok(Math.abs(v - want.dataSync()[i]!) < 1e-4, `${JSON.stringify([inputQuantizer, kernelQuantizer])}: output ${i} is ${v}, want ${want.dataSync()[i]}`));
  }
});

test("QuantConv2d: latent weights U(-1, 1) clipped to [-1, 1], Glorot's learning-rate scale over kh·kw·C and kh·kw·out", () => {
  const layer = new QuantConv2d(3, 64, 3);
  assert.equal(layer.weight.clip, 1);
  assert.ok(Math.abs(layer.weight.lrScale - 1 / Math.sqrt(1.5 / (27 + 576))) < 1e-9);
  assert.equal(new QuantConv2d(3, 64, 3, { lrScale: 'glorotPow2' }).weight.lrScale, 16); // 20.05 → 16
  assert.equal(new QuantConv2d(3, 64, 3, { kernelQuantizer: 'identity' }).weight.lrScale, 1);
});

test('QuantConv2d and the conv layers: bad options and inputs fail with what to fix', () => {
  const rejects = (f: () => unknown, what: RegExp): void => { assert.throws(f, (e: Error) => e instanceof LowbitError && what.test(e.message)); };
  rejects(() => new QuantConv2d(3, 0, 3), /outChannels must be a positive integer, got 0/);
  rejects(() => new QuantConv2d(3, 4, [3, 1.5]), /kernel width must be a positive integer, got 1.5/);
  rejects(() => new QuantConv2d(3, 4, 3, { padding: 'full' as never }), /padding must be 'same' or 'valid', got "full"/);
  rejects(() => new QuantConv2d(3, 4, 3, { lrScale: -1 }), /QuantConv2d: lrScale must be/);
  rejects(() => new QuantConv2d(3, 4, 3).forward(randn([2, 5, 5, 4])), /input must be NHWC \[batch, height, width, 3\], got \[2,5,5,4\]/);
  rejects(() => new MaxPool2d(2, 0), /MaxPool2d: stride must be a positive integer, got 0/);
  rejects(() => new Unflatten([4, 0]), /Unflatten: shape must be positive integers/);
  rejects(() => new Unflatten([4, 4]).forward(randn([2, 15])), /input must be \[batch, 16\] or \[batch, 4,4\], got \[2,15\]/);
  rejects(() => fromConfig({ type: 'QuantConv2d', inChannels: 3, outChannels: 4, kernelSize: 3 }), /QuantConv2d.kernelSize must be a list of positive integers, got 3/);
  rejects(() => fromConfig({ type: 'QuantConv2d', inChannels: 3, outChannels: 4, kernelSize: [3, 3, 3] }), /kernelSize must be \[height, width\]/);
  rejects(() => fromConfig({ type: 'QuantConv2d', inChannels: 3, outChannels: 4, kernelSize: [3, 3], padding: 'full' }), /QuantConv2d.padding must be 'same' or 'valid', got "full"/);
  rejects(() => fromConfig({ type: 'QuantConv2d', inChannels: 512, outChannels: 512, kernelSize: [3, 3] }, { maxFloats: 1000 }),
    /QuantConv2d\(512→512, 3×3\) needs 2359296 float32 values, more than the 1000 its weights hold/);
  rejects(() => fromConfig({ type: 'MaxPool2d', size: 2.5 }), /MaxPool2d.size must be a positive integer/);
  rejects(() => fromConfig({ type: 'Unflatten', shape: 'x' }), /Unflatten.shape must be a list of positive integers/);
});

test('BatchNorm over NHWC: per channel, with the statistics over batch, height and width', () => {
  const rng = new Random(14), [b, h, w, c] = [3, 4, 5, 6];
  const x = new Tensor(Float32Array.from({ length: b * h * w * c }, (_, i) => rng.normal() + (i % c)), [b, h, w, c]);
  const bn = new BatchNorm(c), y = bn.forward(x).dataSync(), xv = x.dataSync(), rows = b * h * w;
  assert.deepEqual(bn.forward(x).shape, [b, h, w, c]);
  for (let ch = 0; ch < c; ch++) {
    let mean = 0, sq = 0;
    for (let r = 0; r < rows; r++) mean += xv[r * c + ch]! / rows;
    for (let r = 0; r < rows; r++) sq += (xv[r * c + ch]! - mean) ** 2 / rows;
    for (let r = 0; r < rows; r++) {
      const want = (xv[r * c + ch]! - mean) / Math.sqrt(sq + bn.eps);
      assert.ok(Math.abs(y[r * c + ch]! - want) < 1e-4, `channel ${ch} row ${r}: ${y[r * c + ch]} vs ${want} (seed 14)`);
    }
  }
});
