import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noGrad } from '../autograd/grad-mode.js';
import { initDefaultBackend } from '../backends/default-backend.js';
import { toFloat, type PixelScale } from '../data/batches.js';
import { BatchNorm } from '../nn/batch-norm.js';
import { Flatten, Unflatten } from '../nn/flatten.js';
import { HardTanh } from '../nn/hard-tanh.js';
import { MaxPool2d } from '../nn/max-pool2d.js';
import type { Module } from '../nn/module.js';
import { QuantConv2d } from '../nn/quant-conv2d.js';
import { QuantDense } from '../nn/quant-dense.js';
import { Sequential } from '../nn/sequential.js';
import { Random } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { argmaxRows } from '../train/evaluate.js';
import { compile } from './compile.js';
import { PackedEngine } from './engine.js';
import { decodeModel, encodeModel } from './model-file.js';

// Small random conv nets of awkward shapes: the engine must give the eval-mode float model's
// classes and, after ±1 hidden layers (exact integer products), its scores bit for bit.

if (process.env['LOWBIT_BACKEND']) await initDefaultBackend(); // LOWBIT_BACKEND=wasm npm test

const bin = { inputQuantizer: 'steSign', kernelQuantizer: 'steSign' } as const;
const px = { inputQuantizer: 'identity', kernelQuantizer: 'steSign' } as const;

/** Odd image sizes, valid and same padding, stride 2, non-square windows, overlapping and
 *  2×2 pools, channels 1, 5, 32, 33 (Flatten of a pixel's channels off a word), a conv bias, a
 *  block without HardTanh. */
const NETS: { name: string; image: [number, number, number]; scale: PixelScale; layers: () => Module[] }[] = [
  {
    name: 'valid 3×3 + pool 2 on 7×9×3, same 3×2 stride 2 to 33 channels', image: [7, 9, 3], scale: 'symmetric', layers: () => [
      new QuantConv2d(3, 5, 3, { ...px, seed: 1 }), new MaxPool2d(2), new BatchNorm(5), new HardTanh(),
      new QuantConv2d(5, 33, [3, 2], { ...bin, stride: 2, padding: 'same', seed: 2 }), new BatchNorm(33), new HardTanh(),
      new Flatten(), new QuantDense(1 * 2 * 33, 17, { ...bin, seed: 3 }), new BatchNorm(17), new HardTanh(),
      new QuantDense(17, 4, { ...bin, seed: 4 }), new BatchNorm(4)],
  },
  {
    name: "'unit' pixels, same stride 2 first conv, overlapping pool 3 by 1, bias, no HardTanh", image: [9, 8, 1], scale: 'unit', layers: () => [
      new QuantConv2d(1, 32, 3, { ...px, stride: 2, padding: 'same', bias: true, seed: 5 }), new BatchNorm(32),
      new QuantConv2d(32, 33, 2, { ...bin, padding: 'same', bias: true, seed: 6 }), new MaxPool2d(3, 1), new BatchNorm(33), new HardTanh(),
      new Flatten(), new QuantDense(3 * 2 * 33, 6, { ...bin, seed: 7 }), new BatchNorm(6)],
  },
  {
    name: 'CNV-like: valid convs, pool, 32 and 64 channels, 1×1 output', image: [10, 10, 3], scale: 'symmetric', layers: () => [
      new QuantConv2d(3, 32, 3, { ...px, seed: 8 }), new BatchNorm(32), new HardTanh(),
      new QuantConv2d(32, 32, 3, { ...bin, seed: 9 }), new MaxPool2d(2), new BatchNorm(32), new HardTanh(),
      new QuantConv2d(32, 64, 3, { ...bin, seed: 10 }), new BatchNorm(64), new HardTanh(),
      new QuantConv2d(64, 40, 1, { ...bin, seed: 11 }), new BatchNorm(40), new HardTanh(),
      new Flatten(), new QuantDense(40, 10, { ...bin, seed: 12 }), new BatchNorm(10)],
  },
  {
    name: "'symmetric' pixels, same 3×3 first conv (padding x = 0), pool 2, 33 channels", image: [7, 6, 3], scale: 'symmetric', layers: () => [
      new QuantConv2d(3, 33, 3, { ...px, padding: 'same', seed: 13 }), new MaxPool2d(2), new BatchNorm(33), new HardTanh(),
      new QuantConv2d(33, 32, 3, { ...bin, padding: 'same', seed: 14 }), new BatchNorm(32), new HardTanh(),
      new Flatten(), new QuantDense(3 * 3 * 32, 5, { ...bin, seed: 15 }), new BatchNorm(5)],
  },
  {
    name: "'symmetric' pixels, same 2×3 stride 2 first conv with bias, 5 channels, no HardTanh", image: [5, 9, 5], scale: 'symmetric', layers: () => [
      new QuantConv2d(5, 7, [2, 3], { ...px, stride: 2, padding: 'same', bias: true, seed: 16 }), new BatchNorm(7),
      new QuantConv2d(7, 6, 3, { ...bin, padding: 'same', seed: 17 }), new MaxPool2d(3, 1), new BatchNorm(6), new HardTanh(),
      new Flatten(), new QuantDense(1 * 3 * 6, 4, { ...bin, seed: 18 }), new BatchNorm(4)],
  },
];
const IMAGES = 300; // more than one chunk of the engine (256 images)

