import { defineOp } from '../autograd/define-op.js';
import { RangeGrad } from '../autograd/range-grad.js';
import { LowbitError } from '../errors/lowbit-error.js';
import { f32, type Tensor } from '../tensor/tensor.js';

/** Contiguous pieces along the first axis (a time-major sequence's steps), moved by `copy`. */
const sliceRowsOp = defineOp<{ start: number; count: number }>({
  name: 'sliceRows',
  forward: ({ kernels, attrs, empty }, [x]) => {
    const row = x!.size / x!.shape[0]!, out = empty([attrs.count, ...x!.shape.slice(1)]);
    kernels.copy(f32(x!), attrs.start * row, out.storage, 0, attrs.count * row);
    return out;
  },
  // the gradient of its rows only: autograd adds the steps' slices into one sum (RangeGrad)
  backward: ({ attrs }, dy, [x]) => [new RangeGrad(dy, attrs.start * (x!.size / x!.shape[0]!), x!.shape)],
});

const concatRowsOp = defineOp({
  name: 'concatRows',
  forward: ({ kernels, empty }, xs) => {
    const out = empty([xs.reduce((n, x) => n + x.shape[0]!, 0), ...xs[0]!.shape.slice(1)]);
    let at = 0;
    for (const x of xs) { kernels.copy(f32(x), 0, out.storage, at, x.size); at += x.size; }
    return out;
  },
  backward: ({ kernels, empty }, dy, xs) => {
    let at = 0;
    return xs.map((x) => {
      const dx = empty(x.shape);
      kernels.copy(dy.storage, at, dx.storage, 0, x.size);
      at += x.size;
      return dx;
    });
  },
});

/** Rows start … start+count−1 of x along its first axis. @example sliceRows(seq, 2, 1)  // step 2 */
export function sliceRows(x: Tensor, start: number, count: number): Tensor {
  const n = x.shape[0];
  if (n === undefined || !Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > n) {
    throw new LowbitError(`sliceRows: rows ${start}..${start + count - 1} are not inside a tensor of shape [${x.shape}]`);
  }
  return sliceRowsOp([x], { start, count }) as Tensor;
}

/** Tensors stacked along their first axis; the other dims must agree. @example concatRows([h0, h1]) */
export function concatRows(xs: readonly Tensor[]): Tensor {
  if (xs.length === 0) throw new LowbitError('concatRows: needs at least one tensor');
  const rest = xs[0]!.shape.slice(1).join(',');
  for (const x of xs) {
    if (x.rank < 1 || x.shape.slice(1).join(',') !== rest) throw new LowbitError(`concatRows: shapes [${xs[0]!.shape}] and [${x.shape}] differ past the first axis`);
  }
  return concatRowsOp(xs, undefined) as Tensor;
}
