import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import fc from 'fast-check';
import type { ConvGeometry } from '../kernels.js';
import { referenceKernels as ref } from '../reference/index.js';
import { loadWasmKernels } from './index.js';

const wasm = await loadWasmKernels();
after(() => wasm.setThreads(2));

function geometry(batch: number, height: number, width: number, channels: number, kh: number, kw: number, stride: number, pad: number): ConvGeometry {
  const outH = Math.floor((height + 2 * pad - kh) / stride) + 1, outW = Math.floor((width + 2 * pad - kw) / stride) + 1;
  return { batch, height, width, channels, kh, kw, stride, padTop: pad, padLeft: pad, outH, outW };
}

/** Awkward geometries: channels across word edges, windows partly or wholly in the padding. */
const geometries = fc.record({
  batch: fc.integer({ min: 1, max: 3 }), height: fc.integer({ min: 1, max: 8 }), width: fc.integer({ min: 1, max: 8 }),
  channels: fc.oneof(fc.integer({ min: 1, max: 70 }), fc.constantFrom(32, 64, 96)), kh: fc.integer({ min: 1, max: 3 }), kw: fc.integer({ min: 1, max: 3 }),
  stride: fc.integer({ min: 1, max: 3 }), pad: fc.integer({ min: 0, max: 2 }),
  seed: fc.integer({ min: 0, max: 2 ** 30 }),
}).filter((p) => p.height + 2 * p.pad >= p.kh && p.width + 2 * p.pad >= p.kw);

type P = { batch: number; height: number; width: number; channels: number; kh: number; kw: number; stride: number; pad: number; seed: number };
const setup = async (p: P) => {
  await wasm.setThreads(1); // sizes this small stay on one thread anyway (packed-conv.ts threadsFor)
  let s = p.seed;
  const next = (): number => (s = (Math.imul(s, 1103515245) + 12345) >>> 0);
  const g = geometry(p.batch, p.height, p.width, p.channels, p.kh, p.kw, p.stride, p.pad);
  return { g, next, pixels: g.batch * g.height * g.width, rows: g.batch * g.outH * g.outW };
};

test('wasm im2colBits equals the reference exactly on awkward geometries (pixel tail bits set too)', async () => {
  await fc.assert(fc.asyncProperty(geometries, async (p) => {
    const { g, next, pixels, rows } = await setup(p), words = Math.ceil(g.kh * g.kw * g.channels / 32);
    // random words, tail bits included: the kernels read only a pixel's `channels` bits
    const x = Uint32Array.from({ length: pixels * Math.ceil(g.channels / 32) }, next);
    const want = new Uint32Array(rows * words).fill(0xdeadbeef), got = want.slice();
    ref.im2colBits(x, g, want);
    wasm.im2colBits(x, g, got);
    assert.deepEqual(got, want, JSON.stringify(p));
  }), { numRuns: 150 });
});

test('wasm im2colBytes equals the reference exactly on awkward geometries and pad values', async () => {
  await fc.assert(fc.asyncProperty(geometries, fc.integer({ min: 0, max: 255 }), async (p, padValue) => {
    const { g, next, pixels, rows } = await setup(p);
    const x = Uint8Array.from({ length: pixels * g.channels }, () => next() >>> 24);
    const want = new Uint8Array(rows * g.kh * g.kw * g.channels).fill(7), got = want.slice();
    ref.im2colBytes(x, g, padValue, want);
    wasm.im2colBytes(x, g, padValue, got);
    assert.deepEqual(got, want, JSON.stringify({ ...p, padValue }));
  }), { numRuns: 150 });
});

test('wasm maxPoolInt equals the reference exactly (ties, int32 extremes, windows in the padding)', async () => {
  const levels = [-0x80000000, -0x7fffffff, -3, 0, 2, 0x7fffffff];
  await fc.assert(fc.asyncProperty(geometries, async (p) => {
    const { g, next, pixels } = await setup(p), outs = g.batch * g.outH * g.outW * g.channels;
    const x = Int32Array.from({ length: pixels * g.channels }, () => (next() & 1 ? levels[next() % levels.length]! : next() | 0));
    const want = new Int32Array(outs).fill(7), got = want.slice();
    ref.maxPoolInt(x, g, want);
    wasm.maxPoolInt(x, g, got);
    assert.deepEqual(got, want, JSON.stringify(p));
  }), { numRuns: 150 });
});

test('wasm poolBits equals the reference exactly (words across edges, flips, windows in the padding, tail bits)', async () => {
  await fc.assert(fc.asyncProperty(geometries, async (p) => {
    const { g, next, pixels } = await setup(p), words = Math.ceil(g.channels / 32), outs = g.batch * g.outH * g.outW * words;
    const tail = g.channels % 32 === 0 ? 0xffffffff : 2 ** (g.channels % 32) - 1, mask = (w: number): number => (w === words - 1 ? tail : 0xffffffff);
    // words mostly set (the window's AND is then often 1), tail bits 0 as thresholdPack writes them
    const x = Uint32Array.from({ length: pixels * words }, (_, j) => ((next() | next() | next()) & mask(j % words)) >>> 0);
    const flip = Uint32Array.from({ length: words }, (_, w) => (next() & mask(w)) >>> 0);
    const want = new Uint32Array(outs).fill(0xdeadbeef), got = want.slice();
    ref.poolBits(x, g, flip, want);
    wasm.poolBits(x, g, flip, got);
    assert.deepEqual(got, want, JSON.stringify(p));
  }), { numRuns: 150 });
});

test('wasm packed conv kernels split a CNV-sized batch across 2 threads with the reference result', async () => {
  await wasm.setThreads(2);
  let s = 99;
  const next = (): number => (s = (Math.imul(s, 1103515245) + 12345) >>> 0);
  const g = geometry(8, 30, 30, 64, 3, 3, 1, 0), rows = g.batch * g.outH * g.outW, words = 18;
  const bits = Uint32Array.from({ length: g.batch * 30 * 30 * 2 }, next);
  const want = new Uint32Array(rows * words), got = want.slice();
  ref.im2colBits(bits, g, want);
  wasm.im2colBits(bits, g, got);
  assert.deepEqual(got, want);
  const pg = geometry(8, 28, 28, 64, 2, 2, 2, 0), x = Int32Array.from({ length: 8 * 28 * 28 * 64 }, () => next() | 0);
  const pw = new Int32Array(8 * 14 * 14 * 64), pgot = pw.slice();
  ref.maxPoolInt(x, pg, pw);
  wasm.maxPoolInt(x, pg, pgot);
  assert.deepEqual(pgot, pw);
  // 256 channels: enough words for poolBits to split too
  const bitsG = geometry(16, 28, 28, 256, 2, 2, 2, 0), packed = Uint32Array.from({ length: 16 * 28 * 28 * 8 }, () => next() | next());
  const flip = Uint32Array.from({ length: 8 }, next), pooled = new Uint32Array(16 * 14 * 14 * 8), bitsGot = pooled.slice();
  ref.poolBits(packed, bitsG, flip, pooled);
  wasm.poolBits(packed, bitsG, flip, bitsGot);
  assert.deepEqual(bitsGot, pooled);
  const bg = geometry(12, 32, 32, 3, 3, 3, 1, 1), bytes = Uint8Array.from({ length: 12 * 32 * 32 * 3 }, () => next() >>> 24);
  const bw = new Uint8Array(12 * 32 * 32 * 27), bgot = bw.slice();
  ref.im2colBytes(bytes, bg, 0, bw);
  wasm.im2colBytes(bytes, bg, 0, bgot);
  assert.deepEqual(bgot, bw);
});
