import { LowbitError } from '../errors/lowbit-error.js';
import { add } from '../ops/arithmetic.js';
import { conv2d } from '../ops/conv2d.js';
import type { Padding } from '../ops/conv-geometry.js';
import type { Quantizer } from '../quant/quantizer.js';
import { quantizer, type QuantizerSpec } from '../quant/registry.js';
import { zeros } from '../tensor/creation.js';
import { Random } from '../tensor/random.js';
import type { Tensor } from '../tensor/tensor.js';
import { uniformInit } from './init.js';
import { Module, type LayerConfig } from './module.js';
import type { Parameter } from './parameter.js';
import { weightLrScale, type LrScaleSpec } from './quant-dense.js';

export interface QuantConv2dOptions {
  /** Window stride (default 1). */
  stride?: number;
  /** 'valid' (default; FINN's CNV) or 'same' (BinaryNet's CIFAR-10/SVHN nets). */
  padding?: Padding;
  inputQuantizer?: QuantizerSpec;
  kernelQuantizer?: QuantizerSpec;
  /** Redundant before batch norm (β absorbs it), so off by default (QNN-SPEC §2.4). */
  bias?: boolean;
  /** As QuantDense's, with fan-in kh·kw·C and fan-out kh·kw·out (BinaryNet's Conv2DLayer). */
  lrScale?: LrScaleSpec;
  seed?: number;
}

/** 2-d convolution with quantized input and weights over NHWC images: y = qIn(x) ⊛ qW(W) (+ b),
 *  W [out, kh, kw, C] latent float clipped to [-1, 1] when quantized (its rows ordered as im2col's,
 *  C fastest, and packed that way). Binary input and weights run as XNOR-popcount on packed
 *  bits with +1 padding (DESIGN.md), so training and packed inference agree bit for bit; a float
 *  input (the first layer, on real pixels) with binary weights runs as float × ±1; k-bit and float
 *  ones as float products of the quantized values, zero padded.
 *  Shapes: x [batch, H, W, C] → y [batch, outH, outW, out].
 *  @example new QuantConv2d(3, 64, 3, { inputQuantizer: 'identity', kernelQuantizer: 'steSign' }) */
export class QuantConv2d extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly inputQuantizer: Quantizer;
  readonly kernelQuantizer: Quantizer;
  readonly kh: number;
  readonly kw: number;
  readonly stride: number;
  readonly padding: Padding;
  private readonly lrScaleSpec: LrScaleSpec;

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: number | readonly [number, number],
    private readonly opts: QuantConv2dOptions = {}) {
    super();
    const [kh, kw] = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : kernelSize;
    this.kh = kh; this.kw = kw;
    this.stride = opts.stride ?? 1;
    this.padding = opts.padding ?? 'valid';
    for (const [what, v] of [['inChannels', inChannels], ['outChannels', outChannels], ['kernel height', kh], ['kernel width', kw], ['stride', this.stride]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new LowbitError(`QuantConv2d: ${what} must be a positive integer, got ${v}`);
    }
    if (this.padding !== 'same' && this.padding !== 'valid') throw new LowbitError(`QuantConv2d: padding must be 'same' or 'valid', got ${JSON.stringify(this.padding)}`);
    this.inputQuantizer = quantizer(opts.inputQuantizer ?? 'identity');
    this.kernelQuantizer = quantizer(opts.kernelQuantizer ?? 'steSign');
    const quantized = this.kernelQuantizer.bits < 32, taps = kh * kw;
    // quantized kernels: latent U(-1,1) (QNN-SPEC §2.3); float ones: Glorot-uniform
    const limit = quantized ? 1 : Math.sqrt(6 / (taps * (inChannels + outChannels)));
    this.weight = this.param('weight', uniformInit([outChannels, kh, kw, inChannels], limit, new Random(opts.seed ?? 1)));
    const scale = this.lrScaleSpec = opts.lrScale ?? (quantized ? 'glorot' : 1);
    this.weight.lrScale = weightLrScale(scale, taps * inChannels, taps * outChannels, 'QuantConv2d');
    if (quantized) this.weight.clip = 1;
    this.bias = opts.bias ? this.param('bias', zeros([outChannels])) : null;
  }

  forward(x: Tensor): Tensor {
    if (x.rank !== 4 || x.shape[3] !== this.inChannels) {
      throw new LowbitError(`QuantConv2d(${this.inChannels}→${this.outChannels}): input must be NHWC [batch, height, width, ${this.inChannels}], got [${x.shape}]`);
    }
    const ctx = { training: this.training, rng: this.rng };
    const xq = this.inputQuantizer.apply(x, ctx), binaryIn = this.inputQuantizer.binary;
    const clip = this.kernelQuantizer.signClip, stride = this.stride, padding = this.padding, padValue = binaryIn ? 1 : 0;
    let y: Tensor;
    if (clip !== null) { // the weight's sign and its straight-through gradient fused into the product
      y = conv2d(xq, this.weight, { mode: binaryIn ? 'binary' : 'signWeight', stride, padding, padValue, clip });
    } else {
      const wq = this.kernelQuantizer.apply(this.weight, ctx);
      const mode = binaryIn && this.kernelQuantizer.binary ? 'binary' : 'float';
      y = conv2d(xq, wq, { mode, stride, padding, padValue, clip: null });
    }
    return this.bias ? add(y, this.bias) : y;
  }

  config(): LayerConfig {
    return {
      type: 'QuantConv2d', inChannels: this.inChannels, outChannels: this.outChannels, kernelSize: [this.kh, this.kw],
      stride: this.stride, padding: this.padding, inputQuantizer: this.inputQuantizer.config(), kernelQuantizer: this.kernelQuantizer.config(),
      bias: this.bias !== null, lrScale: this.lrScaleSpec, seed: this.opts.seed ?? 1,
    };
  }
}
