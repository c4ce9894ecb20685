import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIdx } from './idx.js';
import { DataError } from './data-error.js';

/** An IDX file: big-endian header `00 00 type rank`, the dims, then the payload. */
function idx(dims: number[], payload: number[] | Uint8Array = new Uint8Array(dims.reduce((n, d) => n * d, 1)), type = 0x08): Uint8Array {
  const bytes = new Uint8Array(4 + 4 * dims.length + payload.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, (type << 8) | dims.length);
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  bytes.set(payload, 4 + 4 * dims.length);
  return bytes;
}

const rejects = (bytes: Uint8Array, pattern: RegExp) =>
  assert.throws(() => parseIdx(bytes, 'some/file-idx'), (e: unknown) =>
    e instanceof DataError && e.message.includes('some/file-idx') && pattern.test(e.message));

test('parseIdx: reads dims and data of labels and images', () => {
  assert.deepEqual(parseIdx(idx([3], [7, 0, 9]), 'l'), { dims: [3], data: new Uint8Array([7, 0, 9]) });
  const images = parseIdx(idx([2, 2, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255]), 'i');
  assert.deepEqual(images.dims, [2, 2, 3]);
  assert.deepEqual([...images.data], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255]);
});

test('parseIdx: data is a plain view, also of a Buffer with an offset', () => {
  const inner = idx([2], [4, 5]);
  const outer = Buffer.alloc(inner.length + 3);
  outer.set(inner, 3);
  const { data } = parseIdx(outer.subarray(3), 'b');
  assert.equal(Object.getPrototypeOf(data), Uint8Array.prototype);
  assert.deepEqual([...data], [4, 5]);
  assert.equal(data.buffer, outer.buffer);
});

test('parseIdx: wrong magic names the file', () => {
  const bytes = idx([3], [1, 2, 3]);
  bytes[0] = 0x12;
  rejects(bytes, /not an IDX file \(magic 0x12000801/);
  rejects(idx([1, 1, 1, 1, 1], [0]), /not an IDX file/); // 5 dims
  rejects(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0]), /gzip/);
});

test('parseIdx: wrong type byte names the file', () => {
  rejects(idx([2], [1, 2], 0x0d), /type 0x0d.*unsigned bytes/);
});

test('parseIdx: truncated header or data gives expected and actual size', () => {
  rejects(new Uint8Array([0, 0]), /too short.*2 bytes/);
  rejects(idx([2, 28, 28]).subarray(0, 10), /truncated.*needs 16 bytes, the file has 10/);
  const full = idx([2, 28, 28]);
  rejects(full.subarray(0, full.length - 1), new RegExp(`truncated.*need ${full.length} bytes, the file has ${full.length - 1}`));
});

test('parseIdx: trailing bytes are an error', () => {
  const bytes = new Uint8Array(idx([2], [1, 2]).length + 5);
  bytes.set(idx([2], [1, 2]));
  rejects(bytes, /5 bytes of trailing data/);
});

test('parseIdx: a zero or absurd dim is refused without allocating', () => {
  rejects(idx([0], []), /size 0 in dim 0/);
  // 4 × 0xffffffff dims claim ~3e38 bytes: must be a size error, not an allocation
  rejects(idx([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], []), /truncated/);
});
