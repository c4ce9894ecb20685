import { LowbitError } from '../errors/lowbit-error.js';
import type { Parameter } from '../nn/parameter.js';
import { Tensor } from '../tensor/tensor.js';

/** Scale every parameter's gradient by min(1, maxNorm / ‖g‖), ‖g‖ the norm of all the gradients
 *  together (the PTB recipes' clipping), as kernels: no number is read. Returns the sum of squares
 *  before clipping, [1], for whoever wants to read it at an edge.
 *  @example clipGradNorm(model.parameters(), 5) */
export function clipGradNorm(params: readonly Parameter[], maxNorm: number): Tensor {
  if (!(maxNorm > 0 && Number.isFinite(maxNorm))) throw new LowbitError(`clipGradNorm: maxNorm must be a finite number > 0, got ${maxNorm}`);
  const grads = params.flatMap((p) => (p.grad ? [p.grad] : []));
  const sum = Tensor.empty([1], 'float32', params[0]?.backend);
  for (const g of grads) sum.backend.sumSquares(g.storage, sum.storage);
  for (const g of grads) sum.backend.clipToNorm(g.storage, sum.storage, maxNorm);
  return sum;
}
