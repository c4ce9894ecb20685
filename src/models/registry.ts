import { LowbitError } from '../errors/lowbit-error.js';
import type { Module } from '../nn/module.js';
import { cifar10BinaryNet, cifar10Cnv, svhnBinaryNet, type ConvNetOptions } from './conv-nets.js';
import { mnistMlp, type MnistMlpOptions } from './mnist-mlp.js';
import { ptbLm, type PtbLmOptions } from './ptb-lm.js';

type Builder = (opts: Record<string, unknown>) => Module;

const builders = new Map<string, Builder>([
  ['mnist-mlp', (o) => mnistMlp(o as MnistMlpOptions)],
  // PTB's 10,000 words unless told: `lowbit summary ptb-lm` shows the paper's model
  ['ptb-lm', (o) => ptbLm({ ...o, vocabulary: (o['vocabulary'] as number | undefined) ?? 10_000 } as PtbLmOptions)],
  ['cifar10-cnv', (o) => cifar10Cnv(o as ConvNetOptions)],
  ['cifar10-binarynet', (o) => cifar10BinaryNet(o as ConvNetOptions)],
  ['svhn-binarynet', (o) => svhnBinaryNet(o as ConvNetOptions)],
]);

/** Build one of the paper's architectures by name with its options. @example buildModel('mnist-mlp', { width: 512 }) */
export function buildModel(name: string, opts: Record<string, unknown> = {}): Module {
  const build = builders.get(name);
  if (!build) throw new LowbitError(`unknown model '${name}'; known: ${[...builders.keys()].join(', ')}`);
  return build(opts);
}

export function modelNames(): string[] { return [...builders.keys()]; }
