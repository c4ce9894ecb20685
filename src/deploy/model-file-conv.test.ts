import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32 } from '../codec/crc32.js';
import { BatchNorm } from '../nn/batch-norm.js';
import { Flatten, Unflatten } from '../nn/flatten.js';
import { HardTanh } from '../nn/hard-tanh.js';
import { MaxPool2d } from '../nn/max-pool2d.js';
import { QuantConv2d } from '../nn/quant-conv2d.js';
import { QuantDense } from '../nn/quant-dense.js';
import { Sequential } from '../nn/sequential.js';
import { compile } from './compile.js';
import { PackedEngine } from './engine.js';
import { decodeModel, encodeModel, FORMAT_VERSION } from './model-file.js';
import { ModelFileError } from './model-file-error.js';

// The .lbit file with conv layers (version 3), and version 2 files as the writer before it made them.

const bin = { inputQuantizer: 'steSign', kernelQuantizer: 'steSign' } as const;
const convNet = new Sequential([
  new Unflatten([6, 7, 3]), new QuantConv2d(3, 5, 3, { inputQuantizer: 'identity', seed: 1 }), new MaxPool2d(2), new BatchNorm(5), new HardTanh(),
  new QuantConv2d(5, 33, 2, { ...bin, padding: 'same', seed: 2 }), new BatchNorm(33), new HardTanh(),
  new Flatten(), new QuantDense(2 * 2 * 33, 4, { ...bin, seed: 3 }), new BatchNorm(4),
]).eval();
const graph = await compile(convNet, { scale: 'symmetric' });
const good = encodeModel(graph);
const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
const jsonBytes = view(good).getUint32(12, true), payloadStart = 24 + Math.ceil(jsonBytes / 8) * 8;
const meta = JSON.parse(new TextDecoder().decode(good.subarray(24, 24 + jsonBytes)));
const rejects = (bytes: Uint8Array, re: RegExp, why: string) =>
  assert.throws(() => decodeModel(bytes, 'c.lbit'), (e: unknown) => e instanceof ModelFileError && re.test(e.message) && e.message.startsWith('c.lbit'), why);

/** The file with its JSON edited, header and checksum valid (model-file.test.ts forge). */
function forge(edit: (m: any) => void): Uint8Array {
  const m = structuredClone(meta); edit(m);
  const json = new TextEncoder().encode(JSON.stringify(m)), start = 24 + Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(start + good.length - payloadStart);
  out.set(good.subarray(0, 24)); out.set(json, 24); out.set(good.subarray(payloadStart), start);
  view(out).setUint32(12, json.length, true);
  view(out).setUint32(20, crc32(out.subarray(24)), true);
  return out;
}

test('a conv graph round-trips as version 3 and runs the same', async () => {
  assert.equal(view(good).getUint32(8, true), FORMAT_VERSION);
  assert.equal(FORMAT_VERSION, 3);
  assert.deepEqual(decodeModel(good), graph);
  const pixels = new Uint8Array(6 * 7 * 3 * 5).map((_, i) => (i * 37) % 256);
  assert.deepEqual(await new PackedEngine(decodeModel(good)).run(pixels), await new PackedEngine(graph).run(pixels));
});

/** Written by the writer before conv layers (format version 2), from this model: */
const oldModel = () => new Sequential([
  new QuantDense(20, 7, { inputQuantizer: 'identity', kernelQuantizer: 'steSign', seed: 4 }), new BatchNorm(7), new HardTanh(),
  new QuantDense(7, 3, { inputQuantizer: 'steSign', kernelQuantizer: 'steSign', seed: 5 }), new BatchNorm(3)]).eval();
