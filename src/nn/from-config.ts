import { describeName, describeValue } from '../errors/describe-value.js';
import { LowbitError } from '../errors/lowbit-error.js';
import type { GradientQuantizerName } from '../quant/grad-quant-log.js';
import { quantizerConfig } from '../quant/registry.js';
import { BatchNorm } from './batch-norm.js';
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import { Flatten, Unflatten } from './flatten.js';
import { HardTanh } from './hard-tanh.js';
import { MaxPool2d } from './max-pool2d.js';
import type { LayerConfig, Module } from './module.js';
import { QuantConv2d } from './quant-conv2d.js';
import { QuantDense, type LrScaleSpec } from './quant-dense.js';
import { Sequential } from './sequential.js';
import { ShiftBatchNorm } from './shift-batch-norm.js';

/** What a builder gets besides its layer's config. */
export interface BuildContext {
  /** Build a nested layer (a container's child). */
  layer(config: unknown): Module;
  /** Claim the float32 values a layer is about to allocate (parameters and buffers), before it
   *  allocates them: refused past `FromConfigOptions.maxFloats`. */
  reserve(floats: number, what: string): void;
}

type Builder = (c: Record<string, unknown>, ctx: BuildContext) => Module;

export interface FromConfigOptions {
  /** The most float32 values the model's parameters and buffers may hold. A checkpoint's loader
   *  passes the count its own tensors hold, so a config that claims more (a hostile or damaged
   *  file) is refused before anything is allocated. Default: no limit. */
  maxFloats?: number;
}

/** Containers nest a few levels; far more is a damaged or hostile config, refused before the
 *  recursion would overflow the stack. */
export const MAX_CONFIG_DEPTH = 32;

// Config is data: sizes are positive integers, options numbers, booleans or names; each is
// checked here with the layer and key in the message, so nothing else reaches a constructor.
const field = (c: Record<string, unknown>, key: string, what: string, ok: (v: unknown) => boolean, optional: boolean): unknown => {
  const v = c[key];
  if ((v === undefined && optional) || ok(v)) return v;
  throw new LowbitError(`config: ${String(c.type)}.${key} must be ${what}, got ${describeValue(v)}`);
};
const size = (c: Record<string, unknown>, key: string): number =>
  field(c, key, 'a positive integer', (v) => Number.isSafeInteger(v) && (v as number) >= 1, false) as number;
const num = (c: Record<string, unknown>, key: string, optional = false): number | undefined =>
  field(c, key, 'a number', (v) => typeof v === 'number', optional) as number | undefined;
const int = (c: Record<string, unknown>, key: string): number | undefined =>
  field(c, key, 'an integer', (v) => Number.isSafeInteger(v), true) as number | undefined;
const bool = (c: Record<string, unknown>, key: string): boolean =>
  field(c, key, 'true or false', (v) => typeof v === 'boolean', true) === true;
const lrScale = (c: Record<string, unknown>): LrScaleSpec | undefined =>
  field(c, 'lrScale', "'glorot', 'glorotPow2' or a number", (v) => v === 'glorot' || v === 'glorotPow2' || typeof v === 'number', true) as LrScaleSpec | undefined;
const name = (c: Record<string, unknown>, key: string): string | undefined =>
  field(c, key, 'a name', (v) => typeof v === 'string', true) as string | undefined;
const quant = (c: Record<string, unknown>, key: string) => (c[key] === undefined ? undefined : quantizerConfig(c[key], `config: ${String(c.type)}.${key}`));

const quantDense = (c: Record<string, unknown>, ctx: BuildContext): Module => {
  const inFeatures = size(c, 'inFeatures'), outFeatures = size(c, 'outFeatures'), bias = bool(c, 'bias');
  const opts = {
    inputQuantizer: quant(c, 'inputQuantizer'), kernelQuantizer: quant(c, 'kernelQuantizer'), bias, lrScale: lrScale(c),
    seed: int(c, 'seed'), gradientQuantizer: name(c, 'gradientQuantizer') as GradientQuantizerName | undefined,
  };
  ctx.reserve(inFeatures * outFeatures + (bias ? outFeatures : 0), `${String(c.type)}(${inFeatures}→${outFeatures})`);
  return c.type === 'Dense' ? new Dense(inFeatures, outFeatures, { bias, seed: opts.seed }) : new QuantDense(inFeatures, outFeatures, opts);
};

const sizes = (c: Record<string, unknown>, key: string): number[] =>
  field(c, key, 'a list of positive integers', (v) => Array.isArray(v) && v.length > 0 && v.length <= 8
    && v.every((d) => Number.isSafeInteger(d) && (d as number) >= 1), false) as number[];

