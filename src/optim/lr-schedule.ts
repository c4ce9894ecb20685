import { LowbitError } from '../errors/lowbit-error.js';

/** Learning rate for an epoch (0-based). */
export type LrSchedule = (epoch: number) => number;

/** Exponential decay from lrStart to lrEnd over `epochs`: lr·λ^epoch with
 *  λ = (lrEnd/lrStart)^(1/epochs), as the Theano BNN scripts do (QNN-SPEC §4.6).
 *  @example exponentialDecay(0.003, 3e-7, 1000)(1) // 0.003·0.9908319 */
export function exponentialDecay(lrStart: number, lrEnd: number, epochs: number): LrSchedule {
  if (!(lrStart > 0 && lrEnd > 0)) throw new LowbitError(`exponentialDecay: learning rates must be > 0 (got ${lrStart} → ${lrEnd})`);
  if (!(Number.isInteger(epochs) && epochs > 0)) throw new LowbitError(`exponentialDecay: epochs must be a positive integer, got ${epochs}`);
  const decay = (lrEnd / lrStart) ** (1 / epochs);
  return (epoch) => lrStart * decay ** epoch;
}

/** Cosine decay from lrStart to lrEnd over `epochs`: the rate stays near lrStart longer and falls
 *  fastest in the middle, a common choice when the number of epochs is fixed in advance.
 *  @example cosineDecay(0.002, 1e-5, 30)(15) // 0.001005, halfway between the two */
export function cosineDecay(lrStart: number, lrEnd: number, epochs: number): LrSchedule {
  if (!(lrStart > 0 && lrEnd > 0)) throw new LowbitError(`cosineDecay: learning rates must be > 0 (got ${lrStart} → ${lrEnd})`);
  if (!(Number.isInteger(epochs) && epochs > 0)) throw new LowbitError(`cosineDecay: epochs must be a positive integer, got ${epochs}`);
  return (epoch) => lrEnd + (lrStart - lrEnd) * (1 + Math.cos(Math.PI * Math.min(epoch, epochs) / epochs)) / 2;
}

/** Halve the rate every `period` epochs (a one-bit right shift; Torch7 scripts, QNN-SPEC §4.6). */
export function halveEvery(lrStart: number, period: number): LrSchedule {
  if (!(lrStart > 0)) throw new LowbitError(`halveEvery: lr must be > 0, got ${lrStart}`);
  if (!(Number.isInteger(period) && period > 0)) throw new LowbitError(`halveEvery: period must be a positive integer, got ${period}`);
  return (epoch) => lrStart * 0.5 ** Math.floor(epoch / period);
}
