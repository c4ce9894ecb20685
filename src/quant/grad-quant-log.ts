import { LowbitError } from '../errors/lowbit-error.js';
import { logQuantValue, roundHalfAway } from '../backends/reference/ap2.js';

/** A log-quantized gradient: every value is 0 or ±2^e with eMin <= e <= eMax. */
export interface LogQuantizedGradient {
  values: Float32Array;
  eMin: number;
  eMax: number;
  /** eMax - eMin + 1: the exponent codes in use (31 for 6 bits), the planes of the bit-serial kernels. */
  planes: number;
}

/** The names `QuantDense({ gradientQuantizer })` and `--grad-bits` accept. */
export type GradientQuantizerName = 'log6';

/** GradQuantLog (QNN-SPEC §3.5 [IMPL], §7.4): logarithmic quantization of one layer's gradient
 *  with one scale per layer per batch, deterministic (no noise):
 *    eMax = roundHalfAway(log2 max|G|),  each g → LogQuantK(g; k = bits, eMax)
 *  so with 6 bits: 1 sign bit + 5 bits of code = 31 magnitudes 2^eMax … 2^(eMax-30) and 0.
 *  The paper gives no code (§10.16); it says only that log quantization worked, deterministic and
 *  per layer, in contrast with DoReFa's stochastic per-example scaling. An all-zero gradient stays 0.
 *  @example gradQuantLog(Float32Array.from([0.3, -0.05, 1e-12])).values // → [0.25, -0.0625, 0] */
export function gradQuantLog(g: Float32Array, bits = 6): LogQuantizedGradient {
  if (!(Number.isInteger(bits) && bits >= 2 && bits <= 8)) throw new LowbitError(`gradQuantLog: bits must be an integer in 2..8, got ${bits}`);
  let max = 0;
  for (let i = 0; i < g.length; i++) {
    const a = Math.abs(g[i]!);
    if (!Number.isFinite(a)) throw new LowbitError(`gradQuantLog: the gradient holds ${g[i]} at element ${i}; training diverged (try a lower learning rate)`);
    if (a > max) max = a;
  }
  const planes = 2 ** (bits - 1) - 1;
  const values = new Float32Array(g.length);
  if (max === 0) return { values, eMin: 0, eMax: planes - 1, planes };
  const eMax = roundHalfAway(Math.log2(max)), eMin = eMax - (planes - 1);
  for (let i = 0; i < g.length; i++) values[i] = logQuantValue(g[i]!, eMin, eMax);
  return { values, eMin, eMax, planes };
}