const quantConv2d = (c: Record<string, unknown>, ctx: BuildContext): Module => {
  const inChannels = size(c, 'inChannels'), outChannels = size(c, 'outChannels'), kernel = sizes(c, 'kernelSize'), bias = bool(c, 'bias');
  if (kernel.length !== 2) throw new LowbitError(`config: QuantConv2d.kernelSize must be [height, width], got ${describeValue(kernel)}`);
  const padding = field(c, 'padding', "'same' or 'valid'", (v) => v === 'same' || v === 'valid', true) as 'same' | 'valid' | undefined;
  const stride = c.stride === undefined ? undefined : size(c, 'stride');
  const opts = { stride, padding, inputQuantizer: quant(c, 'inputQuantizer'), kernelQuantizer: quant(c, 'kernelQuantizer'), bias, lrScale: lrScale(c), seed: int(c, 'seed') };
  ctx.reserve(outChannels * kernel[0]! * kernel[1]! * inChannels + (bias ? outChannels : 0), `QuantConv2d(${inChannels}→${outChannels}, ${kernel[0]}×${kernel[1]})`);
  return new QuantConv2d(inChannels, outChannels, [kernel[0]!, kernel[1]!], opts);
};

const batchNorm = (Layer: typeof BatchNorm | typeof ShiftBatchNorm) => (c: Record<string, unknown>, ctx: BuildContext): Module => {
  const features = size(c, 'features'), opts = { momentum: num(c, 'momentum', true), eps: num(c, 'eps', true) };
  ctx.reserve(4 * features, `${Layer.name}(${features})`); // γ, β, running mean, running inverse std
  return new Layer(features, opts);
};

const builders = new Map<string, Builder>([
  ['Sequential', (c, ctx) => {
    if (!Array.isArray(c.layers)) throw new LowbitError(`config: Sequential.layers must be an array, got ${describeValue(c.layers)}`);
    return new Sequential(c.layers.map((l) => ctx.layer(l)));
  }],
  ['QuantDense', quantDense],
  ['Dense', quantDense],
  ['BatchNorm', batchNorm(BatchNorm)],
  ['ShiftBatchNorm', batchNorm(ShiftBatchNorm)],
  ['HardTanh', () => new HardTanh()],
  ['Dropout', (c) => new Dropout(num(c, 'p')!)],
  ['QuantConv2d', quantConv2d],
  ['MaxPool2d', (c) => new MaxPool2d(size(c, 'size'), c.stride === undefined ? undefined : size(c, 'stride'))],
  ['Flatten', () => new Flatten()],
  ['Unflatten', (c) => new Unflatten(sizes(c, 'shape'))],
]);

/** Make a layer type known to configs (conv layers, LSTMs and SBN register here). A builder
 *  checks its config's fields, reserves what it allocates (`ctx.reserve`), and builds children
 *  through `ctx.layer`. */
export function registerLayer(type: string, build: Builder): void { builders.set(type, build); }

/** Build a model from its `config()`, which must be plain data (names and numbers, as a
 *  checkpoint holds it). Weights are loaded separately (`loadStateDict`).
 *  @example fromConfig(JSON.parse(text), { maxFloats: 1e6 }) */
export function fromConfig(config: LayerConfig, opts: FromConfigOptions = {}): Module {
  let left = opts.maxFloats ?? Infinity;
  const build = (c: unknown, depth: number): Module => {
    if (depth > MAX_CONFIG_DEPTH) throw new LowbitError(`config: layers nest deeper than ${MAX_CONFIG_DEPTH} levels`);
    if (typeof c !== 'object' || c === null || Array.isArray(c) || typeof (c as LayerConfig).type !== 'string') {
      throw new LowbitError(`config: expected a layer object with a 'type', got ${describeValue(c)}`);
    }
    const type = (c as LayerConfig).type, builder = builders.get(type);
    if (!builder) throw new LowbitError(`config: unknown layer type ${describeName(type)}; known: ${[...builders.keys()].join(', ')}`);
    return builder(c as Record<string, unknown>, {
      layer: (child) => build(child, depth + 1),
      reserve: (floats, what) => {
        if (!(floats <= left)) {
          throw new LowbitError(`config: ${what} needs ${floats} float32 values, more than the ${opts.maxFloats} its weights hold`
            + `${left < (opts.maxFloats ?? 0) ? ` (${left} left after the layers before it)` : ''}; the config does not match the weights`);
        }
        left -= floats;
      },
    });
  };
  return build(config, 0);
}
