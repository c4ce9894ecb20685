import assert from 'node:assert/strict';
import test from 'node:test';
import { mnistMlp } from '../models/mnist-mlp.js';
import { BatchNorm } from '../nn/batch-norm.js';
import { HardTanh } from '../nn/hard-tanh.js';
import { QuantDense } from '../nn/quant-dense.js';
import { Sequential } from '../nn/sequential.js';
import { DeployError } from './deploy-error.js';
import { denseBlocks } from './dense-blocks.js';

test('denseBlocks: the MNIST MLP splits into QuantDense → BN → HardTanh blocks, the last without HardTanh', () => {
  const blocks = denseBlocks(mnistMlp({ width: 16, depth: 2, dropoutIn: 0.2, dropoutHidden: 0.5 }));
  assert.deepEqual(blocks.map((b) => [b.dense.outFeatures, b.bn !== null, b.activation]), [[16, true, true], [16, true, true], [10, true, false]]);
});

test('denseBlocks: shift-based BN is refused (its powers of two fold differently), naming the layer', () => {
  assert.throws(() => denseBlocks(mnistMlp({ width: 16, depth: 1, bn: 'shift' })),
    (e: unknown) => e instanceof DeployError && /ShiftBatchNorm/.test(e.message));
});

test('denseBlocks: a network that does not start with QuantDense, or ends clamped, is refused', () => {
  assert.throws(() => denseBlocks(new Sequential([new BatchNorm(4), new QuantDense(4, 2)])), /must start with a QuantDense/);
  assert.throws(() => denseBlocks(new Sequential([new QuantDense(4, 2), new BatchNorm(2), new HardTanh()])), /clamps the scores/);
});
