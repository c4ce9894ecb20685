import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Kernels } from '../src/backends/kernels.js';
import { opaque, setKernels } from '../src/backends/registry.js';
import { referenceKernels } from '../src/backends/reference/index.js';
import { gpuOrSkip } from '../src/backends/webgpu/gpu-or-skip.js';
import { BatchNorm } from '../src/nn/batch-norm.js';
import { Flatten, Unflatten } from '../src/nn/flatten.js';
import { HardTanh } from '../src/nn/hard-tanh.js';
import { MaxPool2d } from '../src/nn/max-pool2d.js';
import type { Module } from '../src/nn/module.js';
import { QuantConv2d } from '../src/nn/quant-conv2d.js';
import { QuantDense } from '../src/nn/quant-dense.js';
import { Sequential } from '../src/nn/sequential.js';
import { fit, type TrainConfig } from '../src/train/trainer.js';
import { quarterImages } from './quarter-images.js';

// A small binary conv net (a float-input conv with 'same' padding, a ±1 conv, 2×2 max-pool, BN,
// a binary dense layer) trained on WebGPU, where the conv kernels are WGSL, against the same run
// on the reference. Not bit-equal: WGSL sums in float32 in another order (the reference's im2col
// adjoints and GEMMs in float64), so the runs may drift apart slowly; after a few steps the losses
// agree to a small tolerance and the binary weights have the same signs. Every kernel of the run
// is native on WebGPU: none falls back to the reference on read-back storage. Synthetic 12×12×3
// images whose class is the brightest quarter.

const images = (count: number, seed: number) => quarterImages(count, seed, 12);

const layers = (): Module[] => [
  new Unflatten([12, 12, 3]),
  new QuantConv2d(3, 16, 3, { padding: 'same', inputQuantizer: 'identity', seed: 2 }), new BatchNorm(16), new HardTanh(),
  new QuantConv2d(16, 33, 3, { stride: 1, inputQuantizer: 'steSign', seed: 3 }), new MaxPool2d(2), new BatchNorm(33), new HardTanh(),
  new Flatten(), new QuantDense(5 * 5 * 33, 4, { inputQuantizer: 'steSign', seed: 4 }), new BatchNorm(4),
];

const STORAGE_MEMBERS = new Set(['alloc', 'fromArray', 'write', 'isStorage', 'lengthOf', 'read', 'flush', 'free']);
/** The backend, recording the names of the kernels called on it. */
function recording(kernels: Kernels, called: Set<string>): Kernels {
  return new Proxy(kernels, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || typeof key !== 'string' || STORAGE_MEMBERS.has(key)) return value;
      return (...args: unknown[]) => { called.add(key); return (value as (...a: unknown[]) => unknown).apply(target, args); };
    },
  });
}

const config: TrainConfig = { experiment: 'webgpu-conv', epochs: 1, batchSize: 20, lr: 0.01, lrEnd: 0.001, seed: 7, loss: 'squaredHinge', scale: 'symmetric' };

async function run(kernels: Kernels) {
  setKernels(kernels);
  try {
    const net = layers(), model = new Sequential(net);
    const result = await fit(model, { train: images(100, 1), validation: images(40, 2) }, config, { logEvery: 1 });
    const state = await model.stateDict();
    // the latent weights of the quantized layers, which the forward pass reads by their signs
    const binary = net.flatMap((l, i) => (l instanceof QuantConv2d || l instanceof QuantDense ? [`${i}.weight`] : []));
    return { history: result.history, weights: binary.map((name) => [name, state.get(name)!] as const) };
  } finally {
    setKernels(referenceKernels);
  }
}

const gpu = await gpuOrSkip('webgpu conv training');
if (gpu) {
  test('webgpu: a binary conv net\'s training steps follow the reference\'s (losses, binary weight signs)', async () => {
    const called = new Set<string>();
    const ref = await run(opaque(referenceKernels)), got = await run(recording(gpu, called));
    assert.ok(called.has('conv2dBinaryForward') && called.has('conv2dSignBackwardInput') && called.has('maxPool2dBackward'), 'the conv path ran');
    assert.deepEqual([...called].filter((k) => !gpu.native.has(k as never)), [], 'kernels the run took from the reference');
    assert.equal(got.history.length, config.epochs);
    for (const [e, m] of ref.history.entries()) {
      const g = got.history[e]!, at = `epoch ${e + 1} (seed 7, 100 images 12×12×3, 5 steps)`;
      assert.ok(Number.isFinite(m.trainLoss), `${at}: the reference trained`);
      // measured on SwiftShader: 0.68581634 vs 0.68581637 (4e-8 relative); after 10 steps all
      // 8,484 binary weights had the reference's sign, the latent ones within 8e-6
      assert.ok(Math.abs(g.trainLoss - m.trainLoss) <= 1e-4 * m.trainLoss, `${at}: train loss ${g.trainLoss}, reference ${m.trainLoss} (tolerance 1e-4 relative)`);
      assert.ok(Math.abs(g.valError - m.valError) <= 0.05, `${at}: validation error ${g.valError}, reference ${m.valError} (tolerance 0.05)`);
    }
    for (const [i, [name, want]] of ref.weights.entries()) {
      const [, have] = got.weights[i]!;
      assert.ok(want && have && want.length === have.length && want.length > 0, `${name}: the layer's weights`);
      let differ = 0;
      for (let j = 0; j < want.length; j++) if ((want[j]! >= 0) !== (have[j]! >= 0)) differ++;
      assert.equal(differ, 0, `${name}: ${differ} of ${want.length} binary weights have the other sign`);
    }
  });
}
