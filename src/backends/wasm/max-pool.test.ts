import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import fc from 'fast-check';
import type { ConvGeometry } from '../kernels.js';
import { referenceKernels as ref } from '../reference/index.js';
import { loadWasmKernels } from './index.js';

const wasm = await loadWasmKernels();
after(() => wasm.setThreads(2));

/** Geometry with explicit padding: windows may lie partly or wholly in it (argmax -1 there). */
function geometry(batch: number, height: number, width: number, channels: number, kh: number, kw: number, stride: number, pad: number): ConvGeometry {
  const outH = Math.floor((height + 2 * pad - kh) / stride) + 1, outW = Math.floor((width + 2 * pad - kw) / stride) + 1;
  return { batch, height, width, channels, kh, kw, stride, padTop: pad, padLeft: pad, outH, outW };
}

/** Few levels (ties), NaN, ±Infinity and -0 among them: the cases where "first maximum" and NaN
 *  propagation decide the result. */
const VALUES = [-2, -1, -0, 0, 1, 2, NaN, Infinity, -Infinity];

test('wasm maxPool2d and maxPool2dBackward equal the reference bit for bit on awkward geometries, 1 and 2 threads', async () => {
  const arb = fc.record({
    batch: fc.integer({ min: 1, max: 3 }), height: fc.integer({ min: 1, max: 9 }), width: fc.integer({ min: 1, max: 9 }),
    channels: fc.integer({ min: 1, max: 37 }), kh: fc.integer({ min: 1, max: 3 }), kw: fc.integer({ min: 1, max: 3 }),
    stride: fc.integer({ min: 1, max: 3 }), pad: fc.integer({ min: 0, max: 3 }), threads: fc.constantFrom(1, 2),
    seed: fc.integer({ min: 0, max: 2 ** 30 }),
  }).filter((p) => p.height + 2 * p.pad >= p.kh && p.width + 2 * p.pad >= p.kw);
  await fc.assert(fc.asyncProperty(arb, async (p) => {
    await wasm.setThreads(p.threads);
    const g = geometry(p.batch, p.height, p.width, p.channels, p.kh, p.kw, p.stride, p.pad);
    let s = p.seed;
    const next = (): number => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const inputs = g.batch * g.height * g.width * g.channels, outs = g.batch * g.outH * g.outW * g.channels;
    const x = Float32Array.from({ length: inputs }, () => (next() < 0.1 ? VALUES[Math.floor(next() * VALUES.length)]! : Math.floor(next() * 5) - 2));
    const want = [new Float32Array(outs), new Int32Array(outs)] as const, got = [new Float32Array(outs).fill(7), new Int32Array(outs).fill(7)] as const;
    ref.maxPool2d(x, g, ...want);
    wasm.maxPool2d(x, g, ...got);
    const where = `${JSON.stringify(p)}`;
    assert.deepEqual(got[0], want[0], `values ${where}`);
    assert.deepEqual(got[1], want[1], `argmax ${where}`);
    const dy = Float32Array.from({ length: outs }, () => next() * 2 - 1);
    const dxWant = new Float32Array(inputs), dxGot = new Float32Array(inputs).fill(7);
    ref.maxPool2dBackward(dy, want[1], outs, dxWant, inputs);
    wasm.maxPool2dBackward(dy, got[1], outs, dxGot, inputs);
    assert.deepEqual(dxGot, dxWant, `backward ${where}`);
  }), { numRuns: 150, seed: 20261127 });
});

test('wasm maxPool2d splits a CNV-sized layer across 2 threads with the reference result', async () => {
  await wasm.setThreads(2);
  const g = geometry(4, 28, 28, 64, 2, 2, 2, 0), inputs = g.batch * g.height * g.width * g.channels, outs = g.batch * g.outH * g.outW * g.channels;
  const x = Float32Array.from({ length: inputs }, (_, i) => ((i * 2654435761) >>> 0) % 7 - 3);
  const want = [new Float32Array(outs), new Int32Array(outs)] as const, got = [new Float32Array(outs), new Int32Array(outs)] as const;
  ref.maxPool2d(x, g, ...want);
  wasm.maxPool2d(x, g, ...got);
  assert.deepEqual(got, want);
  assert.ok(outs * g.kh * g.kw >= 1 << 15, 'large enough to be split');
});
