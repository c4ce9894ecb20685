import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { crc32 } from '../codec/crc32.js';
import { CheckpointError } from './checkpoint-error.js';
import { decodeCheckpoint, encodeCheckpoint, loadCheckpoint, saveCheckpoint, type Checkpoint } from './checkpoint.js';

const FILE = 'runs/x/last.ckpt';
const dir = await mkdtemp(join(tmpdir(), 'lowbit-ckpt-'));
after(() => rm(dir, { recursive: true, force: true }));

function sample(): Checkpoint {
  return {
    meta: { experiment: 'mnist-mlp', epoch: 3, history: [{ loss: 0.25 }], unicode: 'γβ ±1' },
    tensors: new Map([
      ['0.weight', Float32Array.from([1, -1, 0.5, -0, 3.4e38, 1e-45])],
      ['empty', new Float32Array(0)],
      ['1.runningMean', Float32Array.from([0.1, 0.2, 0.3])],
    ]),
  };
}

/** A version 1 file (16-byte header, no checksum) laid out as the format says, from any JSON text
 *  and payload: what an old run left, or a corrupted or hostile file may hold. */
function raw(json: string, payload: number[] = [], opts: { version?: number; jsonBytes?: number } = {}): Uint8Array {
  const text = new TextEncoder().encode(json);
  const start = 16 + Math.ceil(text.length / 4) * 4;
  const bytes = new Uint8Array(start + payload.length * 4);
  bytes.set([0x4c, 0x42, 0x43, 0x4b, 0x50, 0x54, 0x00, 0x01]);
  const view = new DataView(bytes.buffer);
  view.setUint32(8, opts.version ?? 1, true);
  view.setUint32(12, opts.jsonBytes ?? text.length, true);
  bytes.set(text, 16);
  payload.forEach((v, i) => view.setFloat32(start + 4 * i, v, true));
  return bytes;
}

/** A version 2 file with a valid checksum from any JSON text and payload: only the loader's own
 *  checks stand between it and the caller. */
function forge(json: string, payload: number[] = []): Uint8Array {
  const text = new TextEncoder().encode(json);
  const start = 24 + Math.ceil(text.length / 4) * 4;
  const bytes = new Uint8Array(start + payload.length * 4);
  bytes.set([0x4c, 0x42, 0x43, 0x4b, 0x50, 0x54, 0x00, 0x01]);
  const view = new DataView(bytes.buffer);
  view.setUint32(8, 2, true);
  view.setUint32(12, text.length, true);
  view.setUint32(16, payload.length * 4, true);
  bytes.set(text, 24);
  payload.forEach((v, i) => view.setFloat32(start + 4 * i, v, true));
  view.setUint32(20, crc32(bytes.subarray(24)), true);
  return bytes;
}

/** Decoding must throw a CheckpointError that names the file and says `what`. */
function rejects(bytes: Uint8Array, what: RegExp, why: string): void {
  assert.throws(() => decodeCheckpoint(bytes, FILE), (e: Error) => {
    assert.ok(e instanceof CheckpointError, `${why}: ${e.name}: ${e.message}`);
    assert.ok(e.message.includes(FILE), `${why}: message does not name the file: ${e.message}`);
    assert.match(e.message, what, why);
    return true;
  }, why);
}

test('checkpoint: encode → decode round trip keeps metadata and every float bit (-0, extremes, empty tensors)', () => {
  const ckpt = sample(), back = decodeCheckpoint(encodeCheckpoint(ckpt), FILE);
  assert.deepEqual(back.meta, ckpt.meta);
  assert.deepEqual([...back.tensors.keys()], [...ckpt.tensors.keys()]);
  for (const [name, t] of ckpt.tensors) {
    assert.deepEqual(new Uint32Array(Float32Array.from(back.tensors.get(name)!).buffer), new Uint32Array(Float32Array.from(t).buffer), name);
  }
});

