import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cifar10BinaryNet, cifar10Cnv, svhnBinaryNet } from '../models/conv-nets.js';
import { BatchNorm } from '../nn/batch-norm.js';
import { Flatten, Unflatten } from '../nn/flatten.js';
import { HardTanh } from '../nn/hard-tanh.js';
import { MaxPool2d } from '../nn/max-pool2d.js';
import type { Module } from '../nn/module.js';
import { QuantConv2d } from '../nn/quant-conv2d.js';
import { QuantDense } from '../nn/quant-dense.js';
import { Sequential } from '../nn/sequential.js';
import { compile } from './compile.js';
import { DeployError } from './deploy-error.js';
import { PackedEngine } from './engine.js';
import { encodeModel } from './model-file.js';

const refuses = async (model: Module, re: RegExp, why: string, scale: 'symmetric' | 'unit' = 'symmetric') =>
  assert.rejects(compile(model, { scale }), (e: unknown) => e instanceof DeployError && re.test(e.message), why);

test('cifar10-cnv compiles to 6 conv and 3 dense layers, at most 1.1 bits per weight (float32: 32), and runs', async () => {
  const graph = await compile(cifar10Cnv(), { scale: 'symmetric' });
  assert.deepEqual(graph.layers.map((l) => l.kind), ['conv', 'conv', 'conv', 'conv', 'conv', 'conv', 'threshold', 'threshold', 'scores']);
  assert.deepEqual(graph.layers.slice(0, 6).map((l) => (l.kind === 'conv' ? [l.conv.outH, l.pool?.outH ?? null, l.filters] : [])),
    [[30, null, 64], [28, 14, 64], [12, null, 128], [10, 5, 128], [3, null, 256], [1, null, 256]]);
  const bytes = encodeModel(graph).length, weights = 1_542_848; // CNV's binary weights (conv-nets.ts: 1.54 M)
  // 1 bit per weight, plus word tails, an int32 threshold per unit and the JSON
  assert.ok(bytes > weights / 8 && bytes < weights / 8 * 1.1, `${bytes} bytes for ${weights} ±1 weights`);
  const engine = new PackedEngine(graph);
  assert.equal((await engine.predict(new Uint8Array(2 * 3072).map((_, i) => i % 251), 2)).length, 2);
  assert.throws(() => new PackedEngine(graph, { firstLayer: 'bitPlanes' }), (e: unknown) => e instanceof DeployError && /starts with a conv/.test(e.message));
});

test("the paper's same-padded BinaryNets compile on 'symmetric' pixels (first conv on pixel pairs) and run", async () => {
  for (const [model, widths] of [[cifar10BinaryNet(), [128, 128, 256, 256, 512, 512]], [svhnBinaryNet(), [64, 64, 128, 128, 256, 256]]] as const) {
    const graph = await compile(model, { scale: 'symmetric' });
    assert.deepEqual(graph.layers.map((l) => (l.kind === 'conv' ? [l.conv.padTop, l.pool?.outH ?? l.conv.outH, l.filters] : l.kind)),
      [[1, 32, widths[0]], [1, 16, widths[1]], [1, 16, widths[2]], [1, 8, widths[3]], [1, 8, widths[4]], [1, 4, widths[5]], 'threshold', 'threshold', 'scores']);
    if (widths[0] === 64) assert.equal((await new PackedEngine(graph).predict(new Uint8Array(3072).map((_, i) => i % 253), 1)).length, 1);
  }
});

test('conv nets the engine cannot run are refused, saying why', async () => {
  await refuses(cifar10Cnv({ bitsA: 2 }), /conv layer 1 .*2-bit activations; the packed engine runs ±1 conv activations only/, 'k-bit activations');
  await refuses(cifar10Cnv({ bitsW: 2 }), /conv layer 0 .*2-bit conv weights .* not supported by the packed engine yet/, 'k-bit weights');
  await refuses(cifar10Cnv({ float: true }), /float conv weights .* cannot be packed/, 'float conv');
  const conv = () => new QuantConv2d(3, 4, 3, { inputQuantizer: 'identity', seed: 1 });
  await refuses(new Sequential([conv(), new BatchNorm(4), new Flatten(), new QuantDense(4, 2)]), /must start with Unflatten/, 'no image size');
  await refuses(new Sequential([new Unflatten([6, 6, 3]), conv(), new BatchNorm(4), new HardTanh(), new MaxPool2d(2), new Flatten(), new QuantDense(16, 2)]),
    /pools after them/, 'pool after BN');
  await refuses(new Sequential([new Unflatten([6, 6, 3]), conv(), new BatchNorm(4), new QuantDense(64, 2)]), /only Unflatten/, 'no Flatten');
  await refuses(new Sequential([new Unflatten([6, 6, 3]), conv(), new BatchNorm(4), new Flatten(), new QuantDense(65, 2, { inputQuantizer: 'steSign' })]),
    /dense layer 0 takes 65 inputs, but Flatten gives \[4,4,4\] = 64/, 'Flatten size');
});
