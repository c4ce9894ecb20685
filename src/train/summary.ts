import { BatchNorm } from '../nn/batch-norm.js';
import type { Module } from '../nn/module.js';
import { QuantDense } from '../nn/quant-dense.js';

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

/** Walk a model's layers and count parameters, memory packed vs float32, and binary vs other MACs. */
export function summarize(model: Module): ModelSummary {
  const layers: LayerSummary[] = [];
  let binaryWeights = 0;
  const walk = (m: Module): void => {
    if (m instanceof QuantDense) {
      const params = m.inFeatures * m.outFeatures, bias = m.bias ? m.outFeatures : 0;
      const wBits = m.kernelQuantizer.bits, inBits = m.inputQuantizer.bits;
      const macs = params;
      if (wBits === 1) binaryWeights += params;
      layers.push({
        layer: `${m.constructor.name} ${m.inFeatures}→${m.outFeatures}`, inputBits: inBits, weightBits: wBits, params: params + bias,
        packedBytes: Math.ceil((params * Math.min(wBits, 32)) / 8) + bias * 4, float32Bytes: (params + bias) * 4,
        binaryMacs: wBits === 1 && inBits === 1 ? macs : 0, otherMacs: wBits === 1 && inBits === 1 ? 0 : macs,
      });
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
