import { LowbitError } from '../errors/lowbit-error.js';
import { add } from '../ops/arithmetic.js';
import { binaryMatmulSteT, binaryMatmulT, signWeightMatmulSteT } from '../ops/binary-matmul.js';
import { binaryMatmulTLogGrad } from '../ops/binary-matmul-log-grad.js';
import { matmulT } from '../ops/matmul.js';
import { quantizeGradient } from '../ops/quantize-gradient.js';
import { ap2 } from '../backends/ap2.js';
import type { GradientQuantizerName } from '../quant/grad-quant-log.js';
import type { Quantizer } from '../quant/quantizer.js';
import { quantizer, type QuantizerSpec } from '../quant/registry.js';
import { Random } from '../tensor/random.js';
import { zeros } from '../tensor/creation.js';
import type { Tensor } from '../tensor/tensor.js';
import { glorotCoefficient, uniformInit } from './init.js';
import { Module, type LayerConfig } from './module.js';
import type { Parameter } from './parameter.js';

export interface QuantDenseOptions {
  inputQuantizer?: QuantizerSpec;
  kernelQuantizer?: QuantizerSpec;
  /** A bias is redundant before batch norm (β absorbs it), so off by default (QNN-SPEC §2.4). */
  bias?: boolean;
  /** Learning-rate scale of the weights: 'glorot' = 1/sqrt(1.5/(in+out)) for quantized kernels
   *  (QNN-SPEC §2.3), 'glorotPow2' = the same rounded to a power of two (Torch7 CIFAR-10/SVHN,
   *  §2.3, §10.11: the update stays a shift), or a number. */
  lrScale?: LrScaleSpec;
  /** Seed for the weight init, U(-1, 1) for quantized kernels (paper, H = 1). */
  seed?: number;
  /** Quantize the gradient of this layer's output (its pre-activation, g_s) before the two
   *  backward products: 'log6' = 6-bit logarithmic, one scale per layer per batch (QNN-SPEC §3.5).
   *  With binary input and weights both products then run bit-serially on packed operands. */
  gradientQuantizer?: GradientQuantizerName;
}

export type LrScaleSpec = 'glorot' | 'glorotPow2' | number;

/** The weights' learning-rate scale for `spec` (QuantDense and QuantConv2d share the rule). */
export function weightLrScale(spec: LrScaleSpec, fanIn: number, fanOut: number, layer = 'QuantDense'): number {
  if (spec === 'glorot') return 1 / glorotCoefficient(fanIn, fanOut);
  if (spec === 'glorotPow2') return ap2(1 / glorotCoefficient(fanIn, fanOut));
  if (typeof spec !== 'number' || !(spec > 0)) throw new LowbitError(`${layer}: lrScale must be 'glorot', 'glorotPow2' or a number > 0, got ${JSON.stringify(spec)}`);
  return spec;
}

/** Dense layer with quantized input and weights: y = qIn(x)·qW(W)ᵀ (+ b), W latent float clipped
 *  to [-1, 1] when quantized. When both quantizers are binary the product runs as XNOR-popcount.
 *  Shapes: x [batch, inFeatures] → y [batch, outFeatures].
 *  @example new QuantDense(784, 2048, { inputQuantizer: 'identity', kernelQuantizer: 'steSign' }) */
export class QuantDense extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly inputQuantizer: Quantizer;
  readonly kernelQuantizer: Quantizer;
  private readonly lrScaleSpec: LrScaleSpec;

  constructor(readonly inFeatures: number, readonly outFeatures: number, private readonly opts: QuantDenseOptions = {}) {
    super();
    for (const [what, v] of [['inFeatures', inFeatures], ['outFeatures', outFeatures]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new LowbitError(`QuantDense: ${what} must be a positive integer, got ${v}`);
    }
    this.inputQuantizer = quantizer(opts.inputQuantizer ?? 'identity');
    this.kernelQuantizer = quantizer(opts.kernelQuantizer ?? 'steSign');
    const quantized = this.kernelQuantizer.bits < 32;
    const rng = new Random(opts.seed ?? 1);
    // quantized kernels: latent U(-1,1) (QNN-SPEC §2.3); float ones: Glorot-uniform
    const limit = quantized ? 1 : Math.sqrt(6 / (inFeatures + outFeatures));
    this.weight = this.param('weight', uniformInit([outFeatures, inFeatures], limit, rng));
    const scale = this.lrScaleSpec = opts.lrScale ?? (quantized ? 'glorot' : 1);
    this.weight.lrScale = weightLrScale(scale, inFeatures, outFeatures);
    if (quantized) this.weight.clip = 1;
    this.bias = opts.bias ? this.param('bias', zeros([outFeatures])) : null;
    if (opts.gradientQuantizer !== undefined && opts.gradientQuantizer !== 'log6') {
      throw new LowbitError(`QuantDense: gradientQuantizer must be 'log6' (6-bit logarithmic, QNN-SPEC §3.5), got ${JSON.stringify(opts.gradientQuantizer)}`);
    }
  }

  forward(x: Tensor): Tensor {
    if (x.rank !== 2 || x.shape[1] !== this.inFeatures) {
      throw new LowbitError(`QuantDense(${this.inFeatures}→${this.outFeatures}): input must be [batch, ${this.inFeatures}], got [${x.shape}]`);
    }
    const ctx = { training: this.training, rng: this.rng };
    const xq = this.inputQuantizer.apply(x, ctx);
    const clip = this.kernelQuantizer.signClip;
    let y: Tensor;
    if (this.opts.gradientQuantizer === 'log6') y = this.productLog6(xq, ctx);
    else if (this.inputQuantizer.binary && clip !== null) y = binaryMatmulSteT(xq, this.weight, clip); // sign fused into the product
    else if (clip !== null) y = signWeightMatmulSteT(xq, this.weight, clip); // float input, ±1 weights
    else {
      const wq = this.kernelQuantizer.apply(this.weight, ctx);
      y = this.inputQuantizer.binary && this.kernelQuantizer.binary ? binaryMatmulT(xq, wq) : matmulT(xq, wq);
    }
    return this.bias ? add(y, this.bias) : y;
  }

  /** The product with 6-bit logarithmic gradients (QNN-SPEC §3.5): bit-serial when both operands
   *  are binary, otherwise a float product whose incoming gradient is quantized the same way. */
  private productLog6(xq: Tensor, ctx: { training: boolean; rng: Random }): Tensor {
    const wq = this.kernelQuantizer.apply(this.weight, ctx);
    if (this.inputQuantizer.binary && this.kernelQuantizer.binary) return binaryMatmulTLogGrad(xq, wq, 6);
    return quantizeGradient(matmulT(xq, wq), 6);
  }

  config(): LayerConfig {
    return {
      type: 'QuantDense', inFeatures: this.inFeatures, outFeatures: this.outFeatures,
      inputQuantizer: this.inputQuantizer.config(), kernelQuantizer: this.kernelQuantizer.config(),
      bias: this.bias !== null, lrScale: this.lrScaleSpec, seed: this.opts.seed ?? 1,
      ...(this.opts.gradientQuantizer ? { gradientQuantizer: this.opts.gradientQuantizer } : {}),
    };
  }
}
