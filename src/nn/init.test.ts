import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Dense } from './dense.js';
import { QuantDense } from './quant-dense.js';

// QNN-SPEC §2.3: binary weights get LR scale 1/sqrt(1.5/(fanIn + fanOut)).
for (const [fanIn, fanOut, scale] of [[784, 2048, 43.45], [2048, 2048, 52.26], [2048, 10, 37.04]] as const) {
  test(`Glorot LR scale ${fanIn}→${fanOut} is ${scale} (QNN-SPEC §2.3)`, () => {
    const layer = new QuantDense(fanIn, fanOut);
    assert.equal(layer.weight.lrScale.toFixed(2), scale.toFixed(2));
  });
}

test('QuantDense: latent weights start in U(-1, 1) and are clipped to 1; a float Dense is neither scaled nor clipped', () => {
  const q = new QuantDense(64, 32, { seed: 3 });
  assert.equal(q.weight.clip, 1);
  assert.ok(q.weight.dataSync().every((w) => w >= -1 && w < 1));
  assert.ok(q.weight.dataSync().some((w) => Math.abs(w) > 0.9), 'U(-1, 1), not a Glorot-sized range');
  const d = new Dense(64, 32);
  assert.equal(d.weight.clip, 0);
  assert.equal(d.weight.lrScale, 1);
  assert.ok(d.weight.dataSync().every((w) => Math.abs(w) <= Math.sqrt(6 / 96)));
});
