import { LowbitError } from '../errors/lowbit-error.js';
import { identity } from './identity.js';
import type { Quantizer, QuantizerConfig } from './quantizer.js';
import { steLinear, type LinearOptions } from './ste-linear.js';
import { steLog, type LogOptions } from './ste-log.js';
import { steSign, steStochasticSign } from './ste-sign.js';

type Factory = (opts: Record<string, unknown>) => Quantizer;

const factories = new Map<string, Factory>([
  ['identity', () => identity()],
  ['steSign', (o) => steSign(o)],
  ['steStochasticSign', (o) => steStochasticSign(o)],
  ['steLinear', (o) => steLinear(o as LinearOptions)],
  ['steLog', (o) => steLog(o as LogOptions)],
]);

/** Make a quantizer known by name to configs and the CLI (k-bit families register here). */
export function registerQuantizer(name: string, factory: Factory): void { factories.set(name, factory); }

export type QuantizerSpec = string | QuantizerConfig | Quantizer;

/** A quantizer from its name, its config or itself. @example quantizer('steSign') */
export function quantizer(spec: QuantizerSpec): Quantizer {
  if (typeof spec === 'object' && 'apply' in spec) return spec as Quantizer;
  const { name, ...opts } = typeof spec === 'string' ? { name: spec } : spec;
  const make = factories.get(name);
  if (!make) throw new LowbitError(`unknown quantizer '${name}'; known: ${[...factories.keys()].join(', ')}`);
  return make(opts);
}
