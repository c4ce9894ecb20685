import assert from 'node:assert/strict';
import { test } from 'node:test';
import ort from 'onnxruntime-node';
import { toFloat } from '../../data/batches.js';
import { subset } from '../../data/dataset.js';
import { loadMnist } from '../../data/mnist.js';
import { mnistMlp } from '../../models/mnist-mlp.js';
import { BatchNorm } from '../../nn/batch-norm.js';
import { Random } from '../../tensor/random.js';
import { compile } from '../compile.js';
import { PackedEngine } from '../engine.js';
import { exportOnnx } from './export-onnx.js';
import { ModelProto } from './onnx-schema.js';

// A random net with BN statistics of a trained one's scale (and some γ < 0): onnxruntime running
// the float32 export must pick the classes lowbit's packed engine picks on real MNIST images.
test('ONNX export: onnxruntime agrees with the packed engine on 2000 MNIST test images', async () => {
  const model = mnistMlp({ width: 128, depth: 2, seed: 8 }), rng = new Random(8);
  for (const m of model.layers) if (m instanceof BatchNorm) {
    const [gamma, beta, mean, invStd] = [m.gamma, m.beta, m.runningMean, m.runningInvStd].map((t) => Float32Array.from(t.dataSync())) as Float32Array[];
    for (let j = 0; j < m.features; j++) {
      gamma![j] = j % 5 === 0 ? -0.5 : 1 + rng.uniform(); beta![j] = rng.normal() * 0.3;
      mean![j] = rng.normal() * 10; invStd![j] = 0.02 + 0.1 * rng.uniform();
    }
    m.gamma.write(gamma!); m.beta.write(beta!); m.runningMean.write(mean!); m.runningInvStd.write(invStd!);
  }
  const ds = subset((await loadMnist()).test, 0, 2000);
  const bytes = await exportOnnx(model, { scale: 'symmetric' });
  const session = await ort.InferenceSession.create(bytes);
  const x = toFloat(ds, 'symmetric');
  const scores = (await session.run({ x: new ort.Tensor('float32', x.dataSync(), [ds.count, 784]) })).scores!.data as Float32Array;
  const packed = await new PackedEngine(await compile(model, { scale: 'symmetric' })).predict(ds.images, ds.count);
  let differ = 0;
  for (let i = 0; i < ds.count; i++) {
    let best = 0;
    for (let c = 1; c < 10; c++) if (scores[i * 10 + c]! > scores[i * 10 + best]!) best = c;
    if (best !== packed[i]) differ++;
  }
  assert.equal(differ, 0, `${differ} of ${ds.count} predictions differ (seed 8)`);
});

test('ONNX export: ±1 weights, sign as Less + Where (sign(0) = +1), no ONNX Sign op', async () => {
  const model = mnistMlp({ width: 16, depth: 1, seed: 2 });
  const decoded = ModelProto.toObject(ModelProto.decode(await exportOnnx(model, { scale: 'unit' })), { longs: Number }) as any;
  const ops = decoded.graph.node.map((n: { opType: string }) => n.opType);
  assert.deepEqual(ops, ['MatMul', 'Mul', 'Add', 'Less', 'Where', 'MatMul', 'Mul', 'Add']);
  const w0 = decoded.graph.initializer.find((t: { name: string }) => t.name === 'w0');
  assert.deepEqual(w0.dims, [784, 16]);
  const raw: Uint8Array = w0.rawData, values = new Float32Array(Uint8Array.from(raw).buffer);
  assert.ok(values.every((v) => v === 1 || v === -1));
  assert.equal(decoded.metadataProps[0].value, 'unit');
});
