import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Tensor } from '../tensor/tensor.js';
import { fromConfig } from './from-config.js';
import { ShiftBatchNorm } from './shift-batch-norm.js';

test('ShiftBatchNorm: running mean and running inverse std with momentum 1/8; eval uses them', () => {
  const bn = new ShiftBatchNorm(1);
  assert.equal(bn.momentum, 0.125); assert.equal(bn.eps, 1e-5);
  bn.forward(new Tensor(Float32Array.from([1, 3]), [2, 1])); // μ = 2, var = mean(AP2(c)·c) = 1
  assert.ok(Math.abs(bn.runningMean.dataSync()[0]! - 0.25) < 1e-7);
  assert.ok(Math.abs(bn.runningInvStd.dataSync()[0]! - (0.875 + 0.125 / Math.sqrt(1 + 1e-5))) < 1e-6);
  bn.eval();
  const y = bn.forward(new Tensor(Float32Array.from([4.25]), [1, 1]));
  assert.ok(Math.abs(y.dataSync()[0]! - 4) < 1e-6, `eval: (4.25 - 0.25)·AP2(≈1)·AP2(1) = 4, got ${y.dataSync()[0]}`);
});

test('ShiftBatchNorm: rebuilt from its config by name, with the same state dict keys', () => {
  const bn = new ShiftBatchNorm(3, { momentum: 0.25 });
  const copy = fromConfig(bn.config());
  assert.ok(copy instanceof ShiftBatchNorm);
  assert.deepEqual(copy.config(), { type: 'ShiftBatchNorm', features: 3, momentum: 0.25, eps: 1e-5 });
  assert.deepEqual([...copy.stateDictSync().keys()], ['gamma', 'beta', 'runningMean', 'runningInvStd']);
  assert.throws(() => new ShiftBatchNorm(3, { momentum: 0 }), /momentum/);
});
