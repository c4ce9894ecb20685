import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noGrad } from '../autograd/grad-mode.js';
import { initDefaultBackend } from '../backends/default-backend.js';
import { toFloat, type PixelScale } from '../data/batches.js';
import { BatchNorm } from '../nn/batch-norm.js';
import { HardTanh } from '../nn/hard-tanh.js';
import type { Module } from '../nn/module.js';
import { QuantDense } from '../nn/quant-dense.js';
import { Sequential } from '../nn/sequential.js';
import type { QuantizerConfig } from '../quant/quantizer.js';
import { Random } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { argmaxRows } from '../train/evaluate.js';
import { compile } from './compile.js';
import { PackedEngine } from './engine.js';

// Every quantizer compile accepts, at every place it can sit: the first layer's weights (on raw
// pixels), a hidden layer's input and weights, the last layer's input and weights. The engine
// must give the eval-mode float model's classes, and its scores: bit for bit where the float
// model's products are exact (1-bit levels that are float32 values, after the pixel layer),
// else to float32 rounding of the k-bit products (as parity-kbit.test.ts on MNIST).
const WEIGHTS: QuantizerConfig[] = [
  { name: 'steSign' }, { name: 'steStochasticSign' },
  ...[1, 2, 3, 4].flatMap((bits) => [[-1, 1], [-0.5, 0.5], [-3, 3]].map(([lo, hi]) => ({ name: 'steLinear', bits, lo: lo!, hi: hi! }))),
];
const ACTIVATIONS: QuantizerConfig[] = [
  { name: 'steSign' }, { name: 'steStochasticSign' },
  ...[1, 2, 3, 4].flatMap((bits) => [[-1, 1], [0, 1], [-0.25, 2]].map(([lo, hi]) => ({ name: 'steLinear', bits, lo: lo!, hi: hi! }))),
];
const INPUTS = 70, IMAGES = 200;

if (process.env['LOWBIT_BACKEND']) await initDefaultBackend(); // LOWBIT_BACKEND=wasm npm test

const label = (q: QuantizerConfig): string => (q.name === 'steLinear' ? `steLinear(${q.bits} bits, [${q.lo}, ${q.hi}])` : q.name);
/** 1-bit levels whose values and products are exact in float32 (the sign, ±0.5, ±3, 0, 1, −0.25, 2). */
const exactLevels = (q: QuantizerConfig): boolean => q.name !== 'steLinear' || q.bits === 1;

function network(w: QuantizerConfig, a: QuantizerConfig, variant: number): Sequential {
  const clampHidden = variant % 3 !== 0, bias = variant % 2 === 0;
  return new Sequential([
    new QuantDense(INPUTS, 40, { kernelQuantizer: w, bias, seed: variant }), new BatchNorm(40), new HardTanh(),
    new QuantDense(40, 33, { inputQuantizer: a, kernelQuantizer: w, bias, seed: variant + 1 }), new BatchNorm(33),
    ...(clampHidden ? [new HardTanh()] : []),
    new QuantDense(33, 10, { inputQuantizer: a, kernelQuantizer: w, seed: variant + 2 }), new BatchNorm(10),
  ]);
}

/** BN statistics near the ones the data gives (so every level of the next quantizer is reached),
 *  with γ < 0 and γ = 0 among them (QNN-SPEC §9.1). */
function fitBn(model: Sequential, x: Tensor, rng: Random): void {
  model.eval();
  noGrad(() => {
    for (const m of model.layers) {
      if (m instanceof BatchNorm) {
        const rows = x.shape[0]!, n = m.features, xs = x.dataSync();
        const [runningMean, runningInvStd, gamma, beta] = [0, 0, 0, 0].map(() => new Float32Array(n)) as Float32Array[];
        for (let j = 0; j < n; j++) {
          let sum = 0, sq = 0;
          for (let r = 0; r < rows; r++) { const v = xs[r * n + j]!; sum += v; sq += v * v; }
          const mean = sum / rows, std = Math.sqrt(Math.max(sq / rows - mean * mean, 0)) || 1;
          runningMean![j] = mean + rng.normal() * 0.3 * std;
          runningInvStd![j] = 1 / (std * (0.5 + rng.uniform()));
          gamma![j] = j % 11 === 0 ? 0 : rng.normal();
          beta![j] = rng.normal() * 0.3;
        }
        m.runningMean.write(runningMean!); m.runningInvStd.write(runningInvStd!); m.gamma.write(gamma!); m.beta.write(beta!);
      }
      x = m.forward(x);
    }
  });
}

