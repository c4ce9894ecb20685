import type { BinaryOp } from '../kernels.js';

/** out = a (op) b, each input read through its strides over out's shape (0 on broadcast dims). */
export function broadcastBinary(op: BinaryOp, a: Float32Array, aStrides: readonly number[], b: Float32Array,
  bStrides: readonly number[], out: Float32Array, outShape: readonly number[]): void {
  const rank = outShape.length;
  const index = new Array<number>(rank).fill(0);
  let ia = 0, ib = 0;
  for (let o = 0; o < out.length; o++) {
    const x = a[ia]!, y = b[ib]!;
    out[o] = op === 'add' ? x + y : op === 'sub' ? x - y : op === 'mul' ? x * y : x / y;
    // odometer over out's index, moving both input offsets along
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++; ia += aStrides[d]!; ib += bStrides[d]!;
      if (index[d]! < outShape[d]!) break;
      ia -= aStrides[d]! * outShape[d]!; ib -= bStrides[d]! * outShape[d]!; index[d] = 0;
    }
  }
}

/** Sum over the dims where keep[d] is false; out has those dims as 1; then times scale. */
export function reduceSum(x: Float32Array, xShape: readonly number[], keep: readonly boolean[], out: Float32Array, scale = 1): void {
  const rank = xShape.length;
  const outStrides = new Array<number>(rank);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) { outStrides[d] = keep[d] ? s : 0; s *= keep[d] ? xShape[d]! : 1; }
  out.fill(0, 0, s);
  const index = new Array<number>(rank).fill(0);
  let io = 0;
  for (let i = 0; i < x.length; i++) {
    out[io]! += x[i]!;
    for (let d = rank - 1; d >= 0; d--) {
      index[d]!++; io += outStrides[d]!;
      if (index[d]! < xShape[d]!) break;
      io -= outStrides[d]! * xShape[d]!; index[d] = 0;
    }
  }
  if (scale !== 1) for (let i = 0; i < s; i++) out[i]! *= scale;
}
