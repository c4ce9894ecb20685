import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { broadcastBinary, reduceSum } from '../reference/broadcast.js';
import { softmaxCrossEntropy } from '../reference/losses.js';
import type { BinaryOp } from '../kernels.js';
import { loadWasmKernels } from './index.js';

// The wasm broadcast and row-sum kernels against the reference, bit for bit, on awkward sizes:
// widths around 4-lane vectors, one row, thread-split sizes (chunks ending mid-row), and the
// shapes they hand to the reference.

const wasm = await loadWasmKernels();
after(() => wasm.close());

const floats = (n: number, seed: number): Float32Array => {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, (_, i) => (i % 11 === 3 ? 0 : ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 31) - 1));
};
const dense = (shape: number[]): number[] => shape.map((_, d) => shape.slice(d + 1).reduce((n, x) => n * x, 1));
const OPS: BinaryOp[] = ['add', 'sub', 'mul', 'div'];

/** [out shape, a's shape (numpy broadcast against out)], and the same with a and b swapped. */
function strides(shape: number[], of: number[]): number[] {
  const lead = shape.length - of.length, d = dense(of);
  return shape.map((n, i) => (i < lead || of[i - lead] === 1 ? 0 : d[i - lead]!));
}

test('wasm broadcastBinary: same shape, rows of a bias and a scalar, either side, every op, equal the reference bit for bit', async () => {
  for (const threads of [1, 2]) {
    await wasm.setThreads(threads);
    fc.assert(fc.property(fc.constantFrom(0, 1, 3, 4, 5, 33, 700), fc.constantFrom(1, 3, 4, 5, 31, 1200), fc.constantFrom(...OPS),
      fc.constantFrom('same', 'row b', 'row a', '3-d row b', 'column b', 'scalar b', 'scalar a'), fc.integer({ min: 1, max: 1000 }), (rows, width, op, kind, seed) => {
        const out = kind === '3-d row b' ? [2, rows, width] : [rows, width];
        const bShape = kind === 'same' ? out : kind === 'column b' ? [rows, 1] : kind === 'scalar b' ? [1, 1] : [width];
        const [aShape, b2] = kind === 'row a' ? [[width], out] : kind === 'scalar a' ? [[1, 1], out] : [out, bShape];
        const a = floats(aShape.reduce((n, x) => n * x, 1), seed), b = floats(b2.reduce((n, x) => n * x, 1), seed + 1);
        const as = strides(out, aShape), bs = strides(out, b2), n = out.reduce((x, y) => x * y, 1);
        const want = new Float32Array(n), got = new Float32Array(n);
        broadcastBinary(op, a, as, b, bs, want, out);
        wasm.broadcastBinary(op, a, as, b, bs, got, out);
        assert.deepEqual(got, want, `${op} ${kind} out [${out}] seed ${seed} threads ${threads}`);
      }), { numRuns: 60, seed: 11 });
  }
});

test('wasm reduceSum: sums over leading rows equal the reference bit for bit; other reductions and scales go to it', async () => {
  for (const threads of [1, 2]) {
    await wasm.setThreads(threads);
    for (const [shape, keep, scale] of [
      [[700, 1003], [false, true], 1], [[1, 5], [false, true], 1], [[3, 2, 7], [false, false, true], 0.5], [[33, 4, 9], [false, true, true], 1],
      [[5, 7], [true, false], 1], [[6, 7], [false, true], 0.1], [[0, 7], [false, true], 1], [[9000, 5], [false, true], 2], [[4, 3], [true, true], 1],
    ] as [number[], boolean[], number][]) {
      const n = shape.reduce((a, b) => a * b, 1), kept = shape.reduce((a, d, i) => a * (keep[i] ? d : 1), 1);
      const x = floats(n, n + 7), want = new Float32Array(kept).fill(3), got = new Float32Array(kept).fill(3);
      reduceSum(x, shape, keep, want, scale);
      wasm.reduceSum(x, shape, keep, got, scale);
      assert.deepEqual(got, want, `reduceSum [${shape}] keep ${keep} scale ${scale} threads ${threads}`);
    }
  }
});

test('wasm softmaxCrossEntropy: split across threads, within 1e-6 of the reference; a label outside the classes gives a NaN loss', async () => {
  for (const threads of [1, 2]) {
    await wasm.setThreads(threads);
    // spreads of 16 and 200 (e^(x − max) down past f32's normal range), a language model's 10,000 classes
    for (const [rows, classes, spread] of [[1, 1, 8], [3, 5, 8], [70, 1003, 8], [700, 97, 8], [20, 10_001, 8], [9, 1003, 100]] as [number, number, number][]) {
      const logits = floats(rows * classes, rows + classes).map((v) => spread * v);
      const labels = Int32Array.from({ length: rows }, (_, r) => (r * 7919) % classes);
      const want = [new Float32Array(rows * classes), new Float32Array(1)], got = [new Float32Array(rows * classes), new Float32Array(1)];
      softmaxCrossEntropy(logits, labels, rows, classes, want[0]!, want[1]!);
      wasm.softmaxCrossEntropy(logits, labels, rows, classes, got[0]!, got[1]!);
      const worst = got[0]!.reduce((w, g, i) => Math.max(w, Math.abs(g - want[0]![i]!)), 0);
      assert.ok(worst <= 1e-6 / rows, `grad [${rows}, ${classes}] threads ${threads}: off by ${worst}`);
      assert.ok(Math.abs(got[1]![0]! - want[1]![0]!) <= 1e-6 * (1 + Math.abs(want[1]![0]!)), `loss [${rows}, ${classes}]: ${got[1]![0]} vs ${want[1]![0]}`);
    }
    const loss = new Float32Array(1);
    wasm.softmaxCrossEntropy(floats(6, 1), Int32Array.of(1, 9), 2, 3, new Float32Array(6), loss);
    assert.ok(Number.isNaN(loss[0]), 'label 9 of 3 classes');
  }
});
