import { broadcastBinary as referenceBroadcastBinary, reduceSum as referenceReduceSum } from '../reference/broadcast.js';
import type { BinaryOp, HostKernels as Kernels } from '../kernels.js';
import { f32Bits } from './job-args.js';
import { ELEMENT_ALIGN, MIN_PARALLEL_ELEMENTS } from './jobs.js';
import type { WasmRuntime } from './wasm-runtime.js';

// The broadcasts and the reduction a language model runs on every training step, in wasm SIMD on
// the threads (assembly/sequence.ts): an output layer's bias over 700 rows of 10,000 logits, and
// its gradient summed back over the rows, were a fifth of a step in the reference's loops. Other
// shapes go to the reference. Results equal the reference's bit for bit.

const OPS: Record<BinaryOp, number> = { add: 0, sub: 1, mul: 2, div: 3 };

/** Row-major strides of shape. */
function contiguous(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  for (let d = shape.length - 1, n = 1; d >= 0; d--) { s[d] = n; n *= shape[d]!; }
  return s;
}

/** The width w when an input read through `strides` over `shape` is a block of w elements
 *  repeated over the leading dims (w = the whole size: the input has out's own layout), else 0. */
function rowWidth(strides: readonly number[], shape: readonly number[], dense: readonly number[]): number {
  for (let p = 0; p <= shape.length; p++) {
    let fits = true;
    for (let d = 0; d < shape.length && fits; d++) if (shape[d]! > 1) fits = strides[d] === (d < p ? 0 : dense[d]);
    if (fits) { let w = 1; for (let d = p; d < shape.length; d++) w *= shape[d]!; return w; }
  }
  return 0;
}

export function makeBroadcastBinary(rt: WasmRuntime): Kernels['broadcastBinary'] {
  return (op, a, aStrides, b, bStrides, out, outShape) => {
    const dense = contiguous(outShape), length = out.length;
    const aw = rowWidth(aStrides, outShape, dense), bw = rowWidth(bStrides, outShape, dense);
    // one operand out's own layout, the other repeated rows of it (or also out's layout)
    const swap = aw === length ? 0 : bw === length ? 1 : -1, width = swap === 0 ? bw : aw;
    if (length === 0 || swap < 0 || width === 0) { referenceBroadcastBinary(op, a, aStrides, b, bStrides, out, outShape); return; }
    const [full, rows] = swap === 0 ? [a, b] : [b, a];
    const { arena, pool } = rt;
    arena.reset();
    const pf = arena.input(full, length), pr = arena.input(rows, width), po = arena.output(out, length);
    const maxThreads = length < MIN_PARALLEL_ELEMENTS ? 1 : pool.threads;
    pool.parallel('broadcastRows', [pf, pr, po, OPS[op], width, swap], length, ELEMENT_ALIGN, maxThreads);
    arena.copyOut(po, out, length);
  };
}


/** A scale that is not a float32 goes to the reference, which multiplies by it in float64. */
export function makeReduceSum(rt: WasmRuntime): Kernels['reduceSum'] {
  return (x, xShape, keep, out, scale = 1) => {
    // leading dims summed away, trailing ones kept: rows × width
    const p = keep.indexOf(true), lead = p < 0 ? keep.length : p;
    const rows = xShape.slice(0, lead).reduce((n, d) => n * d, 1), width = xShape.slice(lead).reduce((n, d) => n * d, 1);
    if (keep.slice(lead).some((k) => !k) || lead === 0 || rows === 0 || width === 0 || Math.fround(scale) !== scale) { referenceReduceSum(x, xShape, keep, out, scale); return; }
    const { arena, pool } = rt;
    arena.reset();
    const px = arena.input(x, rows * width), po = arena.output(out, width);
    const maxThreads = rows * width < MIN_PARALLEL_ELEMENTS ? 1 : pool.threads;
    pool.parallel('sumRows', [px, po, rows, width, f32Bits(scale)], width, ELEMENT_ALIGN, maxThreads);
    arena.copyOut(po, out, width);
  };
}

/** Rows split across the threads; the row losses summed here in row order, in float64, as the
 *  reference sums them. */
export function makeSoftmaxCrossEntropy(rt: WasmRuntime): Kernels['softmaxCrossEntropy'] {
  return (logits, labels, rows, classes, grad, loss) => {
    if (rows === 0 || classes === 0) { loss[0] = 0; return; }
    const { arena, pool } = rt, n = rows * classes;
    arena.reset();
    const pl = arena.input(logits, n), py = arena.input(labels, rows), pg = arena.output(grad, n);
    const pr = (arena.alloc(rows * 8 + 8) + 7) & ~7;
    const maxThreads = n < MIN_PARALLEL_ELEMENTS ? 1 : pool.threads;
    pool.parallel('softmaxCrossEntropyRows', [pl, py, rows, classes, pg, pr], rows, 1, maxThreads);
    arena.copyOut(pg, grad, n);
    const rowLoss = new Float64Array(rt.heap.memory.buffer, pr, rows);
    let total = 0;
    for (let r = 0; r < rows; r++) total += rowLoss[r]!;
    loss[0] = total / rows;
  };
}
