import { Tensor } from '../tensor/tensor.js';

/** A gradient that is zero outside `size` elements from `at` of an input of shape `of` (a
 *  sequence's step rows): an op's backward may return it instead of a zero-filled gradient of
 *  the whole input, and autograd adds it into an accumulator it owns (Kernels.addAt). So 35
 *  steps' slices of a sequence cost 35 slices, not 35 whole sequences.
 *  @example new RangeGrad(dy, start * rowSize, x.shape) */
export class RangeGrad extends Tensor {
  constructor(values: Tensor, readonly at: number, readonly of: readonly number[]) {
    super(values.storage, values.shape, 'float32', values.backend);
  }
}