test('checkpoint: decodes from a Buffer at an odd byte offset', () => {
  const bytes = encodeCheckpoint(sample()), shifted = new Uint8Array(bytes.length + 3);
  shifted.set(bytes, 3);
  assert.deepEqual(decodeCheckpoint(shifted.subarray(3), FILE).tensors.get('1.runningMean'), sample().tensors.get('1.runningMean'));
});

test('checkpoint: wrong magic, empty file, unsupported version', () => {
  const good = encodeCheckpoint(sample());
  const bad = good.slice(); bad[0] = 0x4d;
  rejects(bad, /not a lowbit checkpoint/, 'wrong magic');
  rejects(new TextEncoder().encode('{"tensors": []}'), /not a lowbit checkpoint/, 'a JSON file');
  rejects(new Uint8Array(0), /not a lowbit checkpoint/, 'empty file');
  rejects(raw('{"tensors":[]}', [], { version: 3 }), /version 3 is not supported/, 'version 3');
  rejects(raw('{"tensors":[]}', [], { version: 0 }), /version 0 is not supported/, 'version 0');
});

test('checkpoint: truncated anywhere (header, metadata, padding, payload) is a CheckpointError', () => {
  const good = encodeCheckpoint(sample());
  const jsonBytes = new DataView(good.buffer).getUint32(12, true);
  const cuts = [1, 8, 12, 15, 16, 17, 23, 24, 24 + (jsonBytes >> 1), 24 + jsonBytes - 1, 24 + jsonBytes, good.length - 13, good.length - 4, good.length - 1];
  for (const n of cuts) rejects(good.subarray(0, n), /bad magic|truncated|not valid JSON/, `truncated to ${n} of ${good.length} bytes`);
});

test('checkpoint: corrupted metadata (bad JSON, bad UTF-8, no tensor index)', () => {
  const broken = raw(JSON.stringify({ tensors: [] })); broken[16] = 0x78; // '{' → 'x'
  rejects(broken, /not valid JSON/, 'first JSON byte overwritten');
  rejects(raw('{"tensors": [}'), /not valid JSON/, 'syntax error');
  const badUtf8 = raw('{"a":"xx","tensors":[]}'); badUtf8[23] = 0xff;
  rejects(badUtf8, /not valid JSON/, 'invalid UTF-8');
  rejects(raw('null'), /no tensor index/, 'null metadata');
  rejects(raw('[1, 2]'), /no tensor index/, 'array metadata');
  rejects(raw('{"tensors": {}}'), /no tensor index/, 'tensors not an array');
});

test('checkpoint: tensor entries past the end, negative or fractional offsets, bad fields, duplicates', () => {
  const entry = (e: unknown[]) => forge(JSON.stringify({ tensors: e }), [1, 2, 3, 4]);
  rejects(entry([{ name: 'w', offset: 2, length: 3 }]), /truncated: tensor 'w'/, 'past the end');
  rejects(entry([{ name: 'w', offset: 4, length: 0 }, { name: 'v', offset: 5, length: 0 }]), /truncated: tensor 'v'/, 'empty tensor beyond the end');
  rejects(entry([{ name: 'w', offset: 0, length: 2 ** 40 }]), /truncated: tensor 'w'/, 'huge length');
  rejects(entry([{ name: 'w', offset: -1, length: 2 }]), /bad tensor entry/, 'negative offset');
  rejects(entry([{ name: 'w', offset: 0, length: -2 }]), /bad tensor entry/, 'negative length');
  rejects(entry([{ name: 'w', offset: 0.5, length: 2 }]), /bad tensor entry/, 'fractional offset');
  rejects(entry([{ name: 'w', offset: '0', length: 2 }]), /bad tensor entry/, 'offset as a string');
  rejects(entry([{ name: 7, offset: 0, length: 2 }]), /bad tensor entry/, 'name not a string');
  rejects(entry([null]), /bad tensor entry/, 'null entry');
  rejects(entry([{ name: 'w', offset: 0, length: 2 }, { name: 'w', offset: 2, length: 2 }]), /'w' appears twice/, 'duplicate names');
});

