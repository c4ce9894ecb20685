import assert from 'node:assert/strict';
import { test } from 'node:test';
import { noGrad } from '../autograd/grad-mode.js';
import { LowbitError } from '../errors/lowbit-error.js';
import { randn, tensor } from '../tensor/creation.js';
import { BatchNorm } from './batch-norm.js';
import { Sequential } from './sequential.js';

test('BatchNorm: running statistics move by the momentum towards the batch ones', () => {
  const bn = new BatchNorm(2, { momentum: 0.1, eps: 1e-4 });
  const x = tensor([[1, 0], [3, 0], [5, 6]]); // means 3, 2; biased variances 8/3, 8
  noGrad(() => bn.forward(x));
  const inv0 = 1 / Math.sqrt(8 / 3 + 1e-4), inv1 = 1 / Math.sqrt(8 + 1e-4);
  const close = (got: number, want: number, what: string) => assert.ok(Math.abs(got - want) < 1e-6, `${what}: ${got} vs ${want}`);
  close(bn.runningMean.dataSync()[0]!, 0.1 * 3, 'mean[0] after 1 batch');
  close(bn.runningMean.dataSync()[1]!, 0.1 * 2, 'mean[1] after 1 batch');
  close(bn.runningInvStd.dataSync()[0]!, 0.9 + 0.1 * inv0, 'invStd[0] after 1 batch');
  noGrad(() => bn.forward(x));
  close(bn.runningMean.dataSync()[0]!, 0.9 * 0.3 + 0.1 * 3, 'mean[0] after 2 batches');
  close(bn.runningInvStd.dataSync()[1]!, 0.9 * (0.9 + 0.1 * inv1) + 0.1 * inv1, 'invStd[1] after 2 batches');
});

test('BatchNorm: train mode uses batch statistics, eval mode the running ones (and does not update them)', () => {
  const bn = new BatchNorm(3);
  const x = randn([4, 3], { seed: 8, scale: 3 });
  const train = noGrad(() => bn.forward(x));
  for (let c = 0; c < 3; c++) {
    let m = 0;
    for (let r = 0; r < 4; r++) m += train.dataSync()[r * 3 + c]!;
    assert.ok(Math.abs(m / 4) < 1e-5, `train output of channel ${c} has mean 0 (seed 8, [4,3])`);
  }
  const mean = Float32Array.from(bn.runningMean.dataSync()), inv = Float32Array.from(bn.runningInvStd.dataSync());
  bn.eval();
  const y = noGrad(() => bn.forward(x));
  assert.deepEqual(bn.runningMean.dataSync(), mean);
  for (let i = 0; i < 12; i++) {
    const want = (x.dataSync()[i]! - mean[i % 3]!) * inv[i % 3]!;
    assert.ok(Math.abs(y.dataSync()[i]! - want) < 1e-5, `eval y[${i}] ${y.dataSync()[i]} vs ${want}`);
  }
});

test('train() / eval() reach every layer of a Sequential', () => {
  const bn = new BatchNorm(2), model = new Sequential([new Sequential([bn])]);
  model.eval();
  assert.equal(bn.training, false);
  model.train();
  assert.equal(bn.training, true);
});

test('BatchNorm: bad options and a feature mismatch are LowbitErrors; the mismatch names both sizes', () => {
  assert.throws(() => new BatchNorm(0), LowbitError);
  assert.throws(() => new BatchNorm(4, { momentum: 0 }), /momentum/);
  assert.throws(() => new BatchNorm(4, { eps: -1 }), /eps/);
  assert.throws(() => new BatchNorm(4).forward(randn([2, 3])), (e: Error) =>
    e instanceof LowbitError && e.message.includes('BatchNorm(4)') && e.message.includes('[2,3]'));
});