/** BN statistics near the ones the data gives (so both signs occur), γ < 0 on about half the
 *  units and γ = 0 on some (QNN-SPEC §9.1). NHWC: BN's rows are the pixels. After ±1 inputs the
 *  means sit on and between integers, so products land exactly on the switch points; not after
 *  the pixels, where a switch point within float rounding of a pre-activation can go either way
 *  (pixel-dot.ts pixelRoundingBound: the float model's sum is no function of the integer). */
function fitBn(model: Sequential, x: Tensor, rng: Random): void {
  model.eval();
  let afterPixels = true;
  noGrad(() => {
    for (const m of model.layers) {
      if (m instanceof BatchNorm) {
        const n = m.features, xs = x.dataSync(), rows = xs.length / n;
        const [mean, invStd, gamma, beta] = [0, 0, 0, 0].map(() => new Float32Array(n)) as [Float32Array, Float32Array, Float32Array, Float32Array];
        for (let j = 0; j < n; j++) {
          let sum = 0, sq = 0;
          for (let r = 0; r < rows; r++) { const v = xs[r * n + j]!; sum += v; sq += v * v; }
          const mu = sum / rows, std = Math.sqrt(Math.max(sq / rows - mu * mu, 0)) || 1;
          const near = mu + rng.normal() * 0.3 * std;
          mean[j] = afterPixels ? near : Math.round(near) + (j % 3 === 0 ? 0.5 : 0);
          invStd[j] = 1 / (std * (0.5 + rng.uniform()));
          gamma[j] = j % 7 === 0 ? 0 : rng.normal();
          beta[j] = j % 5 === 0 ? 0 : rng.normal() * 0.3;
        }
        m.runningMean.write(mean); m.runningInvStd.write(invStd); m.gamma.write(gamma); m.beta.write(beta);
        afterPixels = false;
      }
      x = m.forward(x);
    }
  });
}

/** Random bytes, some flat images (every window ties in the pools) and some of two values. */
function images(rng: Random, count: number, features: number): Uint8Array {
  const out = new Uint8Array(count * features);
  for (let i = 0; i < count; i++) {
    const kind = i % 5, a = rng.int(256), b = rng.int(256);
    for (let f = 0; f < features; f++) out[i * features + f] = kind === 0 ? a : kind === 1 ? (rng.uniform() < 0.5 ? a : b) : rng.int(256);
  }
  return out;
}

for (const [i, net] of NETS.entries()) {
  test(`conv parity: ${net.name}`, async () => {
    const rng = new Random(100 + i), [h, w, c] = net.image, features = h * w * c;
    const model = new Sequential([new Unflatten(net.image), ...net.layers()]);
    const pixels = images(rng, IMAGES, features);
    const x = toFloat({ name: 'random', images: pixels, labels: new Int32Array(IMAGES), count: IMAGES, features, shape: [features] }, net.scale);
    fitBn(model, x, rng);
    const want = noGrad(() => model.forward(x)), wantClass = await argmaxRows(want), wanted = await want.data();
    const graph = decodeModel(encodeModel(await compile(model, { scale: net.scale })));
    assert.ok(graph.layers.some((l) => l.kind === 'conv'), 'compiled to conv layers');
    const engine = new PackedEngine(graph);
    const got = await engine.run(pixels, IMAGES);
    for (let j = 0; j < got.length; j++) assert.equal(got[j], wanted[j], `${net.name} (seed ${100 + i}): score ${j} (image ${Math.floor(j / graph.classes)})`);
    assert.deepEqual(await engine.predict(pixels, IMAGES), wantClass, `${net.name}: classes`);
    // batch 1 = batch N
    for (const at of [0, 1, 7, IMAGES - 1]) {
      assert.deepEqual(await engine.run(pixels.subarray(at * features, (at + 1) * features), 1), got.subarray(at * graph.classes, (at + 1) * graph.classes), `${net.name}: image ${at} alone`);
    }
    assert.equal((await engine.run(new Uint8Array(0), 0)).length, 0, 'no images');
    engine.dispose();
  });
}
