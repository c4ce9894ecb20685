import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mnistMlp } from '../models/mnist-mlp.js';
import { compile } from './compile.js';
import { crc32 } from '../codec/crc32.js';
import { PackedEngine } from './engine.js';
import { decodeModel, encodeModel } from './model-file.js';
import { ModelFileError } from './model-file-error.js';

const graph = await compile(mnistMlp({ width: 40, depth: 2, seed: 4 }), { scale: 'symmetric' });
const good = encodeModel(graph);
const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
const jsonBytes = view(good).getUint32(12, true);
const payloadStart = 24 + Math.ceil(jsonBytes / 8) * 8;
const meta = JSON.parse(new TextDecoder().decode(good.subarray(24, 24 + jsonBytes)));
const rejects = (bytes: Uint8Array | ArrayBuffer, re: RegExp, why: string) =>
  assert.throws(() => decodeModel(bytes, 'm.lbit'), (e: unknown) => e instanceof ModelFileError && re.test(e.message) && e.message.startsWith('m.lbit'), why);

/** A file whose JSON says what `edit` makes it say, with a valid header and checksum: only the
 *  loader's own checks stand between it and the engine. */
function forge(edit: (m: any) => void, text = (json: string) => json): Uint8Array {
  const m = structuredClone(meta); edit(m);
  const json = new TextEncoder().encode(text(JSON.stringify(m))), start = 24 + Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(start + good.length - payloadStart);
  out.set(good.subarray(0, 24)); out.set(json, 24); out.set(good.subarray(payloadStart), start);
  view(out).setUint32(12, json.length, true);
  view(out).setUint32(20, crc32(out.subarray(24)), true);
  return out;
}

test('crc32 check value', () => assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926));

test('round trip from a Uint8Array, a Buffer at an odd offset and an ArrayBuffer gives the same graph', async () => {
  assert.deepEqual(decodeModel(good), graph);
  const odd = Buffer.alloc(good.length + 3); odd.set(good, 3);
  assert.deepEqual(decodeModel(odd.subarray(3)), graph);
  assert.deepEqual(decodeModel(good.slice().buffer), graph);
  assert.equal(payloadStart % 8, 0);
  for (const l of meta.layers) for (const s of Object.values(l.sections) as { offset: number }[]) assert.equal(s.offset % 8, 0);
  const pixels = new Uint8Array(784 * 3).map((_, i) => (i * 37) % 256);
  assert.deepEqual(await new PackedEngine(decodeModel(good)).run(pixels), await new PackedEngine(graph).run(pixels));
});

test('truncation at every section boundary and through the header is a clear error', () => {
  const cuts = new Set<number>([0, 7, 8, 23, 24, 24 + jsonBytes, payloadStart, good.length - 1]);
  for (const l of meta.layers) for (const s of Object.values(l.sections) as { offset: number; bytes: number }[]) {
    for (const at of [s.offset, s.offset + 1, s.offset + s.bytes - 1, s.offset + s.bytes]) cuts.add(payloadStart + at);
  }
  for (const cut of cuts) if (cut < good.length) rejects(good.subarray(0, cut), /too short|truncated/, `cut at ${cut}`);
  rejects(new Uint8Array([...good, 0]), /trailing data/, 'one extra byte');
});

test('a flipped byte anywhere in the header, the JSON or the payload is caught', () => {
  const positions = [...Array(payloadStart).keys(), ...Array.from({ length: 200 }, (_, i) => payloadStart + ((i * 7919) % (good.length - payloadStart)))];
  for (const at of positions) {
    const bad = good.slice(); bad[at]! ^= 1 << (at % 8);
    assert.throws(() => decodeModel(bad), ModelFileError, `flipped bit ${at % 8} of byte ${at}`);
  }
  const v4 = good.slice(); view(v4).setUint32(8, 4, true);
  rejects(v4, /version 4 is not supported/, 'future version');
  const huge = good.slice(); view(huge).setUint32(12, 0xffffffff, true);
  rejects(huge, /4294967295 bytes of graph JSON/, 'absurd JSON length');
  rejects(new TextEncoder().encode('{"format":"lowbit-packed"}'.padEnd(40)), /bad magic/, 'not a model');
});

test('hostile JSON with a valid checksum: absurd counts, offsets and shapes are refused before allocation', () => {
  const cases: [(m: any) => void, RegExp][] = [
    [(m) => { m.layers[1].outFeatures = 2 ** 31; }, /outFeatures must be an integer in 0\.\./],
    [(m) => { m.layers[1].outFeatures = 1e6; }, /holds \d+ bytes, its shape needs/],
    [(m) => { m.layers[0].sections.weights.bytes = 2 ** 40; }, /bytes must be an integer in 0\.\./],
    [(m) => { m.layers[0].sections.weights.offset = 4; }, /not 8-byte aligned/],
    [(m) => { m.layers[1].sections.weights.offset = m.layers[0].sections.weights.offset; }, /overlaps/],
    [(m) => { m.layers[2].sections.affine.offset = 8 * Math.floor((good.length - payloadStart) / 8); }, /truncated/],
    [(m) => { m.layers = Array(1025).fill(m.layers[0]); }, /1\.\.1024 layers/],
    [(m) => { m.layers[0].kind = 'conv'; }, /a conv layer in a version 2 file/],
    [(m) => { m.layers[0].kind = 'pool'; }, /kind must be/],
    [(m) => { m.layers[1].input = 'pixels8'; }, /input must be 'bits'/],
    [(m) => { m.scale = 'zscore'; }, /scale must be/],
    [(m) => { m.classes = 11; }, /classes is 11/],
    [(m) => { m.layers[0].inFeatures = 783.5; }, /inFeatures must be an integer/],
    [(m) => { delete m.layers[1].sections.thresholds; }, /sections\.thresholds must be an object/],
    [(m) => { m.layers = {}; }, /layers must be an array/],
  ];
  for (const [edit, re] of cases) rejects(forge(edit), re, edit.toString());
  rejects(forge((m) => { m.format = 'x'; }).map((b, i, a) => (i >= 24 && i < 30 ? 0xff : b)), /checksum|JSON/, 'invalid utf-8');
});

test('JSON nested thousands deep (valid checksum) is a ModelFileError, not a RangeError', () => {
  // spliced in as text: JSON.stringify itself overflows the stack on such a value
  const deep = '['.repeat(12000) + ']'.repeat(12000);
  const deepAt = (edit: (m: any) => void): Uint8Array => forge(edit, (json) => json.replace('"DEEP"', deep));
  rejects(deepAt((m) => { m.layers[1].inFeatures = 'DEEP'; }), /nests deeper than 64 levels/, 'a deep number field');
  rejects(deepAt((m) => { m.scale = 'DEEP'; }), /nests deeper/, 'a deep scale');
  rejects(forge((m) => { m.layers[0].kind = { a: 'x'.repeat(1e5) }; }), /kind must be .*got an object \{a\}/, 'a huge value is described, not printed');
});
