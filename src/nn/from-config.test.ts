import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backward } from '../autograd/backward.js';
import { noGrad } from '../autograd/grad-mode.js';
import { LowbitError } from '../errors/lowbit-error.js';
import { mnistMlp, type MnistMlpOptions } from '../models/mnist-mlp.js';
import { squaredHinge } from '../ops/losses.js';
import { Adam } from '../optim/adam.js';
import { randn } from '../tensor/creation.js';
import { Random } from '../tensor/random.js';
import { fromConfig } from './from-config.js';
import type { LayerConfig, Module } from './module.js';

/** A few training steps so that weights and running statistics are not their initial values. */
function trainABit(model: Module, seed: number): void {
  model.useRandom(new Random(seed)).train();
  const adam = new Adam(model.parameters(), { lr: 0.01 });
  for (let s = 0; s < 3; s++) {
    backward(squaredHinge(model.forward(randn([8, 20], { seed: seed + s })), Int32Array.from([0, 1, 2, 3, 4, 0, 1, 2])));
    adam.step();
  }
}

const VARIANTS: [string, MnistMlpOptions][] = [
  ['binary', {}], ['stochastic + dropout', { stochastic: true, dropoutIn: 0.1, dropoutHidden: 0.2 }], ['float', { float: true }],
];

for (const [name, opts] of VARIANTS) {
  test(`config() → fromConfig() → loadStateDict(stateDict()) gives identical outputs: ${name} mnist-mlp`, () => {
    const seed = 31, model = mnistMlp({ width: 16, depth: 2, inputs: 20, classes: 5, seed: 4, ...opts });
    trainABit(model, seed);
    // the config travels as JSON inside checkpoints
    const copy = fromConfig(JSON.parse(JSON.stringify(model.config())) as LayerConfig);
    assert.deepEqual(copy.config(), model.config());
    copy.loadStateDict(model.stateDictSync());
    const x = randn([6, 20], { seed: 99 });
    const [a, b] = noGrad(() => [model.eval().forward(x), copy.eval().forward(x)]);
    assert.deepEqual(b!.dataSync(), a!.dataSync(), `${name}: outputs differ (seed ${seed}, x [6,20])`);
  });
}

test('loadStateDict: a missing, extra or wrong-sized tensor is a LowbitError naming it', () => {
  const model = mnistMlp({ width: 8, depth: 1, inputs: 4, classes: 3 });
  const state = new Map(model.stateDictSync());
  state.delete('1.runningMean');
  assert.throws(() => model.loadStateDict(state, 'ckpt'), /ckpt: missing tensor '1.runningMean'/);
  const extra = new Map(model.stateDictSync()).set('9.weight', new Float32Array(1));
  assert.throws(() => model.loadStateDict(extra), /unexpected tensor '9.weight'/);
  const short = new Map(model.stateDictSync()).set('0.weight', new Float32Array(3));
  assert.throws(() => model.loadStateDict(short), /'0.weight' has 3 values, the model needs 32/);
});

test('fromConfig: unknown layer types and bad fields are LowbitErrors', () => {
  assert.throws(() => fromConfig({ type: 'Conv9d' }), (e: Error) => e instanceof LowbitError && e.message.includes("'Conv9d'"));
  assert.throws(() => fromConfig({ type: 'BatchNorm', features: 'ten' }), /BatchNorm.features must be a positive integer, got "ten"/);
  assert.throws(() => fromConfig({ type: 'QuantDense', inFeatures: 4, outFeatures: 2, kernelQuantizer: 'nope' }), /unknown quantizer 'nope'/);
});

/** fromConfig must refuse `config` with a LowbitError whose message matches `what`. */
function refuses(config: unknown, what: RegExp, opts = {}): void {
  assert.throws(() => fromConfig(config as LayerConfig, opts), (e: Error) => {
    assert.ok(e instanceof LowbitError, `${e.name}: ${e.message}`);
    assert.match(e.message, what);
    return true;
  });
}

test('fromConfig: config is data: a quantizer object that looks live, or options that are not numbers, are refused', () => {
  const dense = { type: 'QuantDense', inFeatures: 4, outFeatures: 2 };
  // what a checkpoint can say: an `apply` key used to make it pass for a live quantizer
  refuses({ ...dense, kernelQuantizer: { name: 'steSign', apply: 'x', bits: 1, binary: true } }, /kernelQuantizer: option 'apply' of 'steSign' must be a number or true\/false/);
  refuses({ ...dense, inputQuantizer: { apply: {}, config: {} } }, /inputQuantizer: expected a quantizer name or \{ name, \.\.\.options \}/);
  refuses({ ...dense, kernelQuantizer: { name: 'steLinear', bits: '2' } }, /option 'bits' of 'steLinear' must be a number/);
  refuses({ ...dense, kernelQuantizer: null }, /expected a quantizer name/);
  refuses({ ...dense, kernelQuantizer: ['steSign'] }, /expected a quantizer name/);
  refuses({ ...dense, bias: 'false' }, /QuantDense.bias must be true or false, got "false"/);
  refuses({ ...dense, seed: 'abc' }, /QuantDense.seed must be an integer/);
  refuses({ ...dense, lrScale: { x: 1 } }, /QuantDense.lrScale must be 'glorot', 'glorotPow2' or a number, got an object \{x\}/);
  refuses({ ...dense, inFeatures: 4.5 }, /inFeatures must be a positive integer, got 4.5/);
  refuses({ type: 'BatchNorm', features: 4, momentum: '0.5' }, /BatchNorm.momentum must be a number, got "0.5"/);
  refuses({ type: 'Sequential', layers: [{ type: 'HardTanh' }, 7] }, /expected a layer object with a 'type', got 7/);
});

test('fromConfig: deep nesting and deep values are LowbitErrors, not stack overflows', () => {
  let nested: unknown = { type: 'HardTanh' };
  for (let i = 0; i < 100; i++) nested = { type: 'Sequential', layers: [nested] };
  refuses(nested, /layers nest deeper than 32 levels/);
  const deep = JSON.parse('['.repeat(12000) + ']'.repeat(12000)) as unknown; // JSON.stringify overflows on it
  refuses({ type: 'BatchNorm', features: deep }, /features must be a positive integer, got an array of 1/);
  refuses({ type: 'QuantDense', inFeatures: 4, outFeatures: 2, kernelQuantizer: { name: 'steSign', clip: deep } }, /option 'clip'/);
  refuses(deep, /expected a layer object/);
});

test('fromConfig: sizes are checked against maxFloats before anything is allocated', () => {
  refuses({ type: 'QuantDense', inFeatures: 8192, outFeatures: 8192 }, /QuantDense\(8192→8192\) needs 67108864 float32 values, more than the 100 its weights hold/, { maxFloats: 100 });
  refuses({ type: 'BatchNorm', features: 2 ** 32 }, /BatchNorm\(4294967296\) needs 17179869184 float32 values/, { maxFloats: 1000 });
  refuses({ type: 'Sequential', layers: [{ type: 'Dense', inFeatures: 4, outFeatures: 2, bias: true }, { type: 'BatchNorm', features: 2 }] }, /BatchNorm\(2\) needs 8 .*\(0 left after the layers before it\)/, { maxFloats: 10 });
  const fits = fromConfig({ type: 'Sequential', layers: [{ type: 'Dense', inFeatures: 4, outFeatures: 2, bias: true }, { type: 'BatchNorm', features: 2 }] }, { maxFloats: 18 });
  assert.equal([...fits.stateDictSync().values()].reduce((n, t) => n + t.length, 0), 18, 'what the builders reserve is what the model holds');
});
