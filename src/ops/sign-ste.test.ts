import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backward } from '../autograd/backward.js';
import { initDefaultBackend } from '../backends/default-backend.js';
import { randn, tensor } from '../tensor/creation.js';
import { Random } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { hardtanh } from './hardtanh.js';
import { signSte } from './sign-ste.js';

if (process.env['LOWBIT_BACKEND']) await initDefaultBackend();

/** dL/dx of L = Σ signSte(x, clip) ⊙ dy. */
function steGrad(x: Tensor, dy: Float32Array, clip?: number): Float32Array {
  const leaf = new Tensor(Float32Array.from(x.dataSync()), x.shape);
  leaf.requiresGrad = true;
  const y = signSte(leaf, clip);
  backward(y, new Tensor(dy, y.shape));
  return leaf.grad!.dataSync();
}

test('signSte: forward is ±1 with sign(0) = sign(-0) = +1 (QNN-SPEC §1.1)', () => {
  assert.deepEqual([...signSte(tensor([-3, -1, -1e-30, -0, 0, 1e-30, 0.5, 7])).dataSync()], [-1, -1, -1, 1, 1, 1, 1, 1]);
});

test('signSte: backward is exactly dy where |x| <= 1 and 0 elsewhere (QNN-SPEC §2.1)', () => {
  const seed = 4, x = randn([5, 9], { seed, scale: 1.5 });
  x.dataSync().set([-1, 1, 0, -0, 1.0000001, -1.0000001], 0); // the boundary passes, just outside does not
  const dy = new Random(seed + 1).fillUniform(new Float32Array(x.size), -1, 1);
  const dx = steGrad(x, dy);
  for (let i = 0; i < x.size; i++) {
    assert.equal(dx[i], Math.abs(x.dataSync()[i]!) <= 1 ? dy[i] : 0, `element ${i}, x=${x.dataSync()[i]} (seed ${seed}, shape [5,9])`);
  }
});

test('signSte: clip = Infinity passes every gradient; clip = 0.5 cancels beyond 0.5', () => {
  const x = tensor([-100, -0.7, -0.5, 0.2, 0.6, 1e6]), dy = Float32Array.from([1, 2, 3, 4, 5, 6]);
  assert.deepEqual([...steGrad(x, dy, Infinity)], [1, 2, 3, 4, 5, 6]);
  assert.deepEqual([...steGrad(x, dy, 0.5)], [0, 0, 3, 4, 0, 0]);
});

test('signSte: stochastic forward uses the given uniforms: +1 iff u < hardSigmoid(x)', () => {
  // hardSigmoid: -1 → 0, -0.5 → 0.25, 0 → 0.5, 0.5 → 0.75, 1 → 1
  const x = tensor([-1, -0.5, -0.5, 0, 0, 0.5, 0.5, 1]);
  const u = Float32Array.from([0, 0.2, 0.3, 0.49, 0.51, 0.7, 0.8, 0.9999]);
  assert.deepEqual([...signSte(x, 1, u).dataSync()], [-1, 1, -1, 1, -1, 1, -1, 1]);
});

test('signSte after hardtanh: the gradient is dy where the hardtanh input was inside [-1, 1], and a clip below 1 still cancels', () => {
  const values = [-3, -1.0000001, -1, -0.7, -0.3, 0, 0.4, 0.6, 1, 1.0000001, 5, NaN];
  for (const clip of [1, 2, Infinity, 0.5]) {
    const leaf = tensor(values);
    leaf.requiresGrad = true;
    const dy = Float32Array.from(values, (_, i) => i + 1);
    backward(signSte(hardtanh(leaf), clip), new Tensor(dy, leaf.shape));
    const want = values.map((v, i) => (v >= -1 && v <= 1 && Math.abs(Math.max(-1, Math.min(1, v))) <= clip ? dy[i]! : 0));
    assert.deepEqual([...leaf.grad!.dataSync()], want, `clip ${clip}`);
  }
});
