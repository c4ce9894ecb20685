import type { Random } from '../tensor/random.js';
import { Tensor, sizeOf } from '../tensor/tensor.js';

/** Glorot's coefficient sqrt(1.5 / (fanIn + fanOut)) as in BinaryConnect / BNN (QNN-SPEC §2.3);
 *  binary weights get learning-rate scale 1 / this. */
export function glorotCoefficient(fanIn: number, fanOut: number): number {
  return Math.sqrt(1.5 / (fanIn + fanOut));
}

/** Uniform(-limit, limit) values. */
export function uniformInit(shape: readonly number[], limit: number, rng: Random): Tensor {
  const data = new Float32Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = (rng.uniform() * 2 - 1) * limit;
  return new Tensor(data, shape);
}
