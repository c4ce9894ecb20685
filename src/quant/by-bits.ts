import { LowbitError } from '../errors/lowbit-error.js';
import type { QuantizerConfig } from './quantizer.js';

export interface BitsOptions {
  /** 'linear' (default) or 'log' for 2..8 bits (QNN-SPEC §3.2; the paper tried both, §3.4). */
  quant?: 'linear' | 'log';
  /** 1 bit: stochastic binarization at train time (Torch7's activations, §1.2). */
  stochastic?: boolean;
}

/** The quantizer for a bit width, as the recipes and the CLI's --bits-w / --bits-a pick it:
 *  1 → steSign (or steStochasticSign), 2..8 → steLinear or steLog on [-1, 1], 32 → identity.
 *  @example quantizerForBits(2) // → { name: 'steLinear', bits: 2 } */
export function quantizerForBits(bits: number, opts: BitsOptions = {}): QuantizerConfig {
  const quant = opts.quant ?? 'linear';
  if (quant !== 'linear' && quant !== 'log') throw new LowbitError(`quantizer: quant must be 'linear' or 'log', got '${String(quant)}'`);
  if (opts.stochastic && bits !== 1) throw new LowbitError(`quantizer: stochastic quantization is for 1 bit (QNN-SPEC §1.2), not ${bits}`);
  if (bits === 32) return { name: 'identity' };
  if (bits === 1) return { name: opts.stochastic ? 'steStochasticSign' : 'steSign' };
  if (Number.isInteger(bits) && bits >= 2 && bits <= 8) return quant === 'log' ? { name: 'steLog', bits } : { name: 'steLinear', bits };
  throw new LowbitError(`quantizer: bits must be 1..8 or 32 (float), got ${bits}`);
}
