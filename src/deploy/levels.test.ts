import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mnistMlp } from '../models/mnist-mlp.js';
import { compile } from './compile.js';
import { crc32 } from '../codec/crc32.js';
import { levelsProblem, pixelLevels, SIGN_LEVELS } from './levels.js';
import { decodeModel, encodeModel } from './model-file.js';
import { ModelFileError } from './model-file-error.js';

test('levelsProblem: the sign\'s code and steLinear\'s ranges pass; ranges that give NaN or merged float32 levels do not', () => {
  for (const l of [SIGN_LEVELS, pixelLevels('unit'), pixelLevels('symmetric'), { bits: 2, lo: -0.25, hi: 2 }, { bits: 8, lo: -(2 ** 24), hi: 2 ** 24 }]) {
    assert.equal(levelsProblem(l, 'x', false), null, JSON.stringify(l));
  }
  for (const [l, re] of [
    [{ bits: 2, lo: -1e308, hi: 1e308 }, /within ±2\^24/], [{ bits: 2, lo: 0, hi: 1e-12 }, /too fine/],
    [{ bits: 2, lo: 1, hi: -1 }, /lo < hi/], [{ bits: 1, lo: 2, hi: -2 }, /lo < hi/], [{ bits: 2, lo: null, hi: 1 }, /finite range/],
    [{ bits: 9, lo: 0, hi: 1 }, /1\.\.8/],
  ] as const) {
    assert.match(levelsProblem(l as never, 'layer 1: inputLevels', false) ?? 'accepted', re, JSON.stringify(l));
  }
});

test('a .lbit file whose level range overflows is refused by the loader, naming the layer (not run into NaN scores)', async () => {
  const good = encodeModel(await compile(mnistMlp({ width: 24, depth: 2, seed: 4, bitsA: 2 }), { scale: 'symmetric' }));
  const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
  const jsonBytes = view(good).getUint32(12, true), payloadStart = 24 + Math.ceil(jsonBytes / 8) * 8;
  const meta = JSON.parse(new TextDecoder().decode(good.subarray(24, 24 + jsonBytes)));
  meta.layers[1].inputLevels = { bits: 2, lo: -1e308, hi: 1e308 };
  // the same file with that JSON, a valid header and checksum: only the loader's checks stand in the way
  const json = new TextEncoder().encode(JSON.stringify(meta)), start = 24 + Math.ceil(json.length / 8) * 8;
  const forged = new Uint8Array(start + good.length - payloadStart);
  forged.set(good.subarray(0, 24)); forged.set(json, 24); forged.set(good.subarray(payloadStart), start);
  view(forged).setUint32(12, json.length, true);
  view(forged).setUint32(20, crc32(forged.subarray(24)), true);
  assert.throws(() => decodeModel(forged, 'm.lbit'),
    (e: unknown) => e instanceof ModelFileError && /^m\.lbit: .*layer 1.*inputLevels: lo and hi must lie within ±2\^24/.test(e.message));
});
