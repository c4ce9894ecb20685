import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { Kernels } from '../src/backends/kernels.js';
import { setKernels } from '../src/backends/registry.js';
import { referenceKernels } from '../src/backends/reference/index.js';
import { loadWasmKernels } from '../src/backends/wasm/index.js';
import { BatchNorm } from '../src/nn/batch-norm.js';
import { Flatten, Unflatten } from '../src/nn/flatten.js';
import { HardTanh } from '../src/nn/hard-tanh.js';
import { MaxPool2d } from '../src/nn/max-pool2d.js';
import { QuantConv2d } from '../src/nn/quant-conv2d.js';
import { QuantDense } from '../src/nn/quant-dense.js';
import { Sequential } from '../src/nn/sequential.js';
import type { Tensor } from '../src/tensor/tensor.js';
import { fit, type TrainConfig } from '../src/train/trainer.js';
import { quarterImages } from './quarter-images.js';

// Sequential runs each BatchNorm → HardTanh pair as one op (batchNormHardtanh): a training run
// must give the very numbers that the two layers one after the other give, on every backend.
// A small CNV-like net: first conv on pixels, a binary conv on 32 channels (whole words per
// pixel), max-pool, binary dense; synthetic 8×8×3 images whose class is the brightest quarter.

const images = (count: number, seed: number) => quarterImages(count, seed);

/** The same layers and parameter names, run one by one: no pair fused. */
class OneByOne extends Sequential {
  override forward(x: Tensor): Tensor {
    for (const l of this.layers) x = l.forward(x);
    return x;
  }
}

const layers = () => [
  new Unflatten([8, 8, 3]),
  new QuantConv2d(3, 32, 3, { padding: 'same', inputQuantizer: 'identity', seed: 2 }), new BatchNorm(32), new HardTanh(),
  new QuantConv2d(32, 32, 3, { inputQuantizer: 'steSign', seed: 3 }), new MaxPool2d(2), new BatchNorm(32), new HardTanh(),
  new Flatten(), new QuantDense(3 * 3 * 32, 4, { inputQuantizer: 'steSign', seed: 4 }), new BatchNorm(4),
];

async function run(backend: Kernels, fused: boolean) {
  setKernels(backend);
  try {
    const model = fused ? new Sequential(layers()) : new OneByOne(layers());
    const config: TrainConfig = { experiment: 'fused-bn', epochs: 2, batchSize: 20, lr: 0.01, lrEnd: 0.001, seed: 7, loss: 'squaredHinge', scale: 'symmetric' };
    const result = await fit(model, { train: images(100, 1), validation: images(40, 2) }, config, { logEvery: 1 });
    return { history: result.history.map(({ seconds: _s, samplesPerSec: _r, ...m }) => m), state: await model.stateDict() };
  } finally {
    setKernels(referenceKernels);
  }
}

const wasm = await loadWasmKernels();
after(() => wasm.setThreads(2));

for (const [label, threads] of [['reference', 0], ['wasm, 1 thread', 1], ['wasm, 2 threads', 2]] as const) {
  test(`BatchNorm → HardTanh fused by Sequential: a conv net's training run equals the layers run one by one bit for bit (${label})`, async () => {
    if (threads > 0) await wasm.setThreads(threads);
    const backend = threads > 0 ? wasm as unknown as Kernels : referenceKernels as unknown as Kernels;
    const [fused, oneByOne] = [await run(backend, true), await run(backend, false)];
    assert.deepEqual(fused.history, oneByOne.history, 'per-epoch loss, errors and learning rate (seed 7, 100 images 8×8×3)');
    assert.deepEqual(fused.state, oneByOne.state, 'weights, BN parameters and running statistics after the run');
    assert.ok(fused.history.length === 2 && fused.history.every((m) => Number.isFinite(m.trainLoss)), 'the run trained');
  });
}
