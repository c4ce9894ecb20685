import type { Kernels } from '../backends/kernels.js';
import { Tensor } from '../tensor/tensor.js';

/** Sum a gradient of the broadcast shape back down to an input's own shape. */
export function unbroadcast(k: Kernels, g: Tensor, shape: readonly number[]): Tensor {
  if (g.shape.length === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const lead = g.shape.length - shape.length;
  const keep = g.shape.map((d, i) => i >= lead && shape[i - lead] === d);
  const out = Tensor.empty(shape, 'float32', k);
  k.reduceSum(g.storage, g.shape, keep, out.storage);
  return out;
}
