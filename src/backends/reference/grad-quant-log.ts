import { LowbitError } from '../../errors/lowbit-error.js';
import { logQuantValue, roundHalfAway } from '../ap2.js';

/** GradQuantLog (QNN-SPEC §3.5 [IMPL], §7.4): logarithmic quantization of one layer's gradient
 *  with one scale per layer per batch, deterministic (no noise):
 *    eMax = roundHalfAway(log2 max|G|),  each g → LogQuantK(g; k = bits, eMax)
 *  so with 6 bits: 1 sign bit + 5 bits of code = 31 magnitudes 2^eMax … 2^(eMax-30) and 0.
 *  scale receives [eMin, eMax]. The paper gives no code (§10.16); it says only that log
 *  quantization worked, deterministic and per layer, in contrast with DoReFa's stochastic
 *  per-example scaling. An all-zero gradient stays 0. */
export function gradQuantLog(g: Float32Array, bits: number, out: Float32Array, scale: Int32Array): void {
  let max = 0;
  for (let i = 0; i < g.length; i++) {
    const a = Math.abs(g[i]!);
    if (!Number.isFinite(a)) throw new LowbitError(`gradQuantLog: the gradient holds ${g[i]} at element ${i}; training diverged (try a lower learning rate)`);
    if (a > max) max = a;
  }
  const planes = 2 ** (bits - 1) - 1;
  if (max === 0) { out.fill(0, 0, g.length); scale[0] = 0; scale[1] = planes - 1; return; }
  const eMax = roundHalfAway(Math.log2(max)), eMin = eMax - (planes - 1);
  for (let i = 0; i < g.length; i++) out[i] = logQuantValue(g[i]!, eMin, eMax);
  scale[0] = eMin; scale[1] = eMax;
}
