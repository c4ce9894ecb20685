import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backward } from '../autograd/backward.js';
import { LowbitError } from '../errors/lowbit-error.js';
import { tensor } from '../tensor/creation.js';
import { Random } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { quantizer } from './registry.js';
import { steSign, steStochasticSign } from './ste-sign.js';

// Against QNN-SPEC §1 (forward) and §2.1 (STE), not against the code.

const evalCtx = { training: false, rng: new Random(1) };

test('steSign: sign(0) = +1 and sign(-0) = +1 (QNN-SPEC §1.1)', () => {
  const y = steSign().apply(tensor([0, -0]), evalCtx);
  assert.deepEqual([...y.dataSync()], [1, 1]);
});

test('steSign: forward ±1 and STE backward dy·1{|x| <= 1} (QNN-SPEC §2.1)', () => {
  const x = tensor([-2, -1, -0.25, 0.5, 1, 1.5]);
  x.requiresGrad = true;
  const y = steSign().apply(x, { training: true, rng: new Random(1) });
  assert.deepEqual([...y.dataSync()], [-1, -1, -1, 1, 1, 1]);
  backward(y, tensor([10, 20, 30, 40, 50, 60]));
  assert.deepEqual([...x.grad!.dataSync()], [0, 20, 30, 40, 50, 0]);
});

test('steSign: clip option and its config; clip <= 0 is an error', () => {
  assert.deepEqual(steSign({ clip: 2 }).config(), { name: 'steSign', clip: 2 });
  assert.deepEqual(quantizer({ name: 'steSign', clip: 2 }).config(), { name: 'steSign', clip: 2 });
  assert.throws(() => steSign({ clip: 0 }), LowbitError);
  assert.throws(() => steStochasticSign({ clip: -1 }), LowbitError);
});

test('quantizer: an unknown name is a LowbitError listing the known ones', () => {
  assert.throws(() => quantizer('steSgn'), (e: Error) => e instanceof LowbitError && e.message.includes("'steSgn'") && e.message.includes('steSign'));
});

test('steStochasticSign: eval mode is the deterministic sign, whatever the stream', () => {
  const x = tensor([-0.9, -0.1, 0, -0, 0.1, 0.9, -3, 3]);
  for (const seed of [1, 2, 3]) {
    const y = steStochasticSign().apply(x, { training: false, rng: new Random(seed) });
    assert.deepEqual([...y.dataSync()], [-1, -1, 1, 1, 1, 1, -1, 1], `seed ${seed}`);
  }
});

test('steStochasticSign: in training P(+1) = hardSigmoid(x) = clip((x+1)/2, 0, 1) (QNN-SPEC §1.2), within 5σ', () => {
  const draws = 20_000, seed = 17;
  const xs = [-0.9, -0.5, -0.1, 0, 0.3, 0.75];
  const x = new Tensor(new Float32Array(xs.length * draws), [xs.length, draws]);
  xs.forEach((v, i) => x.dataSync().fill(v, i * draws, (i + 1) * draws));
  const y = steStochasticSign().apply(x, { training: true, rng: new Random(seed) });
  xs.forEach((v, i) => {
    let plus = 0;
    for (let j = 0; j < draws; j++) plus += y.dataSync()[i * draws + j] === 1 ? 1 : 0;
    const p = Math.fround((Math.fround(v) + 1) / 2), sigma = Math.sqrt((p * (1 - p)) / draws);
    assert.ok(Math.abs(plus / draws - p) <= 5 * sigma, `x=${v}: frequency of +1 ${plus / draws}, expected ${p} ± ${5 * sigma} (seed ${seed}, ${draws} draws)`);
  });
  // every output is ±1
  assert.ok(y.dataSync().every((v) => v === 1 || v === -1));
});

test('steStochasticSign: hard sigmoid edges: x <= -1 always gives -1, x >= 1 always +1', () => {
  const draws = 5000, seed = 23, xs = [-5, -1.5, -1, 1, 1.5, 5];
  const x = new Tensor(new Float32Array(xs.length * draws), [xs.length, draws]);
  xs.forEach((v, i) => x.dataSync().fill(v, i * draws, (i + 1) * draws));
  const y = steStochasticSign().apply(x, { training: true, rng: new Random(seed) });
  xs.forEach((v, i) => {
    const want = v < 0 ? -1 : 1;
    for (let j = 0; j < draws; j++) assert.equal(y.dataSync()[i * draws + j], want, `x=${v}, draw ${j} (seed ${seed})`);
  });
});

test('steStochasticSign: same STE as steSign in training', () => {
  const x = tensor([-2, -0.5, 0.5, 2]);
  x.requiresGrad = true;
  backward(steStochasticSign().apply(x, { training: true, rng: new Random(5) }), tensor([1, 2, 3, 4]));
  assert.deepEqual([...x.grad!.dataSync()], [0, 2, 3, 0]);
});
