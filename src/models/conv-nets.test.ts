import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noGrad } from '../autograd/grad-mode.js';
import { LowbitError } from '../errors/lowbit-error.js';
import { QuantConv2d } from '../nn/quant-conv2d.js';
import { randn } from '../tensor/creation.js';
import { summarize } from '../train/summary.js';
import { buildModel, modelNames } from './registry.js';

test('cifar10-binarynet: 14,022,016 binary weights, 1.67 MiB packed (QNN-SPEC §6.2)', () => {
  const s = summarize(buildModel('cifar10-binarynet')).total;
  assert.equal(s.binaryWeights, 14_022_016);
  assert.equal(Math.ceil(s.binaryWeights / 8) / 2 ** 20 < 1.68 && Math.ceil(s.binaryWeights / 8) / 2 ** 20 > 1.67, true);
});

test('svhn-binarynet: 6,397,632 binary weights (half the conv widths, the dense layers not halved)', () => {
  assert.equal(summarize(buildModel('svhn-binarynet')).total.binaryWeights, 6_397_632);
});

test('cifar10-cnv: 59.5 M MACs per image, all binary but the first layer on real pixels; it maps [b, 3072] to 10 scores', () => {
  const model = buildModel('cifar10-cnv'), s = summarize(model);
  assert.equal(s.total.binaryMacs + s.total.otherMacs, 59_461_376);
  assert.equal(s.total.otherMacs, 30 * 30 * 27 * 64, 'the first conv: real pixels times ±1');
  assert.equal(s.layers[0]!.layer, 'QuantConv2d 3→64 3×3 → 30×30');
  const scores = noGrad(() => model.eval().forward(randn([2, 32 * 32 * 3], { seed: 3 })));
  assert.deepEqual(scores.shape, [2, 10]);
  assert.ok(scores.dataSync().every(Number.isFinite));
});

test('conv nets: bits and float options as mnist-mlp; an MLP option is refused', () => {
  assert.ok(modelNames().includes('cifar10-cnv') && modelNames().includes('svhn-binarynet'));
  const kbit = buildModel('cifar10-cnv', { bitsW: 2, bitsA: 2 }).modules().filter((m) => m instanceof QuantConv2d) as QuantConv2d[];
  assert.deepEqual(kbit.map((c) => [c.inputQuantizer.name, c.kernelQuantizer.bits]), [['identity', 2], ...Array(5).fill(['steLinear', 2])]);
  const float = summarize(buildModel('cifar10-cnv', { float: true })).total;
  assert.equal(float.binaryWeights, 0);
  assert.equal(float.otherMacs, 59_461_376);
  assert.throws(() => buildModel('cifar10-cnv', { width: 2 }), (e: Error) => e instanceof LowbitError && /'width' is an option of mnist-mlp/.test(e.message));
  assert.throws(() => summarize(new QuantConv2d(3, 4, 3)), (e: Error) => e instanceof LowbitError && /needs its input's height and width/.test(e.message));
  assert.equal(summarize(new QuantConv2d(3, 4, 3), { inputShape: [5, 5, 3] }).total.otherMacs, 9 * 108);
});
