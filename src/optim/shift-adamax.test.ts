import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Parameter } from '../nn/parameter.js';
import { Tensor } from '../tensor/tensor.js';
import { ShiftAdaMax } from './shift-adamax.js';

const param = (values: number[]): Parameter => new Parameter(Float32Array.from(values), [values.length]);
const grad = (p: Parameter, values: number[]): void => { p.grad = new Tensor(Float32Array.from(values), [values.length]); };

test('ShiftAdaMax (torch): hand-computed steps: AP2(lr/(1-β1^t)), v ← AP2(v) + ε in place', async () => {
  const p = param([0.5]), opt = new ShiftAdaMax([p], { lr: 2 ** -6 });
  grad(p, [0.1]); opt.step();
  // m = 0.01; v = AP2(0.1) + ε = 2^-3 + 2^-27; step = AP2(2^-6/0.1) = AP2(0.156) = 2^-3
  const [m, v] = (await opt.state()).slots[0]!;
  assert.ok(Math.abs(m![0]! - 0.01) < 1e-9);
  assert.equal(v![0], Math.fround(2 ** -3 + 2 ** -27));
  assert.ok(Math.abs(p.dataSync()[0]! - (0.5 - 2 ** -3 * 0.01 / (2 ** -3 + 2 ** -27))) < 1e-7, `θ = ${p.dataSync()[0]}`);
  grad(p, [0.1]); opt.step();
  // t = 2: m = 0.019, v = max(0.999·v, 0.1) → AP2 = 2^-3; step = AP2(2^-6/0.19) = AP2(0.0822) = 2^-4
  const want = 0.5 - 2 ** -3 * 0.01 / (2 ** -3 + 2 ** -27) - 2 ** -4 * 0.019 / (2 ** -3 + 2 ** -27);
  assert.ok(Math.abs(p.dataSync()[0]! - want) < 1e-6, `θ = ${p.dataSync()[0]}, want ${want}`);
});

test('ShiftAdaMax: per-parameter lrScale multiplies the step and clip bounds the result', () => {
  const a = param([0, 0.99]), b = param([0, 0.99]);
  a.lrScale = 4; a.clip = 1;
  const opt = new ShiftAdaMax([a, b], { lr: 2 ** -6 });
  grad(a, [-0.5, -0.5]); grad(b, [-0.5, -0.5]); opt.step();
  // m/v = 0.05/0.5 = 0.1; step AP2(0.156) = 1/8: b moves 0.0125, a four times that, clipped at 1
  assert.ok(Math.abs(b.dataSync()[0]! - 0.0125) < 1e-6 && Math.abs(a.dataSync()[0]! - 0.05) < 1e-6, `${a.dataSync()[0]} ${b.dataSync()[0]}`);
  assert.equal(a.dataSync()[1], 1);
  assert.ok(b.dataSync()[1]! > 1, 'an unclipped parameter may leave [-1, 1]');
});

test('ShiftAdaMax (paper, QNN-SPEC §10.9): step AP2(lr/(1-β1)) for every t, v keeps its exact value', async () => {
  const p = param([0]), opt = new ShiftAdaMax([p], { lr: 2 ** -6, variant: 'paper' });
  grad(p, [0.1]); opt.step();
  assert.equal((await opt.state()).slots[0]![1]![0], Math.fround(0.1));
  grad(p, [0.1]); opt.step();
  const want = -(2 ** -3) * 0.01 / (2 ** -3 + 2 ** -27) - 2 ** -3 * 0.019 / (2 ** -3 + 2 ** -27);
  assert.ok(Math.abs(p.dataSync()[0]! - want) < 1e-6, `θ = ${p.dataSync()[0]}, want ${want}`);
});

test('ShiftAdaMax: state() / loadState() round-trip continues identically (resume)', async () => {
  const gradAt = (t: number): number[] => [0.1 * t, -0.05, 0.2 - 0.1 * t];
  const straight = param([0.3, -0.2, 0.7]), a = new ShiftAdaMax([straight], { lr: 2 ** -5 });
  for (let t = 1; t <= 3; t++) { grad(straight, gradAt(t)); a.step(); }
  const first = param([0.3, -0.2, 0.7]), b = new ShiftAdaMax([first], { lr: 2 ** -5 });
  for (let t = 1; t <= 2; t++) { grad(first, gradAt(t)); b.step(); }
  const saved = await b.state(), copy = { ...saved, slots: saved.slots.map((x) => x.map((s) => Float32Array.from(s))) };
  const resumed = param([...first.dataSync()]), c = new ShiftAdaMax([resumed], { lr: 2 ** -5 });
  c.loadState(copy);
  grad(resumed, gradAt(3)); c.step();
  assert.deepEqual([...resumed.dataSync()], [...straight.dataSync()]);
  assert.throws(() => new ShiftAdaMax([param([1])]).loadState({ step: 1, lr: 1, slots: [[new Float32Array(2), new Float32Array(2)]] }), /shape/);
});
