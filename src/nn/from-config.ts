import { LowbitError } from '../errors/lowbit-error.js';
import type { GradientQuantizerName } from '../quant/grad-quant-log.js';
import type { QuantizerSpec } from '../quant/registry.js';
import { BatchNorm } from './batch-norm.js';
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import { HardTanh } from './hard-tanh.js';
import type { LayerConfig, Module } from './module.js';
import { QuantDense, type LrScaleSpec } from './quant-dense.js';
import { Sequential } from './sequential.js';
import { ShiftBatchNorm } from './shift-batch-norm.js';

type Builder = (c: Record<string, unknown>) => Module;

const num = (c: Record<string, unknown>, key: string): number => {
  const v = c[key];
  if (typeof v !== 'number') throw new LowbitError(`config: ${String(c.type)}.${key} must be a number, got ${JSON.stringify(v)}`);
  return v;
};

const builders = new Map<string, Builder>([
  ['Sequential', (c) => {
    if (!Array.isArray(c.layers)) throw new LowbitError('config: Sequential.layers must be an array');
    return new Sequential(c.layers.map((l) => fromConfig(l as LayerConfig)));
  }],
  ['QuantDense', (c) => new QuantDense(num(c, 'inFeatures'), num(c, 'outFeatures'), {
    inputQuantizer: c.inputQuantizer as QuantizerSpec, kernelQuantizer: c.kernelQuantizer as QuantizerSpec,
    bias: Boolean(c.bias), lrScale: c.lrScale as LrScaleSpec, seed: c.seed as number | undefined,
    gradientQuantizer: c.gradientQuantizer as GradientQuantizerName | undefined,
  })],
  ['Dense', (c) => new Dense(num(c, 'inFeatures'), num(c, 'outFeatures'), { bias: Boolean(c.bias), seed: c.seed as number | undefined })],
  ['BatchNorm', (c) => new BatchNorm(num(c, 'features'), { momentum: c.momentum as number, eps: c.eps as number })],
  ['ShiftBatchNorm', (c) => new ShiftBatchNorm(num(c, 'features'), { momentum: c.momentum as number, eps: c.eps as number })],
  ['HardTanh', () => new HardTanh()],
  ['Dropout', (c) => new Dropout(num(c, 'p'))],
]);

/** Make a layer type known to configs (conv layers, LSTMs and SBN register here). */
export function registerLayer(type: string, build: Builder): void { builders.set(type, build); }

/** Build a model from its `config()`. Weights are loaded separately (`loadStateDict`). */
export function fromConfig(config: LayerConfig): Module {
  if (typeof config !== 'object' || config === null || typeof config.type !== 'string') {
    throw new LowbitError(`config: expected a layer object with a 'type', got ${JSON.stringify(config)?.slice(0, 80)}`);
  }
  const build = builders.get(config.type);
  if (!build) throw new LowbitError(`config: unknown layer type '${config.type}'; known: ${[...builders.keys()].join(', ')}`);
  return build(config);
}
