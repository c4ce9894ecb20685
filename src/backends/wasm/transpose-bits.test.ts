import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { referenceKernels as ref } from '../reference/index.js';
import { loadWasmKernels } from './index.js';

const wasm = await loadWasmKernels();
after(() => wasm.setThreads(2));

test('transposeBits of the signs packed along rows is packCols of them (wasm and reference, ragged CNV-like sizes, 1 and 2 threads)', async () => {
  // independent of the kernel's own definition: packRows then transpose must equal packing down
  // the columns directly
  // the last two are large enough to be split across threads, into ragged shares of row blocks
  for (const threads of [1, 2]) for (const [rows, cols] of [[3, 70], [97, 33], [1300, 577], [4099, 260]] as [number, number][]) {
    await wasm.setThreads(threads);
    let s = rows * 31 + cols;
    const x = Float32Array.from({ length: rows * cols }, () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 31) - 1);
    const byRows = new Uint32Array(rows * Math.ceil(cols / 32)), want = new Uint32Array(cols * Math.ceil(rows / 32));
    ref.packRows(x, byRows, rows, cols);
    ref.packCols(x, want, rows, cols);
    for (const k of [ref, wasm]) {
      const got = new Uint32Array(want.length).fill(0xdeadbeef);
      k.transposeBits(byRows, rows, cols, got);
      assert.deepEqual(got, want, `${k.name} rows=${rows} cols=${cols} threads=${threads}`);
    }
  }
});
