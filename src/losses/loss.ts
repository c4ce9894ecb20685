import { LowbitError } from '../errors/lowbit-error.js';
import { softmaxCrossEntropy, squaredHinge } from '../ops/losses.js';
import type { Tensor } from '../tensor/tensor.js';

export type LossName = 'squaredHinge' | 'softmaxCrossEntropy';
export type Loss = (scores: Tensor, labels: Int32Array) => Tensor;

/** A loss by name: 'squaredHinge' (the paper's L2-SVM output, QNN-SPEC §4.5) or
 *  'softmaxCrossEntropy'. @example lossByName('squaredHinge')(scores, labels) */
export function lossByName(name: string): Loss {
  if (name === 'squaredHinge') return squaredHinge;
  if (name === 'softmaxCrossEntropy') return softmaxCrossEntropy;
  throw new LowbitError(`unknown loss '${name}'; known: squaredHinge, softmaxCrossEntropy`);
}
