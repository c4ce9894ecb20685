import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConvGeometry } from '../kernels.js';
import { referenceKernels as ref } from '../reference/index.js';
import { loadWasmKernels } from './index.js';

const wasm = await loadWasmKernels();

function randoms(seed: number, length: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length }, () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 31) - 1);
}

test('conv2dSignBackwardInput equals wasm gemmSignB then col2im exactly, and the reference within float32 rounding (tiles across images, ragged sizes)', async () => {
  // k = kh·kw·C from 135 (the table kernel's path in gemmSignB) to 2304 (a CNV layer: a few rows
  // per tile); batches that split unevenly over the threads; n off a word
  const cases: [ConvGeometry, number][] = [
    [{ batch: 5, height: 9, width: 11, channels: 15, kh: 3, kw: 3, stride: 1, padTop: 1, padLeft: 1, outH: 9, outW: 11 }, 37],
    [{ batch: 3, height: 14, width: 14, channels: 64, kh: 3, kw: 3, stride: 1, padTop: 0, padLeft: 0, outH: 12, outW: 12 }, 64],
    [{ batch: 3, height: 5, width: 5, channels: 256, kh: 3, kw: 3, stride: 2, padTop: 0, padLeft: 0, outH: 2, outW: 2 }, 129],
  ];
  for (const threads of [1, 2]) {
    await wasm.setThreads(threads);
    for (const [g, n] of cases) {
      const k = g.kh * g.kw * g.channels, m = g.batch * g.outH * g.outW, dxLength = g.batch * g.height * g.width * g.channels;
      const dy = randoms(m + n, m * n), wCols = new Uint32Array(k * Math.ceil(n / 32));
      ref.packCols(randoms(k, n * k), wCols, n, k);
      const cols = new Float32Array(m * k), composed = new Float32Array(dxLength), want = new Float32Array(dxLength);
      wasm.gemmSignB(dy, wCols, cols, m, k, n, false);
      wasm.col2im(cols, g, composed);
      ref.conv2dSignBackwardInput(dy, wCols, n, g, want);
      const got = new Float32Array(dxLength).fill(7);
      wasm.conv2dSignBackwardInput(dy, wCols, n, g, got);
      const context = `threads ${threads} n=${n} x [${g.batch},${g.height},${g.width},${g.channels}]`;
      assert.deepEqual(got, composed, context);
      // the reference sums in float64: the conformance check's tolerance
      const tol = 1e-6 * (n + 1) * g.kh * g.kw;
      for (let i = 0; i < dxLength; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= tol * (1 + Math.abs(want[i]!)), `${context} index ${i}`);
    }
  }
});

test('conv2dBinaryForward equals the reference exactly (packed columns and float products; CNV-like and ragged sizes, 1 and 2 threads)', async () => {
  const cases: [ConvGeometry, number][] = [
    [{ batch: 5, height: 9, width: 11, channels: 15, kh: 3, kw: 3, stride: 1, padTop: 1, padLeft: 1, outH: 9, outW: 11 }, 37],
    [{ batch: 4, height: 30, width: 30, channels: 64, kh: 3, kw: 3, stride: 1, padTop: 0, padLeft: 0, outH: 28, outW: 28 }, 64],
    [{ batch: 3, height: 5, width: 5, channels: 256, kh: 3, kw: 3, stride: 2, padTop: 0, padLeft: 0, outH: 2, outW: 2 }, 129],
    // C a multiple of 32 (pixels packed once, then gathered as words): padding on every side,
    // stride 2, a window wider than tall, n = 0 (no product)
    [{ batch: 3, height: 7, width: 6, channels: 32, kh: 3, kw: 3, stride: 1, padTop: 1, padLeft: 1, outH: 7, outW: 6 }, 33],
    [{ batch: 2, height: 9, width: 8, channels: 96, kh: 2, kw: 3, stride: 2, padTop: 1, padLeft: 1, outH: 5, outW: 4 }, 5],
    [{ batch: 2, height: 4, width: 4, channels: 64, kh: 3, kw: 3, stride: 1, padTop: 1, padLeft: 1, outH: 4, outW: 4 }, 0],
  ];
  for (const threads of [1, 2]) {
    await wasm.setThreads(threads);
    for (const [g, n] of cases) {
      const k = g.kh * g.kw * g.channels, m = g.batch * g.outH * g.outW, words = Math.ceil(k / 32);
      const x = randoms(m + 3 * n, g.batch * g.height * g.width * g.channels), wRows = new Uint32Array(n * words);
      // -0 packs as +1 (sign(0) = +1) and NaN as +1 (a float compare), by either packing path
      for (let i = 0; i < x.length; i += 13) x[i] = i % 2 === 0 ? -0 : NaN;
      ref.packRows(randoms(k + n, n * k), wRows, n, k);
      const want = [new Uint32Array(m * words), new Float32Array(m * n)] as const;
      ref.conv2dBinaryForward(x, wRows, n, g, want[0], want[1]);
      const got = [new Uint32Array(m * words).fill(0xdeadbeef), new Float32Array(m * n).fill(7)] as const;
      wasm.conv2dBinaryForward(x, wRows, n, g, got[0], got[1]);
      const context = `threads ${threads} n=${n} x [${g.batch},${g.height},${g.width},${g.channels}]`;
      assert.deepEqual(got[0], want[0], `${context} colSigns`);
      assert.deepEqual(got[1], want[1], `${context} y`);
    }
  }
});
