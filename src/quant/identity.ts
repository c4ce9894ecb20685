import type { Quantizer } from './quantizer.js';

/** No quantization: float32 values pass unchanged (float baselines, the real-valued first-layer
 *  input). @example identity() */
export function identity(): Quantizer {
  return { name: 'identity', bits: 32, binary: false, levels: null, signClip: null, apply: (x) => x, config: () => ({ name: 'identity' }) };
}
