import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backward } from '../autograd/backward.js';
import { checkGradient } from '../autograd/check-gradient.js';
import { noGrad } from '../autograd/grad-mode.js';
import { initDefaultBackend } from '../backends/default-backend.js';
import { randn } from '../tensor/creation.js';
import { reshape } from '../ops/reshape.js';
import { sliceRows } from '../ops/rows.js';
import { Tensor } from '../tensor/tensor.js';
import { QuantGRU } from './quant-gru.js';
import { QuantLSTM } from './quant-lstm.js';

if (process.env['LOWBIT_BACKEND']) await initDefaultBackend();

const steLinear = (bits: number, lo = -1) => ({ name: 'steLinear', bits, lo, hi: 1 });
type Recurrent = QuantLSTM | QuantGRU;
const LAYERS: [string, (opts?: ConstructorParameters<typeof QuantLSTM>[2]) => Recurrent][] = [
  ['QuantLSTM', (opts) => new QuantLSTM(3, 4, { seed: 2, ...opts })],
  ['QuantGRU', (opts) => new QuantGRU(3, 4, { seed: 2, ...opts })],
];
const steps = (x: Tensor, start: number, count: number): Tensor =>
  reshape(sliceRows(reshape(x, [x.shape[0]!, x.shape[1]! * x.shape[2]!]), start, count), [count, x.shape[1]!, x.shape[2]!]);

for (const [name, make] of LAYERS) {
  test(`${name}: two windows with the state carried equal one long window; resetState starts over`, () => {
    const layer = make({ kernelQuantizer: steLinear(3), sigmoidQuantizer: steLinear(3, 0), tanhQuantizer: steLinear(3) });
    const x = randn([6, 2, 3], { seed: 1 });
    const whole = [...layer.forward(x).dataSync()];
    layer.resetState();
    const parts = [...layer.forward(steps(x, 0, 2)).dataSync(), ...layer.forward(steps(x, 2, 4)).dataSync()];
    assert.deepEqual(parts, whole);
    layer.resetState();
    assert.deepEqual([...layer.forward(x).dataSync()], whole);
  });

  test(`${name}: the hidden state lies on the tanh quantizer's levels`, () => {
    const layer = make({ kernelQuantizer: steLinear(2), sigmoidQuantizer: steLinear(2, 0), tanhQuantizer: steLinear(2) });
    const h = layer.forward(randn([3, 2, 3], { seed: 4, scale: 3 })).dataSync();
    const levels = [-1, -1 / 3, 1 / 3, 1].map(Math.fround);
    for (const v of h) assert.ok(levels.includes(v), `h = ${v} is not a 2-bit level`);
    assert.ok(new Set(h).size > 1, 'the states differ');
  });

  test(`${name} (float): the input's gradient through 4 steps matches finite differences`, () => {
    const layer = make();
    checkGradient(([x]) => { layer.resetState(); return layer.forward(x!); }, [randn([4, 2, 3], { seed: 5 })], { seed: 5 });
  });

  test(`${name} (float): every weight's gradient through 5 steps matches finite differences`, () => {
    const layer = make(), x = randn([5, 2, 3], { seed: 6 }), r = randn([5, 2, 4], { seed: 7 }).dataSync(), eps = 1e-2;
    const loss = (): number => { layer.resetState(); const y = noGrad(() => layer.forward(x)).dataSync(); return y.reduce((s, v, i) => s + v * r[i]!, 0); };
    layer.resetState();
    backward(layer.forward(x), new Tensor(Float32Array.from(r), [5, 2, 4]));
    for (const [what, p] of layer.namedParameters()) {
      const grad = p.grad!.dataSync(), values = Float32Array.from(p.dataSync());
      for (let i = 0; i < values.length; i++) {
        const v = values[i]!, at = (u: number): number => { values[i] = u; p.backend.write(p.storage, values); return loss(); };
        const numeric = (at(v + eps) - at(v - eps)) / (2 * eps);
        at(v);
        assert.ok(Math.abs(grad[i]! - numeric) <= 2e-2 * Math.max(1, Math.abs(numeric)), `${what}[${i}]: ${grad[i]} vs finite differences ${numeric}`);
      }
    }
  });

  test(`${name}: a wrong input or a new batch size without resetState is an error`, () => {
    const layer = make();
    assert.throws(() => layer.forward(randn([2, 5])), new RegExp(`${name}: input must be \\[steps >= 1, batch >= 1, 3\\], got \\[2,5\\]`));
    layer.forward(randn([2, 3, 3]));
    assert.throws(() => layer.forward(randn([2, 4, 3])), /carried state is for a batch of 3 but this input has 4; call resetState/);
    layer.resetState();
    assert.equal(layer.forward(randn([2, 4, 3])).shape.join(','), '2,4,4');
  });
}

test('QuantLSTM: quantized weights are clipped latent parameters; float ones are not', () => {
  assert.equal(new QuantLSTM(3, 4, { kernelQuantizer: steLinear(2) }).weightIh.clip, 1);
  assert.equal(new QuantLSTM(3, 4).weightHh.clip, 0);
  assert.throws(() => new QuantLSTM(0, 4), /QuantLSTM: inputSize must be a positive integer, got 0/);
  assert.throws(() => new QuantGRU(3, 1.5), /QuantGRU: hidden must be a positive integer, got 1.5/);
});
