import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { Kernels } from '../src/backends/kernels.js';
import { backendNames, setKernels, useBackend } from '../src/backends/registry.js';
import { referenceKernels } from '../src/backends/reference/index.js';
import '../src/backends/wasm/register.js';
import { BatchNorm } from '../src/nn/batch-norm.js';
import { Flatten, Unflatten } from '../src/nn/flatten.js';
import { HardTanh } from '../src/nn/hard-tanh.js';
import { MaxPool2d } from '../src/nn/max-pool2d.js';
import { QuantConv2d } from '../src/nn/quant-conv2d.js';
import { QuantDense } from '../src/nn/quant-dense.js';
import { Sequential } from '../src/nn/sequential.js';
import { Tensor } from '../src/tensor/tensor.js';
import { fit, type TrainConfig } from '../src/train/trainer.js';
import { quarterImages } from './quarter-images.js';

// The wasm backend runs each training step in a step scope: its activations and gradients live
// in one reused region of wasm memory instead of ordinary arrays copied in and out by every
// kernel. Where the numbers live must not change them: the same run without the scope gives the
// same weights bit for bit. Kernel outputs in a scope are not zero-filled (they hold the last
// step's values, or NaN in memory new to the region), so an output element a kernel fails to
// write shows up here as a difference. Validation runs in scopes too, a batch in each: its error
// is part of the history compared.

after(() => setKernels(referenceKernels));

type Spec = 'steSign' | 'identity' | { name: string; bits: number };
const net = (a: Spec, w: Spec) => new Sequential([
  new Unflatten([8, 8, 3]),
  new QuantConv2d(3, 8, 3, { padding: 'same', inputQuantizer: 'identity', kernelQuantizer: w, seed: 2 }), new BatchNorm(8), new HardTanh(),
  new QuantConv2d(8, 16, 3, { inputQuantizer: a, kernelQuantizer: w, seed: 3 }), new MaxPool2d(2), new BatchNorm(16), new HardTanh(),
  new Flatten(), new QuantDense(3 * 3 * 16, 12, { inputQuantizer: a, kernelQuantizer: w, seed: 4 }), new BatchNorm(12), new HardTanh(),
  new QuantDense(12, 4, { inputQuantizer: a, kernelQuantizer: w, seed: 5 }), new BatchNorm(4),
]);

/** The backend as it is, minus its step scope. */
function withoutScope(k: Kernels): Kernels {
  const plain = Object.create(null) as Kernels & { stepScope?: unknown };
  Object.defineProperties(plain, Object.getOwnPropertyDescriptors(k));
  delete plain.stepScope;
  return plain;
}

const cases: [string, Spec, Spec][] = [['binary', 'steSign', 'steSign'], ['2-bit linear activations', { name: 'steLinear', bits: 2 }, 'steSign'], ['float twin', 'identity', 'identity']];
for (const [label, a, w] of cases) {
  test(`step scope (wasm): a conv net's training run (${label}) equals the run without it exactly`, async (t) => {
    if (!backendNames().includes('wasm')) return t.skip('no wasm backend registered');
    let wasm: Kernels;
    try { wasm = await useBackend('wasm'); } catch { return t.skip('the wasm backend does not load here'); }
    if (!wasm.stepScope) return t.skip('no shared memory: the single-thread build has no step scope');
    const config: TrainConfig = { experiment: 'scope', epochs: 2, batchSize: 20, lr: 0.01, lrEnd: 0.001, seed: 7, loss: 'squaredHinge', scale: 'symmetric', augment: { pad: 1, flip: true } };
    // 240 validation images: three eval batches, each in its own scope (classificationError)
    const data = { train: quarterImages(120, 1), validation: quarterImages(240, 2) };
    const run = async (k: Kernels) => {
      setKernels(k);
      const model = net(a, w), result = await fit(model, data, config, { logEvery: 2 });
      return { history: result.history.map(({ seconds: _s, samplesPerSec: _r, ...m }) => m), state: await model.stateDict() };
    };
    // count the scopes and look at where a step's tensors live
    let scopes = 0, inWasm = false;
    const scope = wasm.stepScope.bind(wasm);
    const spied = withoutScope(wasm);
    spied.stepScope = (fn) => scope(() => { scopes++; inWasm ||= Tensor.empty([4]).storage instanceof Float32Array && (Tensor.empty([4]).storage as unknown as Float32Array).buffer instanceof SharedArrayBuffer; return fn(); });
    const scoped = await run(spied), plain = await run(withoutScope(wasm));
    assert.equal(scopes, 2 * (6 + 3), 'one scope per step (6 steps of 20 an epoch) and per validation batch (3 of at most 100)');
    assert.ok(inWasm, 'a step\'s tensors live in the shared wasm memory');
    assert.deepEqual(scoped.history, plain.history, 'per-epoch loss, errors and learning rate');
    assert.deepEqual(scoped.state, plain.state, 'weights and running statistics after the run');
    assert.ok(plain.history.every((m) => Number.isFinite(m.trainLoss)) && plain.history[1]!.trainLoss < plain.history[0]!.trainLoss + 1, 'the run trained');
  });
}

test('step scope (wasm): a tensor kept past its step is refused by the kernels, not read as a later step\'s values', async (t) => {
  if (!backendNames().includes('wasm')) return t.skip('no wasm backend registered');
  let wasm: Kernels;
  try { wasm = await useBackend('wasm'); } catch { return t.skip('the wasm backend does not load here'); }
  if (!wasm.stepScope) return t.skip('no shared memory');
  setKernels(wasm);
  const kept = wasm.stepScope(() => {
    const x = Tensor.empty([3]);
    wasm.write(x.storage, new Float32Array([1, -2, 3]));
    return x;
  });
  assert.throws(() => wasm.sign(kept.storage, Tensor.empty([3]).storage), /used after the step ended/);
  await assert.rejects(kept.data(), /used after the step ended/);
  const inside = wasm.stepScope(() => { const x = Tensor.empty([2]); wasm.write(x.storage, new Float32Array([5, 6])); return x.data(); });
  assert.deepEqual(await inside, new Float32Array([5, 6]), 'read inside the step: a copy, which outlives it');
});
