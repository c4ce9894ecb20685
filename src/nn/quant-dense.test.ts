import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromConfig } from './from-config.js';
import { QuantDense } from './quant-dense.js';

test("QuantDense lrScale 'glorotPow2': Glorot's scale rounded to a power of two (QNN-SPEC §2.3)", () => {
  // exact scales 43.45 (784→2048) and 52.26 (2048→2048) become 32 and 64
  assert.equal(new QuantDense(784, 2048, { lrScale: 'glorotPow2' }).weight.lrScale, 32);
  assert.equal(new QuantDense(2048, 2048, { lrScale: 'glorotPow2' }).weight.lrScale, 64);
  assert.ok(Math.abs(new QuantDense(784, 2048).weight.lrScale - 43.45) < 0.01);
  const rebuilt = fromConfig(new QuantDense(2048, 10, { lrScale: 'glorotPow2' }).config()) as QuantDense;
  assert.equal(rebuilt.weight.lrScale, 32); // 37.04 → 32
  assert.throws(() => new QuantDense(4, 4, { lrScale: 'pow2' as never }), /lrScale/);
});

test("QuantDense gradientQuantizer 'log6': binary layers get Q(g)ᵀ·x, other layers too; config round-trips", async () => {
  const { backward } = await import('../autograd/backward.js');
  const { gradQuantLog } = await import('../quant/grad-quant-log.js');
  const { Random } = await import('../tensor/random.js');
  const { Tensor } = await import('../tensor/tensor.js');
  const rng = new Random(21);
  for (const inputQuantizer of ['steSign', { name: 'steLinear', bits: 2 }] as const) {
    const layer = new QuantDense(37, 5, { inputQuantizer, gradientQuantizer: 'log6', seed: 3 });
    const copy = fromConfig(layer.config()) as QuantDense;
    assert.equal(copy.config().gradientQuantizer, 'log6');
    const x = new Tensor(Float32Array.from({ length: 4 * 37 }, () => rng.uniform() * 2 - 1), [4, 37]);
    const dy = Float32Array.from({ length: 4 * 5 }, () => rng.normal());
    backward(layer.forward(x), new Tensor(Float32Array.from(dy), [4, 5]));
    const g = gradQuantLog(dy).values, xq = layer.inputQuantizer.apply(x, { training: true, rng });
    for (let o = 0; o < 5; o++) for (let i = 0; i < 37; i++) {
      let want = 0;
      for (let r = 0; r < 4; r++) want += g[r * 5 + o]! * xq.dataSync()[r * 37 + i]!;
      assert.ok(Math.abs(layer.weight.grad!.dataSync()[o * 37 + i]! - want) < 1e-5, `dW[${o},${i}] with ${JSON.stringify(inputQuantizer)} (seed 21)`);
    }
  }
  assert.throws(() => new QuantDense(4, 4, { gradientQuantizer: 'log5' as never }), /log6/);
});
