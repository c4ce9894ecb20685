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

test('step scope: arrays in wasm memory, zero-filled, used in place; dead once the scope ends', () => {
  assert.equal(resident.scoped('f32', 8), undefined, 'no scope open: the caller makes an ordinary array');
  let a!: Float32Array, b!: Int32Array;
  const got = resident.scope(() => {
    a = resident.scoped('f32', 1000)!; b = resident.scoped('i32', 3)!;
    assert.ok(a.every((v) => v === 0) && b.every((v) => v === 0));
    rt.arena.reset();
    assert.equal(rt.arena.input(a), a.byteOffset, 'passed by address, no copy');
    assert.equal(rt.arena.output(b), b.byteOffset);
    assert.ok(a.byteOffset + 4000 <= b.byteOffset, 'no overlap');
    resident.scope(() => assert.equal(resident.addressOf(a), a.byteOffset, 'a nested scope runs inside the outer one'));
    a.fill(7);
    return 'done';
  });
  assert.equal(got, 'done');
  assert.throws(() => resident.addressOf(a), /used after the step ended/);
  assert.throws(() => rt.arena.input(b), /used after the step ended/);
  const again = resident.scope(() => resident.scoped('f32', 1000)!.byteOffset);
  assert.equal(again, a.byteOffset, 'the next scope reuses the region from its start');
  assert.ok(a.every((v) => v === 0), 'and zero-fills what it hands out (the dead view sees it)');
  assert.throws(() => resident.scope(() => { throw new Error('step failed'); }), /step failed/);
  assert.equal(resident.scoped('f32', 8), undefined, 'an error inside closes the scope');
});

test('step scope: a step that outgrows the region takes more blocks, the next scope one block of the total', () => {
  const chunk = 16 << 20; // REGION_CHUNK
  resident.scope(() => { for (let i = 0; i < 3; i++) assert.ok(resident.scoped('f32', chunk / 4 - 100)); });
  const before = resident.regionBytes;
  assert.ok(before >= 3 * chunk, `three blocks: ${before}`);
  const used = rt.heap.usedBytes;
  resident.scope(() => {
    const xs = [0, 1, 2].map(() => resident.scoped('f32', chunk / 4 - 100)!);
    assert.ok(xs[1]!.byteOffset > xs[0]!.byteOffset && xs[2]!.byteOffset > xs[1]!.byteOffset, 'contiguous in one block');
  });
  assert.equal(resident.regionBytes, before, 'the same total');
  assert.equal(rt.heap.usedBytes, used, 'nothing more taken from the heap');
  assert.equal(resident.scope(() => resident.scoped('f32', 300 << 20)), undefined, 'past the region\'s cap (1 GiB): an ordinary array instead');
});

test('step scope: an output array (no zero-fill) holds what the region held: the last step\'s values, NaN in memory new to it', () => {
  const first = resident.scope(() => { const a = resident.scoped('f32', 1000)!; a.fill(5); return a.byteOffset; });
  resident.scope(() => {
    const out = resident.scoped('f32', 1000, false)!;
    assert.equal(out.byteOffset, first, 'the same place');
    assert.ok(out.every((v) => v === 5), 'not cleared: a kernel that writes all of it needs no fill');
  });
  resident.scope(() => {
    resident.scoped('f32', 1000);
    const fresh = resident.scoped('i32', resident.regionBytes / 4 + 1000, false)!;
    assert.ok(fresh.every((v) => v === -1), 'a block new to the region is all ones (NaN as f32): an unwritten element is never a plausible 0');
  });
  resident.scope(() => {
    const out = resident.scoped('f32', 1000, false)!;
    assert.ok(out.every((v) => Number.isNaN(v)), 'the region made one block again: poisoned too');
  });
});
