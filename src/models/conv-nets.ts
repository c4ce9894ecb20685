import { LowbitError } from '../errors/lowbit-error.js';
import { BatchNorm } from '../nn/batch-norm.js';
import { Dense } from '../nn/dense.js';
import { Flatten, Unflatten } from '../nn/flatten.js';
import { HardTanh } from '../nn/hard-tanh.js';
import { MaxPool2d } from '../nn/max-pool2d.js';
import type { Module } from '../nn/module.js';
import { QuantConv2d } from '../nn/quant-conv2d.js';
import { QuantDense } from '../nn/quant-dense.js';
import { Sequential } from '../nn/sequential.js';
import type { Padding } from '../ops/conv-geometry.js';
import { quantizerForBits } from '../quant/by-bits.js';

export interface ConvNetOptions {
  /** Float32 twin: float convolutions and Dense layers, same shapes and BN/HardTanh. */
  float?: boolean;
  /** Weight / hidden-activation bits: 1 (default, binary), 2..8 (k-bit, QNN-SPEC §3.2), 32 (float). */
  bitsW?: number;
  bitsA?: number;
  /** k-bit quantizer family for 2..8 bits: 'linear' (default) or 'log'. */
  quant?: 'linear' | 'log';
  seed?: number;
  classes?: number;
}

/** A conv net's layout: conv widths (3×3) with 'M' for a 2×2 max-pool after the conv before it,
 *  then the hidden dense widths; the input is one NHWC image. */
interface Layout { name: string; input: [number, number, number]; convs: (number | 'M')[]; dense: number[]; padding: Padding }

/** [conv → (max-pool) → BN → HardTanh] per conv, Flatten, [dense → BN → HardTanh] per hidden
 *  dense layer, dense → BN (scores for the squared hinge). Weights are quantized everywhere and
 *  hidden activations by the next layer's input quantizer; the first conv sees real pixels
 *  (QNN-SPEC §6.2). The pool comes before BN + sign (DESIGN.md, "Graphs beyond the MLP"). */
function convNet(layout: Layout, opts: ConvNetOptions): Sequential {
  for (const key of ['width', 'depth']) {
    if ((opts as Record<string, unknown>)[key] !== undefined) throw new LowbitError(`${layout.name}: '${key}' is an option of mnist-mlp; this net's widths are fixed by the paper`);
  }
  const seed = opts.seed ?? 1, classes = opts.classes ?? 10;
  if (!Number.isInteger(classes) || classes < 1) throw new LowbitError(`${layout.name}: classes must be a positive integer, got ${classes}`);
  const act = quantizerForBits(opts.bitsA ?? 1, { quant: opts.quant }), kernel = quantizerForBits(opts.bitsW ?? 1, { quant: opts.quant });
  const [height, width, channels] = layout.input;
  const layers: Module[] = [new Unflatten(layout.input)];
  let fanIn = channels, l = 0, size = [height, width];
  layout.convs.forEach((c, i) => {
    if (c === 'M') return;
    const quantizers = opts.float ? { inputQuantizer: 'identity', kernelQuantizer: 'identity' } : { inputQuantizer: l === 0 ? 'identity' : act, kernelQuantizer: kernel };
    layers.push(new QuantConv2d(fanIn, c, 3, { padding: layout.padding, seed: seed + l++, ...quantizers }));
    if (layout.padding === 'valid') size = size.map((d) => d - 2);
    if (layout.convs[i + 1] === 'M') { layers.push(new MaxPool2d(2)); size = size.map((d) => Math.floor(d / 2)); }
    layers.push(new BatchNorm(c), new HardTanh());
    fanIn = c;
  });
  layers.push(new Flatten());
  fanIn *= size[0]! * size[1]!;
  for (const [i, out] of [...layout.dense, classes].entries()) {
    layers.push(opts.float
      ? new Dense(fanIn, out, { seed: seed + l++ })
      : new QuantDense(fanIn, out, { inputQuantizer: act, kernelQuantizer: kernel, seed: seed + l++ }));
    layers.push(new BatchNorm(out));
    if (i < layout.dense.length) layers.push(new HardTanh());
    fanIn = out;
  }
  return new Sequential(layers);
}

/** FINN / BNN-PYNQ's CNV, small enough to train on a laptop CPU: 2×64C3 − MP2 − 2×128C3 − MP2 −
 *  2×256C3 − 2×512FC − 10, valid padding, 59.5 M MACs per 32×32×3 image.
 *  @example cifar10Cnv() // 1.54 M binary weights */
export const cifar10Cnv = (opts: ConvNetOptions = {}): Sequential => convNet(
  { name: 'cifar10-cnv', input: [32, 32, 3], convs: [64, 64, 'M', 128, 128, 'M', 256, 256], dense: [512, 512], padding: 'valid' }, opts);

/** The paper's CIFAR-10 net (QNN-SPEC §6.2): (2×128C3)−MP2−(2×256C3)−MP2−(2×512C3)−MP2−(2×1024FC)−10,
 *  same padding. @example cifar10BinaryNet() // 14,022,016 binary weights */
export const cifar10BinaryNet = (opts: ConvNetOptions = {}): Sequential => convNet(
  { name: 'cifar10-binarynet', input: [32, 32, 3], convs: [128, 128, 'M', 256, 256, 'M', 512, 512, 'M'], dense: [1024, 1024], padding: 'same' }, opts);

/** The paper's SVHN net (QNN-SPEC §6.3): the CIFAR-10 net with half the conv widths, the dense
 *  layers not halved. @example svhnBinaryNet() // 6,397,632 binary weights */
export const svhnBinaryNet = (opts: ConvNetOptions = {}): Sequential => convNet(
  { name: 'svhn-binarynet', input: [32, 32, 3], convs: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M'], dense: [1024, 1024], padding: 'same' }, opts);
