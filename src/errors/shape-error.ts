import { LowbitError } from './lowbit-error.js';

/** Two shapes that must agree do not: the message names the op, both shapes and the dimension. */
export class ShapeError extends LowbitError {
  override name = 'ShapeError';
}

/** `op: a [2,3] and b [4,3] must agree in dim 0 (2 vs 4)`. */
export function shapeMismatch(op: string, a: readonly number[], b: readonly number[], what: string): ShapeError {
  return new ShapeError(`${op}: shapes [${a.join(',')}] and [${b.join(',')}] do not agree: ${what}`);
}
