import { LowbitError } from '../errors/lowbit-error.js';
import { BatchNorm } from '../nn/batch-norm.js';
import { Dense } from '../nn/dense.js';
import { Dropout } from '../nn/dropout.js';
import { HardTanh } from '../nn/hard-tanh.js';
import type { Module } from '../nn/module.js';
import { QuantDense } from '../nn/quant-dense.js';
import { Sequential } from '../nn/sequential.js';

export interface MnistMlpOptions {
  /** Hidden units per layer. 2048 is the Torch7 net, 4096 the Theano one (QNN-SPEC §6.1). */
  width?: number;
  /** Hidden layers. */
  depth?: number;
  /** Float32 twin: Dense layers, no quantizers, same shape and BN/HardTanh. */
  float?: boolean;
  /** Binarize hidden activations stochastically at train time (Torch7 setting). */
  stochastic?: boolean;
  /** Dropout on the input / after each hidden activation (Theano: 0.2 / 0.5; default none). */
  dropoutIn?: number;
  dropoutHidden?: number;
  seed?: number;
  inputs?: number;
  classes?: number;
}

/** The paper's permutation-invariant MNIST MLP: [QuantDense → BN → HardTanh] × depth → QuantDense
 *  → BN (scores for the squared hinge). Weights are binary everywhere; hidden activations are
 *  binarized by the next layer's input quantizer; the first layer sees real pixels (QNN-SPEC §6.1).
 *  @example mnistMlp({ width: 2048, depth: 3 }) // 784-2048x3-10, 10.0 M binary weights */
export function mnistMlp(opts: MnistMlpOptions = {}): Sequential {
  const width = opts.width ?? 2048, depth = opts.depth ?? 3, seed = opts.seed ?? 1;
  const inputs = opts.inputs ?? 784, classes = opts.classes ?? 10;
  for (const [k, v] of [['width', width], ['depth', depth]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new LowbitError(`mnist-mlp: ${k} must be a positive integer, got ${v}`);
  }
  const act = opts.stochastic ? 'steStochasticSign' : 'steSign';
  const layers: Module[] = [];
  if (opts.dropoutIn) layers.push(new Dropout(opts.dropoutIn));
  let fanIn = inputs;
  for (let l = 0; l <= depth; l++) {
    const out = l === depth ? classes : width;
    layers.push(opts.float
      ? new Dense(fanIn, out, { seed: seed + l })
      : new QuantDense(fanIn, out, { inputQuantizer: l === 0 ? 'identity' : act, kernelQuantizer: 'steSign', seed: seed + l }));
    layers.push(new BatchNorm(out));
    if (l < depth) {
      layers.push(new HardTanh());
      if (opts.dropoutHidden) layers.push(new Dropout(opts.dropoutHidden));
    }
    fanIn = out;
  }
  return new Sequential(layers);
}
