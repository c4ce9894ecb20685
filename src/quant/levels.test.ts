import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { isBinary, levelStep } from './levels.js';
import { quantizer } from './registry.js';

const ctx = { training: false, rng: new Random(1) };

test('each quantizer states the levels its eval-mode outputs take (code u → lo + step·u), and binary/signClip agree', () => {
  const x = new Tensor(Float32Array.from({ length: 2001 }, (_, i) => -3.5 + (7 * i) / 2000), [2001]);
  const specs = [
    { name: 'steSign' }, { name: 'steStochasticSign', clip: 2 }, { name: 'identity' }, { name: 'steLog', bits: 3 },
    ...[1, 2, 3, 8].flatMap((bits) => [[-1, 1], [0, 1], [-0.25, 2], [-3, 3]].map(([lo, hi]) => ({ name: 'steLinear', bits, lo, hi }))),
  ];
  for (const spec of specs) {
    const q = quantizer(spec), what = JSON.stringify(spec), l = q.levels;
    assert.equal(q.binary, isBinary(l), `${what}: binary`);
    if (!l) { assert.ok(q.name === 'identity' || q.name === 'steLog', `${what}: only float and log outputs have no code`); continue; }
    assert.equal(l.bits, q.bits, `${what}: bits`);
    const values = Array.from({ length: 2 ** l.bits }, (_, u) => Math.fround(l.lo + levelStep(l) * u));
    const seen = new Set(q.apply(x, ctx).dataSync());
    for (const v of seen) assert.ok(values.includes(v), `${what}: output ${v} is not one of its levels ${values}`);
    assert.equal(seen.size, values.length, `${what}: every level is reached`);
    assert.equal(q.signClip !== null, q.name === 'steSign', `${what}: only the deterministic sign is fused`);
  }
});
