import { LowbitError } from '../../errors/lowbit-error.js';
import { logQuantValue } from '../ap2.js';

/** LinearQuantK (QNN-SPEC §3.2 [IMPL]): ties round up (half away from zero on a non-negative
 *  index), so with 2 levels on [-1, 1] q(0) = +1, the same tie rule as sign(0) = +1. */
export function linearQuantize(x: Float32Array, out: Float32Array, levels: number, lo: number, hi: number): void {
  const step = (hi - lo) / (levels - 1);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isNaN(v)) throw new LowbitError(`linearQuantSte: NaN in the input at element ${i}`);
    const clipped = v < lo ? lo : v > hi ? hi : v;
    out[i] = lo + step * Math.floor((clipped - lo) / step + 0.5);
  }
}

/** LogQuantK (QNN-SPEC §3.2 [IMPL]) on every element. */
export function logQuantize(x: Float32Array, out: Float32Array, eMin: number, eMax: number): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (Number.isNaN(v)) throw new LowbitError(`logQuantSte: NaN in the input at element ${i}`);
    out[i] = logQuantValue(v, eMin, eMax);
  }
}
