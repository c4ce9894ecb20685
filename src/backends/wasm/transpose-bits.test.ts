import assert from 'node:assert/strict';
import { test } from 'node:test';
import { referenceKernels as ref } from '../reference/index.js';
import { loadWasmKernels } from './index.js';

const wasm = await loadWasmKernels();

test('transposeBits of the signs packed along rows is packCols of them (wasm and reference, ragged CNV-like sizes)', () => {
  // independent of the kernel's own definition: packRows then transpose must equal packing down
  // the columns directly
  for (const [rows, cols] of [[3, 70], [97, 33], [1300, 577]] as [number, number][]) {
    let s = rows * 31 + cols;
    const x = Float32Array.from({ length: rows * cols }, () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 31) - 1);
    const byRows = new Uint32Array(rows * Math.ceil(cols / 32)), want = new Uint32Array(cols * Math.ceil(rows / 32));
    ref.packRows(x, byRows, rows, cols);
    ref.packCols(x, want, rows, cols);
    for (const k of [ref, wasm]) {
      const got = new Uint32Array(want.length).fill(0xdeadbeef);
      k.transposeBits(byRows, rows, cols, got);
      assert.deepEqual(got, want, `${k.name} rows=${rows} cols=${cols}`);
    }
  }
});
