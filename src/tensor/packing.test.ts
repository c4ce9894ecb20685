import assert from 'node:assert/strict';
import test from 'node:test';
import { randn, tensor } from './creation.js';
import { packSigns, unpackSigns } from './packing.js';

test('packSigns: QNN-SPEC §11 example packs LSB first, bit 1 = -1', () => {
  // a = [+1,-1,-1,+1] → bits 0110₂ under our convention (bit 1 = -1) = 6
  assert.deepEqual([...packSigns(tensor([[1, -1, -1, 1]])).dataSync()], [6]);
  assert.deepEqual([...packSigns(tensor([[0, -0, -1e-30]])).dataSync()], [4]); // sign(0) = sign(-0) = +1
});

test('packSigns/unpackSigns round trip on awkward widths', async () => {
  for (const k of [1, 31, 32, 33, 100]) {
    const x = randn([3, k], { seed: k });
    const b = packSigns(x);
    assert.equal(b.dtype, 'bits');
    assert.equal(b.dataSync().length, 3 * Math.ceil(k / 32));
    assert.deepEqual([...(await unpackSigns(b)).dataSync()], [...x.dataSync()].map((v) => (v >= 0 ? 1 : -1)), `k=${k}`);
  }
});