test('checkpoint: a huge declared metadata length fails before allocating anything', () => {
  rejects(raw('{"tensors":[]}', [], { jsonBytes: 0xffffffff }), /truncated: header says 4294967295 bytes/, 'json length 2^32-1');
  rejects(raw('{"tensors":[]}', [], { jsonBytes: 0x7ffffff0 }), /truncated/, 'json length 2^31');
});

test('checkpoint: any damaged byte after the header (metadata, padding, weights) is a checksum error naming the file', () => {
  const good = encodeCheckpoint(sample());
  for (const at of [24, 30, good.length - 24, good.length - 9, good.length - 1]) {
    const bad = good.slice(); bad[at]! ^= 0x10;
    rejects(bad, /checksum mismatch.*corrupted/, `byte ${at} of ${good.length} flipped`);
  }
  const halfWeights = good.slice(); // half of the first tensor overwritten, as a bad disk or copy would
  halfWeights.fill(0x41, good.length - 36, good.length - 24); // the payload is the last 36 bytes; 0.weight comes first
  rejects(halfWeights, /checksum mismatch/, 'half a weight tensor overwritten');
  rejects(Uint8Array.from([...good, 0, 0, 0, 0]), /trailing data/, 'four bytes appended');
});

test('checkpoint: version 1 files (no checksum) still load, and the version tells the two apart', () => {
  const v1 = raw(JSON.stringify({ epoch: 2, tensors: [{ name: 'w', offset: 1, length: 2 }] }), [9, 1.5, -2]);
  const back = decodeCheckpoint(v1, FILE);
  assert.deepEqual(back.meta, { epoch: 2 });
  assert.deepEqual([...back.tensors.get('w')!], [1.5, -2]);
  assert.equal(new DataView(encodeCheckpoint(sample()).buffer).getUint32(8, true), 2, 'new files are version 2');
});

test('checkpoint: metadata nested thousands deep (valid checksum) is a CheckpointError, not a RangeError', () => {
  const deep = '['.repeat(12000) + ']'.repeat(12000); // JSON.stringify overflows the stack on it
  rejects(forge(`{"tensors":[${deep}]}`), /nests deeper than 64 levels/, 'a deep tensor entry');
  rejects(forge(`{"model":{"layers":${deep}},"tensors":[]}`), /nests deeper/, 'a deep model config');
  const inStrings = decodeCheckpoint(forge(JSON.stringify({ s: '[{'.repeat(100) + '\\', q: '"[[', tensors: [] })), FILE);
  assert.deepEqual(inStrings.meta, { s: '[{'.repeat(100) + '\\', q: '"[[' }, 'brackets inside strings (after escaped backslashes and quotes) are not nesting');
  assert.throws(() => decodeCheckpoint(forge(`{"tensors":[{"name":"w","offset":0,"length":1,"x":${deep}}]}`), FILE), CheckpointError);
});

test('saveCheckpoint is atomic: no *.tmp is left behind, the file decodes, and overwriting works', async () => {
  const path = join(dir, 'last.ckpt');
  await saveCheckpoint(path, sample());
  const second = sample();
  second.meta.epoch = 4;
  await saveCheckpoint(path, second);
  assert.deepEqual((await readdir(dir)).filter((f) => f.endsWith('.tmp')), []);
  const back = await loadCheckpoint(path);
  assert.equal(back.meta.epoch, 4);
  assert.deepEqual(back.tensors.get('0.weight'), second.tensors.get('0.weight'));
});

test('loadCheckpoint: a missing file or a garbage file is a CheckpointError naming the path', async () => {
  const missing = join(dir, 'nope.ckpt');
  await assert.rejects(loadCheckpoint(missing), (e: Error) => e instanceof CheckpointError && e.message.includes(missing) && /ENOENT/.test(e.message));
  const garbage = join(dir, 'garbage.ckpt');
  await writeFile(garbage, 'this is not a checkpoint at all');
  await assert.rejects(loadCheckpoint(garbage), (e: Error) => e instanceof CheckpointError && e.message.includes(garbage));
});
