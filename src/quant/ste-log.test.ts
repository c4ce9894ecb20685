import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LowbitError } from '../errors/lowbit-error.js';
import { Random } from '../tensor/random.js';
import { Tensor } from '../tensor/tensor.js';
import { quantizer } from './registry.js';
import { steLog } from './ste-log.js';

const ctx = { training: true, rng: new Random(1) };

test('steLog: k bits give 2·(2^(k-1) - 1) + 1 values (signed magnitudes and 0), k = 2..8', () => {
  // magnitudes from 2^-130 to 2^3: wider than every code range (8 bits reach 2^-126), so all codes appear
  const x = new Float32Array(2 * 134 * 4 + 1);
  let i = 0;
  for (let e = -130; e < 4; e += 1 / 4) { x[i++] = 2 ** e; x[i++] = -(2 ** e); }
  for (let bits = 2; bits <= 8; bits++) {
    const q = steLog({ bits });
    assert.equal(q.bits, bits);
    const values = new Set(q.apply(new Tensor(x, [x.length]), ctx).dataSync());
    assert.equal(values.size, 2 * (2 ** (bits - 1) - 1) + 1, `bits ${bits}`);
    assert.equal(Math.max(...values), 1, `bits ${bits}: saturates at 2^eMax = 1`);
  }
});

test('steLog: 2 bits is ternary {-2^eMax, 0, 2^eMax}; eMax moves the range', () => {
  const y = steLog({ bits: 2, eMax: 1 }).apply(new Tensor(Float32Array.from([3, 1.5, 1.4, -100, 0]), [5]), ctx);
  assert.deepEqual([...y.dataSync()], [2, 2, 0, -2, 0]);
});

test('steLog: round-trips through its config by name, and rejects 1 bit', () => {
  const q = quantizer({ name: 'steLog', bits: 6, eMax: -2, cancelOutside: true });
  assert.deepEqual(q.config(), { name: 'steLog', bits: 6, eMax: -2, cancelOutside: true });
  assert.equal(q.bits, 6);
  assert.throws(() => steLog({ bits: 1 }), /2\.\.8/);
});

test('steLog: every magnitude must be a float32 value within 2^-149..2^24, so outputs stay finite and nonzero', () => {
  const refuses = (bits: number, eMax: number) =>
    assert.throws(() => steLog({ bits, eMax }), (e: unknown) => e instanceof LowbitError && /^steLog: .* must lie in 2\^-149\.\.2\^24/.test(e.message), `bits ${bits} eMax ${eMax}`);
  refuses(4, 1000); // 2^1000 is Infinity in float32
  refuses(4, 25);
  refuses(8, -24); // its smallest magnitude, 2^-150, is 0 in float32
  refuses(2, -150);
  for (const [bits, eMax] of [[4, 24], [8, -23], [2, -149]] as const) {
    const q = steLog({ bits, eMax }), top = 2 ** eMax;
    const y = q.apply(new Tensor(Float32Array.from([1e30, -1e30, top, Math.fround(2 ** (eMax - 2 ** (bits - 1) + 2))]), [4]), ctx).dataSync();
    assert.deepEqual([...y].slice(0, 3), [top, -top, top], `bits ${bits} eMax ${eMax}: saturates at 2^eMax`);
    assert.ok(y[3]! > 0, `bits ${bits} eMax ${eMax}: the smallest magnitude is not flushed to 0`);
  }
});
