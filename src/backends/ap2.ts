/** Power-of-two arithmetic of the QNN method: AP2 and the logarithmic quantizer's core. It imports
 *  nothing, so kernels (shift batch norm, log quantizers, shift AdaMax), optimizers and quantizers
 *  share one definition of the rounding rule. */

/** C's `round`: halves go away from zero (JS `Math.round` sends -2.5 to -2, C to -3).
 *  Torch's AP2 uses it, so we do too wherever bit parity with Torch matters (QNN-SPEC §3.1).
 *  @example roundHalfAway(-2.5) // → -3 */
export function roundHalfAway(v: number): number {
  return v < 0 ? -Math.floor(-v + 0.5) : Math.floor(v + 0.5);
}

/** AP2(x) = sign(x)·2^round(log2|x|), AP2(0) = 0 (QNN-SPEC §3.1). Rounding happens in the log
 *  domain, so the switch from 2^e to 2^(e+1) is at √2·2^e: AP2(2.8) = 2, AP2(3) = 4.
 *  Non-finite inputs give NaN, never a silent power of two.
 *  @example ap2(0.75) // → 1 */
export function ap2(x: number): number {
  if (x === 0) return 0;
  if (!Number.isFinite(x)) return NaN;
  return Math.sign(x) * 2 ** roundHalfAway(Math.log2(Math.abs(x)));
}

/** LogQuantK's core (QNN-SPEC §3.2 [IMPL]): 0 stays 0; otherwise e = roundHalfAway(log2|x|),
 *  e < eMin underflows to 0, e > eMax saturates at 2^eMax; the sign is kept.
 *  @example logQuantValue(0.3, -3, 0) // → 0.25;  logQuantValue(5, -3, 0) → 1;  logQuantValue(0.05, -3, 0) → 0 */
export function logQuantValue(x: number, eMin: number, eMax: number): number {
  if (x === 0) return 0;
  const e = roundHalfAway(Math.log2(Math.abs(x)));
  if (e < eMin) return 0;
  return (x < 0 ? -1 : 1) * 2 ** Math.min(e, eMax);
}
