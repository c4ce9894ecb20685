import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LowbitError } from '../errors/lowbit-error.js';
import { Random } from './random.js';

test('Random.fromState continues the stream exactly', () => {
  const a = new Random(7);
  a.nextU32();
  const b = Random.fromState(a.state());
  assert.deepEqual([b.nextU32(), b.nextU32()], [a.nextU32(), a.nextU32()]);
});

test('Random.fromState refuses what is not a state: wrong length, huge array-likes, non-u32 words, all zeros', () => {
  const bad: [unknown, RegExp][] = [
    [[0, 0, 0, 0], /all zeros .*gives 0 forever/], // accepted before: shuffling and dropout silently stopped
    [[1, 2, 3], /4 integers in 0\.\.4294967295, got an array of 3/],
    [[1, 2, 3, 4, 5], /an array of 5/],
    [{ length: 1e9 }, /got an object \{length\}/], // 9.6 s and 1.2 GB before: Uint32Array.from walked it
    [[1, 2, 3, 2 ** 32], /\[1, 2, 3, 4294967296\]/],
    [[1, -1, 3, 4], /4 integers/],
    [[1, 2.5, 3, 4], /4 integers/],
    [[1, '2', 3, 4], /"2"/],
    [null, /got null/],
  ];
  for (const [state, re] of bad) {
    assert.throws(() => Random.fromState(state as number[]), (e: Error) => e instanceof LowbitError && re.test(e.message), String(re));
  }
});
