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
  assert.throws(() => fromConfig({ type: 'BatchNorm', features: 'ten' }), /BatchNorm.features must be a number/);
  assert.throws(() => fromConfig({ type: 'QuantDense', inFeatures: 4, outFeatures: 2, kernelQuantizer: 'nope' }), /unknown quantizer 'nope'/);
});
