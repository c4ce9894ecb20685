import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nodePlatform } from './platform-node.js';
import { createRuntime } from './wasm-runtime.js';

const rt = await createRuntime(nodePlatform);
const resident = rt.resident!;

test('resident arrays: zero-filled views of wasm memory, used by the glue without a copy', () => {
  const a = resident.alloc('f32', 1000)!, b = resident.alloc('u32', 33)!, c = resident.alloc('i32', 7)!;
  assert.ok(a instanceof Float32Array && b instanceof Uint32Array && c instanceof Int32Array);
  assert.ok(a.every((v) => v === 0) && b.every((v) => v === 0));
  assert.equal(resident.addressOf(a), a.byteOffset);
  assert.equal(resident.addressOf(a.subarray(10)), a.byteOffset + 40, 'a subarray is found too');
  assert.equal(resident.addressOf(new Float32Array(4)), -1, 'an ordinary array must be copied');
  rt.arena.reset();
  const used = rt.heap.usedBytes;
  assert.equal(rt.arena.input(a), a.byteOffset);
  assert.equal(rt.arena.output(c), c.byteOffset);
  assert.equal(rt.heap.usedBytes, used, 'no scratch taken for resident arrays');
  for (const x of [a, b, c]) resident.free(x);
});

test('resident arrays: a freed block is reused (zeroed again), growth keeps earlier views valid', () => {
  const used = rt.heap.usedBytes;
  const a = resident.alloc('f32', 1 << 16)!;
  a.fill(3);
  resident.free(a);
  resident.free(a); // twice: ignored
  assert.equal(rt.heap.usedBytes, used);
  const b = resident.alloc('f32', 1 << 16)!;
  assert.equal(b.byteOffset, a.byteOffset, 'same block');
  assert.ok(b.every((v) => v === 0));
  b.fill(5);
  const big = resident.alloc('f32', 8 << 20)!; // 32 MiB: the memory grows
  assert.ok(rt.heap.memory.buffer.byteLength > b.byteOffset + (32 << 20));
  assert.ok(b.every((v) => v === 5), 'a view from before the growth still sees its values');
  big[big.length - 1] = 1;
  resident.free(big); resident.free(b);
  assert.equal(rt.heap.usedBytes, used);
});

test('heap: blocks released in any order coalesce back to nothing', () => {
  const used = rt.heap.usedBytes;
  const blocks = [100, 5000, 64, 70000, 3].map((bytes) => rt.heap.alloc(bytes)!);
  for (const i of [1, 3, 0, 4, 2]) rt.heap.release(blocks[i]!.at, blocks[i]!.bytes);
  assert.equal(rt.heap.usedBytes, used);
  const again = rt.heap.alloc(5000)!;
  assert.equal(again.at, blocks[0]!.at, 'lowest free address first when sizes tie');
  rt.heap.release(again.at, again.bytes);
});
