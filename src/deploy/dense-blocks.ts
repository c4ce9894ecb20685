import { BatchNorm } from '../nn/batch-norm.js';
import { Dropout } from '../nn/dropout.js';
import { HardTanh } from '../nn/hard-tanh.js';
import type { Module } from '../nn/module.js';
import { QuantDense } from '../nn/quant-dense.js';
import { Sequential } from '../nn/sequential.js';
import { DeployError } from './deploy-error.js';
import type { Tensor } from '../tensor/tensor.js';
import type { BnParams } from './fold-threshold.js';

export interface Block { dense: QuantDense; bn: BatchNorm | null; activation: boolean }

function flatten(m: Module): Module[] {
  return m instanceof Sequential ? m.layers.flatMap(flatten) : [m];
}

/** The model as dense blocks: QuantDense → [BatchNorm] → [HardTanh], Dropout skipped (the identity
 *  in eval mode). What compile() and exportOnnx() accept; anything else is a DeployError. */
export function denseBlocks(model: Module): Block[] {
  const mods = flatten(model);
  const blocks: Block[] = [];
  for (const [i, m] of mods.entries()) {
    const last = blocks.at(-1), where = `compile: layer ${i} (${m.constructor.name})`;
    if (m instanceof Dropout) continue;
    if (m instanceof QuantDense) { blocks.push({ dense: m, bn: null, activation: false }); continue; }
    if (!last) throw new DeployError(`${where}: the network must start with a QuantDense layer`);
    // exactly BatchNorm: a ShiftBatchNorm (a subclass) normalises with powers of two and folds differently
    if (m instanceof BatchNorm && m.constructor === BatchNorm && !last.bn && !last.activation) { last.bn = m; continue; }
    if (m instanceof HardTanh && !last.activation) { last.activation = true; continue; }
    throw new DeployError(`${where}: only QuantDense → [BatchNorm] → [HardTanh] blocks (and Dropout) can be compiled`);
  }
  if (blocks.length === 0) throw new DeployError('compile: the model has no QuantDense layer');
  if (blocks.at(-1)!.activation) throw new DeployError('compile: a HardTanh after the last layer clamps the scores; the packed graph gives unclamped scores');
  return blocks;
}

/** A block's trained values, read back from the backend (compiling is an edge where numbers come back). */
export interface BlockValues {
  weight: Float32Array; bias?: Float32Array;
  gamma?: Float32Array; beta?: Float32Array; mean?: Float32Array; invStd?: Float32Array;
}

export async function blockValues({ dense, bn }: Block): Promise<BlockValues> {
  const read = async (t: Tensor | null | undefined) => (t ? Float32Array.from(await t.data()) : undefined);
  return {
    weight: (await read(dense.weight))!, bias: await read(dense.bias),
    gamma: await read(bn?.gamma), beta: await read(bn?.beta), mean: await read(bn?.runningMean), invStd: await read(bn?.runningInvStd),
  };
}

/** Per unit: bias and BN statistics as float32 values (identity BN when there is none). */
export function bnParams(dense: QuantDense, bn: BatchNorm | null, where: string, v: BlockValues): BnParams[] {
  return unitParams(dense.outFeatures, bn, where, v);
}

/** bnParams for `n` units of any layer (a dense layer's outputs, a conv's filters). */
export function unitParams(n: number, bn: BatchNorm | null, where: string, v: Omit<BlockValues, 'weight'>): BnParams[] {
  if (bn && bn.features !== n) throw new DeployError(`${where}: followed by BatchNorm(${bn.features})`);
  return Array.from({ length: n }, (_, j) => {
    const p: BnParams = { bias: v.bias?.[j] ?? 0, gamma: v.gamma?.[j] ?? 1, mean: v.mean?.[j] ?? 0, invStd: v.invStd?.[j] ?? 1, beta: v.beta?.[j] ?? 0 };
    if (!Object.values(p).every(Number.isFinite)) throw new DeployError(`${where}: unit ${j} has a non-finite bias or BN parameter`);
    return p;
  });
}
