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
