import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mnistMlp } from '../models/mnist-mlp.js';
import type { LayerConfig } from '../nn/module.js';
import { CheckpointError } from './checkpoint-error.js';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from './checkpoint.js';
import { trainedModelOf } from './trained-model.js';

const FILE = 'runs/x/best.ckpt';

/** A checkpoint as training writes one (model config, input scale, weights under `model.`),
 *  passed through the file format so that only data survives. */
function checkpointOf(model: LayerConfig, tensors: Map<string, Float32Array>, config: unknown = { scale: 'symmetric' }): Checkpoint {
  const named = new Map([...tensors].map(([k, v]) => [`model.${k}`, v]));
  return decodeCheckpoint(encodeCheckpoint({ meta: { model, config }, tensors: named }), FILE);
}

/** trainedModelOf must refuse `ckpt` with a CheckpointError naming the file and saying `what`. */
function refuses(ckpt: Checkpoint, what: RegExp): void {
  assert.throws(() => trainedModelOf(ckpt, FILE), (e: Error) => {
    assert.ok(e instanceof CheckpointError, `${e.name}: ${e.message}`);
    assert.ok(e.message.startsWith(`checkpoint ${FILE}: `), e.message);
    assert.match(e.message, what);
    return true;
  });
}

test('trainedModelOf: the model of a checkpoint comes back with its weights, in eval mode', () => {
  const model = mnistMlp({ width: 8, depth: 1, inputs: 12, classes: 3, seed: 2 });
  const back = trainedModelOf(checkpointOf(model.config(), model.stateDictSync()), FILE);
  assert.deepEqual(back.model.config(), model.config());
  assert.deepEqual(back.model.stateDictSync(), model.stateDictSync());
  assert.equal(back.model.training, false);
  assert.equal(back.scale, 'symmetric');
});

test('trainedModelOf: a config claiming more than the file holds is refused before the model is built', () => {
  // a few hundred bytes that claim an 8192×8192 layer (268 MB) or a BatchNorm of 2^32 features (16 GiB)
  const w = new Map([['0.weight', new Float32Array(4)]]);
  refuses(checkpointOf({ type: 'Sequential', layers: [{ type: 'QuantDense', inFeatures: 8192, outFeatures: 8192 }] }, w),
    /QuantDense\(8192→8192\) needs 67108864 float32 values, more than the 4 its weights hold/);
  refuses(checkpointOf({ type: 'BatchNorm', features: 2 ** 32 }, w), /BatchNorm\(4294967296\) needs 17179869184 float32 values/);
  // the same total but other shapes still fails, on the names and lengths
  refuses(checkpointOf({ type: 'QuantDense', inFeatures: 2, outFeatures: 2 }, new Map([['weight', new Float32Array(3)], ['x', new Float32Array(1)]])), /weights: tensor 'weight' has 3 values, the model needs 4/);
});

test('trainedModelOf: an injected quantizer object, a missing config or scale name the file', () => {
  const model = mnistMlp({ width: 8, depth: 1, inputs: 12, classes: 3 });
  const config = model.config() as LayerConfig & { layers: Record<string, unknown>[] };
  config.layers[0]!.kernelQuantizer = { name: 'steSign', apply: 'x', binary: true, bits: 1 };
  refuses(checkpointOf(config, model.stateDictSync()), /kernelQuantizer: option 'apply' of 'steSign' must be a number or true\/false/);
  refuses(checkpointOf(undefined as unknown as LayerConfig, model.stateDictSync()), /no model config/);
  refuses(checkpointOf(model.config(), model.stateDictSync(), { scale: { a: 1 } }), /no input scale .*got an object \{a\}/);
  refuses(checkpointOf(model.config(), model.stateDictSync(), null), /no input scale/);
});
