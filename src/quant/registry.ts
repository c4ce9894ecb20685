import { describeName, describeValue } from '../errors/describe-value.js';
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
  if (typeof spec === 'object' && spec !== null && typeof (spec as Quantizer).apply === 'function') return spec as Quantizer;
  const { name, ...opts } = quantizerConfig(spec);
  const make = factories.get(name);
  if (!make) throw new LowbitError(`unknown quantizer ${describeName(name)}; known: ${[...factories.keys()].join(', ')}`);
  return make(opts);
}

/** A quantizer's config as data, as configs and files hold it: a name, or `{ name, ...options }`
 *  whose options are numbers or booleans; anything else (an object that only looks like a live
 *  quantizer, a nested value) is refused. @example quantizerConfig({ name: 'steLinear', bits: 2 }) */
export function quantizerConfig(spec: unknown, where = 'quantizer'): QuantizerConfig {
  if (typeof spec === 'string') return { name: spec };
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec) || typeof (spec as QuantizerConfig).name !== 'string') {
    throw new LowbitError(`${where}: expected a quantizer name or { name, ...options }, got ${describeValue(spec)}`);
  }
  for (const [key, v] of Object.entries(spec)) {
    if (key !== 'name' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new LowbitError(`${where}: option ${describeName(key)} of ${describeName((spec as QuantizerConfig).name)} must be a number or true/false (a config is data), got ${describeValue(v)}`);
    }
  }
  return spec as QuantizerConfig;
}
