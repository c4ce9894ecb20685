import { LowbitError } from '../errors/lowbit-error.js';
import { BatchNorm } from '../nn/batch-norm.js';
import { Embedding } from '../nn/embedding.js';
import { Flatten, Unflatten } from '../nn/flatten.js';
import { MaxPool2d } from '../nn/max-pool2d.js';
import type { Module } from '../nn/module.js';
import { QuantConv2d } from '../nn/quant-conv2d.js';
import { QuantDense } from '../nn/quant-dense.js';
import { QuantGRU } from '../nn/quant-gru.js';
import { QuantLSTM } from '../nn/quant-lstm.js';
import { convGeometry } from '../ops/conv-geometry.js';
import type { Quantizer } from '../quant/quantizer.js';

/** One row of a model summary: what a layer costs in bits, bytes and multiply-accumulates. */
export interface LayerSummary {
  layer: string;
  inputBits: number;
  weightBits: number;
  params: number;
  /** Bytes at run time with weights packed to weightBits (float params stay 4 bytes). */
  packedBytes: number;
  float32Bytes: number;
  /** MACs per sample with both operands 1-bit (XNOR-popcount). */
  binaryMacs: number;
  /** MACs per sample with a multi-bit operand. */
  otherMacs: number;
}

export interface ModelSummary { layers: LayerSummary[]; total: Omit<LayerSummary, 'layer' | 'inputBits' | 'weightBits'> & { binaryWeights: number } }

export interface SummaryOptions {
  /** One sample's shape (NHWC without the batch, e.g. [32, 32, 3]) where the model does not
   *  start with Unflatten: a conv layer's MACs depend on its input's height and width. */
  inputShape?: readonly number[];
}

/** Walk a model's layers and count parameters, memory packed vs float32, and binary vs other MACs
 *  per sample (a conv's weights count once, its MACs at every output position).
 *  @example summarize(buildModel('cifar10-binarynet')).total.binaryWeights // → 14022016 */
export function summarize(model: Module, opts: SummaryOptions = {}): ModelSummary {
  const layers: LayerSummary[] = [];
  let binaryWeights = 0, shape: readonly number[] | null = opts.inputShape ?? null, sequenceBits = 32;
  const product = (layer: string, input: Pick<Quantizer, 'bits'>, kernel: Pick<Quantizer, 'bits'>, weights: number, bias: number, positions: number): void => {
    const wBits = kernel.bits, inBits = input.bits, macs = weights * positions, binary = wBits === 1 && inBits === 1;
    if (wBits === 1) binaryWeights += weights;
    layers.push({
      layer, inputBits: inBits, weightBits: wBits, params: weights + bias,
      packedBytes: Math.ceil((weights * Math.min(wBits, 32)) / 8) + bias * 4, float32Bytes: (weights + bias) * 4,
      binaryMacs: binary ? macs : 0, otherMacs: binary ? 0 : macs,
    });
  };
  const walk = (m: Module): void => {
    if (m instanceof QuantConv2d) {
      if (shape?.length !== 3) {
        throw new LowbitError(`summary: QuantConv2d(${m.inChannels}→${m.outChannels}) needs its input's height and width: start the model `
          + 'with Unflatten([height, width, channels]) or pass inputShape');
      }
      const g = convGeometry(`summary: QuantConv2d(${m.inChannels}→${m.outChannels})`, [1, ...shape], m.kh, m.kw, m.stride, m.padding);
      shape = [g.outH, g.outW, m.outChannels];
      product(`${m.constructor.name} ${m.inChannels}→${m.outChannels} ${m.kh}×${m.kw} → ${g.outH}×${g.outW}`, m.inputQuantizer, m.kernelQuantizer,
        m.outChannels * m.kh * m.kw * m.inChannels, m.bias ? m.outChannels : 0, g.outH * g.outW);
    } else if (m instanceof QuantDense) {
      shape = [m.outFeatures];
      product(`${m.constructor.name} ${m.inFeatures}→${m.outFeatures}`, m.inputQuantizer, m.kernelQuantizer, m.inFeatures * m.outFeatures, m.bias ? m.outFeatures : 0, 1);
    } else if (m instanceof Embedding) {
      // a lookup: float rows, no multiply-accumulates
      shape = [m.dim];
      layers.push({ layer: `Embedding ${m.vocabulary}×${m.dim}`, inputBits: 32, weightBits: 32, params: m.vocabulary * m.dim, packedBytes: 4 * m.vocabulary * m.dim,
        float32Bytes: 4 * m.vocabulary * m.dim, binaryMacs: 0, otherMacs: 0 });
    } else if (m instanceof QuantLSTM || m instanceof QuantGRU) {
      // per word (MACs per time step): the input's product reads the layer's input as it comes
      // (float from an embedding, the quantized h of a layer below), the recurrent one its own h
      const gates = (m instanceof QuantLSTM ? 4 : 3) * m.hidden, bias = m instanceof QuantLSTM ? gates : 2 * gates, name = m.constructor.name;
      product(`${name} ${m.inputSize}→${m.hidden} input`, { bits: sequenceBits }, m.kernelQuantizer, gates * m.inputSize, bias, 1);
      product(`${name} ${m.hidden}→${m.hidden} recurrent`, m.gateQuantizer.tanh, m.kernelQuantizer, gates * m.hidden, 0, 1);
      shape = [m.hidden];
      sequenceBits = m.gateQuantizer.tanh.bits;
    } else if (m instanceof Unflatten) {
      shape = m.shape;
    } else if (m instanceof MaxPool2d) {
      const g = shape?.length === 3 ? convGeometry('summary: MaxPool2d', [1, ...shape], m.size, m.size, m.stride, 'valid') : null;
      shape = g ? [g.outH, g.outW, g.channels] : null;
    } else if (m instanceof Flatten) {
      shape = shape ? [shape.reduce((a, d) => a * d, 1)] : null;
    } else if (m instanceof BatchNorm) {
      layers.push({ layer: `${m.constructor.name} ${m.features}`, inputBits: 32, weightBits: 32, params: 2 * m.features, packedBytes: 8 * m.features, float32Bytes: 8 * m.features, binaryMacs: 0, otherMacs: 0 });
    } else {
      const children = m.modules();
      if (children.length) children.forEach(walk);
    }
  };
  walk(model);
  const sum = (k: keyof Omit<LayerSummary, 'layer'>): number => layers.reduce((s, l) => s + l[k], 0);
  return {
    layers,
    total: { params: sum('params'), packedBytes: sum('packedBytes'), float32Bytes: sum('float32Bytes'), binaryMacs: sum('binaryMacs'), otherMacs: sum('otherMacs'), binaryWeights },
  };
}