async function checkParity(model: Module, scale: PixelScale, seed: number, exact: boolean, what: string): Promise<void> {
  const rng = new Random(seed);
  const pixels = new Uint8Array(IMAGES * INPUTS).map(() => (rng.uniform() < 0.4 ? 0 : rng.int(256)));
  const ds = { name: 'random', images: pixels, labels: new Int32Array(IMAGES), count: IMAGES, features: INPUTS, shape: [INPUTS] };
  const x = toFloat(ds, scale);
  fitBn(model as Sequential, x, rng);
  const want = noGrad(() => model.forward(x)), wantClass = await argmaxRows(want), wanted = await want.data();
  const graph = await compile(model, { scale });
  const routes = (['bitPlanes', 'integer'] as const).map((firstLayer) => new PackedEngine(graph, { firstLayer }));
  const got = await routes[0]!.run(pixels, IMAGES);
  assert.deepEqual(await routes[1]!.run(pixels, IMAGES), got, `${what}: both first-layer routes give the same scores`);
  assert.deepEqual(await routes[0]!.predict(pixels, IMAGES), wantClass, `${what}: classes`);
  routes.forEach((r) => r.dispose());
  for (let i = 0; i < got.length; i++) {
    const ok = exact ? got[i] === wanted[i] : Math.abs(got[i]! - wanted[i]!) <= 1e-5 * Math.max(1, Math.abs(wanted[i]!));
    assert.ok(ok, `${what}: score ${i} is ${got[i]}, the float model's ${wanted[i]}${exact ? ' (must be bit-identical)' : ''}`);
  }
}

test('packed engine = eval-mode float model for every weight quantizer × every activation quantizer, at every layer position', async () => {
  let variant = 0;
  for (const w of WEIGHTS) {
    for (const a of ACTIVATIONS) {
      variant++;
      const scale: PixelScale = variant % 2 === 0 ? 'symmetric' : 'unit';
      const what = `weights ${label(w)}, activations ${label(a)}, ${scale} pixels (seed ${variant})`;
      await checkParity(network(w, a, variant), scale, variant, exactLevels(w) && exactLevels(a), what);
    }
  }
});

test('a first layer of 1-bit linear weights keeps their sign and their range (4 → 2 by hand)', async () => {
  for (const [lo, hi] of [[-1, 1], [-0.5, 0.5], [-3, 3]] as const) {
    const dense = new QuantDense(4, 2, { kernelQuantizer: { name: 'steLinear', bits: 1, lo, hi } });
    dense.weight.write(Float32Array.from([0.9, 0.2, 0.7, 0.1, -0.9, -0.2, -0.7, -0.1])); // unit 0: all +hi, unit 1: all lo
    const model = new Sequential([dense]);
    model.eval();
    const pixels = Uint8Array.from([255, 255, 255, 255]);
    const want = noGrad(() => model.forward(toFloat({ name: 'one', images: pixels, labels: new Int32Array(1), count: 1, features: 4, shape: [4] }, 'symmetric')));
    assert.deepEqual([...want.dataSync()], [4 * hi, 4 * lo], `[${lo}, ${hi}]: float model`);
    assert.deepEqual([...await new PackedEngine(await compile(model, { scale: 'symmetric' })).run(pixels, 1)], [4 * hi, 4 * lo], `[${lo}, ${hi}]: packed engine`);
  }
});