const OLD_FILE = 'TEJJVA0KGgoCAAAARgIAAJgAAABxianFeyJmb3JtYXQiOiJsb3diaXQtcGFja2VkIiwic2NhbGUiOiJzeW1tZXRyaWMiLCJpbnB1dHMiOjIwLCJjbGFzc2VzIjozLCJsYXllcnMiOlt7ImtpbmQiOiJ0aHJlc2hvbGQiLCJpbnB1dCI6InBpeGVsczgiLCJpbkZlYXR1cmVzIjoyMCwib3V0RmVhdHVyZXMiOjcsImlucHV0TGV2ZWxzIjp7ImJpdHMiOjgsImxvIjotMSwiaGkiOjF9LCJ3ZWlnaHRMZXZlbHMiOnsiYml0cyI6MSwibG8iOjEsImhpIjotMX0sInNlY3Rpb25zIjp7IndlaWdodHMiOnsib2Zmc2V0IjowLCJieXRlcyI6Mjh9LCJ0aHJlc2hvbGRzIjp7Im9mZnNldCI6MzIsImJ5dGVzIjoyOH0sImRpcmVjdGlvbnMiOnsib2Zmc2V0Ijo2NCwiYnl0ZXMiOjd9fX0seyJraW5kIjoic2NvcmVzIiwiaW5wdXQiOiJiaXRzIiwiaW5GZWF0dXJlcyI6Nywib3V0RmVhdHVyZXMiOjMsImlucHV0TGV2ZWxzIjp7ImJpdHMiOjEsImxvIjoxLCJoaSI6LTF9LCJ3ZWlnaHRMZXZlbHMiOnsiYml0cyI6MSwibG8iOjEsImhpIjotMX0sInNlY3Rpb25zIjp7IndlaWdodHMiOnsib2Zmc2V0Ijo3MiwiYnl0ZXMiOjEyfSwiYWZmaW5lIjp7Im9mZnNldCI6ODgsImJ5dGVzIjo2MH19fV19AABThwYAy5EKAHtwAQDwwQEAEQABAE0rAgAhQQsAAAAAAAEAAAABAAAAAQAAAAEAAAABAAAAAQAAAAEAAAAAAAAAAAAAAAAAAAAYAAAAPQAAAGoAAAAAAAAAAAAAAAAAAAAAAAAAAACAPwAAgD8AAIA/AAAAAAAAAAAAAAAAAACAPwAAgD8AAIA/AAAAAAAAAAAAAAAAAAAAAA==';

test('a version 2 file of the writer before conv layers loads as the same graph, and MLPs are still written as it wrote them', async () => {
  const old = Uint8Array.from(Buffer.from(OLD_FILE, 'base64'));
  assert.equal(view(old).getUint32(8, true), 2);
  const now = await compile(oldModel(), { scale: 'symmetric' });
  assert.deepEqual(decodeModel(old), now);
  assert.deepEqual(encodeModel(now), old, 'an MLP is written byte for byte as before');
  const pixels = new Uint8Array(20 * 4).map((_, i) => (i * 53) % 256);
  assert.deepEqual(await new PackedEngine(decodeModel(old)).run(pixels), await new PackedEngine(now).run(pixels));
});

test('a damaged header version is caught either way (the JSON repeats it under the checksum)', () => {
  const v2 = good.slice(); view(v2).setUint32(8, 2, true);
  rejects(v2, /header says format version 2, the graph 3/, 'conv file claiming version 2');
  const old = Uint8Array.from(Buffer.from(OLD_FILE, 'base64'));
  view(old).setUint32(8, 3, true);
  rejects(old, /header says format version 3, the graph 2/, 'version 2 file claiming version 3');
  for (let at = 0; at < payloadStart; at++) {
    const bad = good.slice(); bad[at]! ^= 1 << (at % 8);
    assert.throws(() => decodeModel(bad), ModelFileError, `flipped bit ${at % 8} of byte ${at}`);
  }
});

test('damaged conv sections with a valid checksum: sizes checked before allocating, clear errors', () => {
  const cases: [(m: any) => void, RegExp][] = [
    [(m) => { m.layers[0].conv.kh = 2 ** 23; }, /conv\.kh must be an integer in 0\.\.4194304/],
    [(m) => { m.layers[0].conv.kh = 3000; m.layers[0].conv.kw = 3000; }, /window exceeds/],
    [(m) => { m.layers[1].filters = 1e6; }, /holds \d+ bytes, its shape needs/],
    [(m) => { m.layers[0].conv.channels = 1.5; }, /conv\.channels must be an integer/],
    [(m) => { delete m.layers[0].pool; }, /pool must be an object/],
    [(m) => { m.layers[0].pool.outH = 3; }, /pool 2×2 by 2 over 4×5 gives 2×2 windows, not 3×2/],
    [(m) => { m.layers[0].conv.padTop = 3; }, /padding 3,0 must be smaller than the 3×3 window/],
    [(m) => { m.layers[0].conv.outH = 9; }, /run past the 6×7 image/],
    [(m) => { m.layers[1].conv.channels = 4; }, /inFeatures must be height·width·channels = 2·2·4/],
    [(m) => { m.layers[2].kind = 'conv'; }, /layer 2\.conv must be an object/],
    [(m) => { m.layers[1].inputLevels = { bits: 2, lo: -1, hi: 1 }; }, /layer 0\.thresholds: holds 20 bytes, its shape needs 60/],
    [(m) => { m.version = 4; }, /header says format version 3, the graph 4/],
  ];
  for (const [edit, re] of cases) rejects(forge(edit), re, edit.toString());
});
