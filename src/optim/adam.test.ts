import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initDefaultBackend } from '../backends/default-backend.js';
import { LowbitError } from '../errors/lowbit-error.js';
import { Parameter } from '../nn/parameter.js';
import { Tensor } from '../tensor/tensor.js';
import { Adam } from './adam.js';

if (process.env['LOWBIT_BACKEND']) await initDefaultBackend();

function param(values: number[], opts: { clip?: number; lrScale?: number } = {}): Parameter {
  const p = new Parameter(Float32Array.from(values), [values.length]);
  p.clip = opts.clip ?? 0;
  p.lrScale = opts.lrScale ?? 1;
  return p;
}
const grad = (values: number[]): Tensor => new Tensor(Float32Array.from(values), [values.length]);

test('Adam: two steps against hand-computed values (β1 0.9, β2 0.999, ε 1e-8, lr 0.01)', () => {
  // step 1, g = 0.2: m = 0.02, v = 4e-5, step size 0.01·√0.001/0.1 → p = 0.5 - 0.01 = 0.49
  // step 2, g = -0.1: m = 0.008, v = 4.996e-5, step size 0.01·√(1-0.999²)/(1-0.9²) → p = 0.4873366
  const p = param([0.5]), adam = new Adam([p], { lr: 0.01 });
  p.grad = grad([0.2]);
  adam.step();
  assert.ok(Math.abs(p.dataSync()[0]! - 0.49) < 1e-6, `after step 1: ${p.dataSync()[0]}`);
  assert.equal(p.grad, null, 'step() clears the gradient');
  p.grad = grad([-0.1]);
  adam.step();
  assert.ok(Math.abs(p.dataSync()[0]! - 0.4873366) < 1e-6, `after step 2: ${p.dataSync()[0]}`);
  assert.equal(adam.t, 2);
});

test('Adam: the parameter lrScale multiplies the step (Glorot scaling, QNN-SPEC §2.3)', () => {
  const p = param([0], { lrScale: 10 }), adam = new Adam([p], { lr: 0.001 });
  p.grad = grad([-3]);
  adam.step(); // first step ≈ lr·lrScale·sign(g)
  assert.ok(Math.abs(p.dataSync()[0]! - 0.01) < 1e-7, `${p.dataSync()[0]}`);
});

test('Adam: latent weights (clip 1) stay in [-1, 1] after a huge gradient; clip 0 is never clipped (QNN-SPEC §2.2)', () => {
  const latent = param([0.9, -0.9, 0.1], { clip: 1, lrScale: 50 }), free = param([0.9, -0.9, 0.1], { lrScale: 50 });
  const adam = new Adam([latent, free], { lr: 0.1 });
  // huge but finite squared in float32 (1e30 would overflow v to Infinity and the step to 0)
  latent.grad = grad([-1e6, 1e6, 0]);
  free.grad = grad([-1e6, 1e6, 0]);
  adam.step();
  assert.deepEqual([...latent.dataSync()], [1, -1, Math.fround(0.1)]);
  assert.ok(free.dataSync()[0]! > 1 && free.dataSync()[1]! < -1, `unclipped moved past ±1: ${[...free.dataSync()]}`);
  assert.ok(latent.dataSync().every(Number.isFinite) && free.dataSync().every(Number.isFinite));
});

test('Adam: a parameter without a gradient is left alone', () => {
  const a = param([0.3]), b = param([0.3]), adam = new Adam([a, b], { lr: 0.1 });
  a.grad = grad([1]);
  adam.step();
  assert.equal(b.dataSync()[0], Math.fround(0.3));
  assert.notEqual(a.dataSync()[0], Math.fround(0.3));
});

test('Adam: bad hyper-parameters are LowbitErrors naming them', () => {
  assert.throws(() => new Adam([], { lr: 0 }), /lr/);
  assert.throws(() => new Adam([], { beta1: 1 }), /beta1/);
  assert.throws(() => new Adam([], { beta2: -0.1 }), /beta2/);
  assert.throws(() => new Adam([], { eps: 0 }), (e: Error) => e instanceof LowbitError && /eps/.test(e.message));
});
