import { LowbitError } from '../errors/lowbit-error.js';
import { BatchNorm } from '../nn/batch-norm.js';
import { Dense } from '../nn/dense.js';
import { Dropout } from '../nn/dropout.js';
import { HardTanh } from '../nn/hard-tanh.js';
import type { Module } from '../nn/module.js';
import { QuantDense } from '../nn/quant-dense.js';
import { Sequential } from '../nn/sequential.js';
import { ShiftBatchNorm } from '../nn/shift-batch-norm.js';
import { quantizerForBits } from '../quant/by-bits.js';

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
  /** Weight / hidden-activation bits: 1 (default, binary), 2..8 (k-bit, QNN-SPEC §3.2), 32 (float). */
  bitsW?: number;
  bitsA?: number;
  /** k-bit quantizer family for 2..8 bits: 'linear' (default) or 'log'. */
  quant?: 'linear' | 'log';
  /** 'shift': shift-based BN in the hidden layers, vanilla BN on the output as Torch7 (QNN-SPEC §4.1). */
  bn?: 'vanilla' | 'shift';
  /** 6: quantize every layer's pre-activation gradient to 6-bit log (QNN-SPEC §3.5). */
  gradientBits?: number;
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
  const act = quantizerForBits(opts.bitsA ?? 1, { quant: opts.quant, stochastic: opts.stochastic });
  const kernel = quantizerForBits(opts.bitsW ?? 1, { quant: opts.quant });
  if (opts.gradientBits !== undefined && opts.gradientBits !== 6 && opts.gradientBits !== 32) {
    throw new LowbitError(`mnist-mlp: gradientBits must be 6 (logarithmic, QNN-SPEC §3.5) or 32 (float), got ${opts.gradientBits}`);
  }
  const gradient = opts.gradientBits === 6 ? { gradientQuantizer: 'log6' as const } : {};
  const layers: Module[] = [];
  if (opts.dropoutIn) layers.push(new Dropout(opts.dropoutIn));
  let fanIn = inputs;
  for (let l = 0; l <= depth; l++) {
    const out = l === depth ? classes : width;
    layers.push(opts.float
      ? new Dense(fanIn, out, { seed: seed + l })
      : new QuantDense(fanIn, out, { inputQuantizer: l === 0 ? 'identity' : act, kernelQuantizer: kernel, seed: seed + l, ...gradient }));
    layers.push(opts.bn === 'shift' && l < depth ? new ShiftBatchNorm(out) : new BatchNorm(out));
    if (l < depth) {
      layers.push(new HardTanh());
      if (opts.dropoutHidden) layers.push(new Dropout(opts.dropoutHidden));
    }
    fanIn = out;
  }
  return new Sequential(layers);
}
