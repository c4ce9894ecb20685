import type { PixelScale } from '../data/batches.js';
import { BatchNorm } from '../nn/batch-norm.js';
import { Dropout } from '../nn/dropout.js';
import { Flatten, Unflatten } from '../nn/flatten.js';
import { HardTanh } from '../nn/hard-tanh.js';
import { MaxPool2d } from '../nn/max-pool2d.js';
import type { Module } from '../nn/module.js';
import { QuantConv2d } from '../nn/quant-conv2d.js';
import { Sequential } from '../nn/sequential.js';
import { convGeometry } from '../ops/conv-geometry.js';
import { LowbitError } from '../errors/lowbit-error.js';
import type { Tensor } from '../tensor/tensor.js';
import { unitParams } from './dense-blocks.js';
import { DeployError } from './deploy-error.js';
import { foldUnits, packWeights } from './fold-layer.js';
import { type ConvLayer, type ConvShape, type PoolShape } from './graph.js';
import { dotRange, isSignCode, type Levels } from './levels.js';
import { planeSums } from './pixel-dot.js';

/** QuantConv2d → [MaxPool2d] → [BatchNorm] → [HardTanh] (Dropout skipped): the pool before BN,
 *  as conv-nets.ts builds it (DESIGN.md: pool the pre-activations, never the signs). */
export interface ConvBlock { conv: QuantConv2d; pool: MaxPool2d | null; bn: BatchNorm | null; activation: boolean }

/** A conv net split for compile(): the input image, its conv blocks, and what follows Flatten. */
export interface ConvNet { image: [number, number, number]; blocks: ConvBlock[]; tail: Module }

const unnest = (m: Module): Module[] => (m instanceof Sequential ? m.layers.flatMap(unnest) : [m]);
const SHAPE = 'Unflatten([height, width, channels]) → [QuantConv2d → [MaxPool2d] → [BatchNorm] → [HardTanh]]… → Flatten → dense blocks';

/** The model's conv part, or null for a model without QuantConv2d (an MLP). Anything the packed
 *  engine cannot run is a DeployError naming the layer. */
export function splitConvNet(model: Module): ConvNet | null {
  const mods = unnest(model).filter((m) => !(m instanceof Dropout));
  if (!mods.some((m) => m instanceof QuantConv2d)) return null;
  const first = mods[0];
  if (!(first instanceof Unflatten) || first.shape.length !== 3) throw new DeployError(`compile: a conv net must start with Unflatten([height, width, channels]), so that the image size is known (${SHAPE})`);
  const blocks: ConvBlock[] = [];
  for (const [i, m] of mods.entries()) {
    if (i === 0) continue;
    const last = blocks.at(-1), where = `compile: layer ${i} (${m.constructor.name})`;
    if (m instanceof QuantConv2d) { blocks.push({ conv: m, pool: null, bn: null, activation: false }); continue; }
    if (m instanceof Flatten && last) return { image: first.shape as [number, number, number], blocks, tail: new Sequential(mods.slice(i + 1)) };
    if (!last) throw new DeployError(`${where}: Unflatten must be followed by a QuantConv2d (${SHAPE})`);
    if (m instanceof MaxPool2d && !last.pool && !last.bn && !last.activation) { last.pool = m; continue; }
    if (m instanceof MaxPool2d) throw new DeployError(`${where}: the packed engine max-pools a conv's products before BatchNorm and HardTanh (as the paper's nets do); this one pools after them`);
    // exactly BatchNorm: a ShiftBatchNorm (a subclass) normalises with powers of two and folds differently
    if (m instanceof BatchNorm && m.constructor === BatchNorm && !last.bn && !last.activation) { last.bn = m; continue; }
    if (m instanceof HardTanh && !last.activation) { last.activation = true; continue; }
    throw new DeployError(`${where}: only ${SHAPE} can be compiled`);
  }
  throw new DeployError(`compile: the conv layers must end in Flatten before the dense layers (${SHAPE})`);
}

const where = (i: number, c: QuantConv2d): string => `compile: conv layer ${i} (${c.inChannels}→${c.outChannels}, ${c.kh}×${c.kw})`;

/** The levels of a conv's weights and inputs, refused unless the engine runs them: ±1 weights;
 *  raw pixels (first) or ±1 inputs. */
export function convLevels(b: ConvBlock, i: number, first: boolean): void {
  const { conv } = b, at = where(i, conv), wl = conv.kernelQuantizer.levels, il = conv.inputQuantizer.levels;
  if (!wl) throw new DeployError(`${at}: float conv weights (kernelQuantizer '${conv.kernelQuantizer.name}') cannot be packed; use steSign`);
  if (!isSignCode(wl)) throw new DeployError(`${at}: ${wl.bits}-bit conv weights (kernelQuantizer '${conv.kernelQuantizer.name}') are not supported by the packed engine yet; only ±1 (steSign)`);
  if (first && conv.inputQuantizer.bits < 32) throw new DeployError(`${at}: the first layer must take the pixels as they are (inputQuantizer 'identity', got '${conv.inputQuantizer.name}')`);
  if (!first && !(il && isSignCode(il))) throw new DeployError(`${at}: its input quantizer '${conv.inputQuantizer.name}' gives ${il ? `${il.bits}-bit` : 'float'} activations; the packed engine runs ±1 conv activations only (steSign)`);
}

async function values(b: ConvBlock) {
  const read = async (t: Tensor | null | undefined) => (t ? Float32Array.from(await t.data()) : undefined);
  return {
    weight: (await read(b.conv.weight))!, bias: await read(b.conv.bias),
    gamma: await read(b.bn?.gamma), beta: await read(b.bn?.beta), mean: await read(b.bn?.runningMean), invStd: await read(b.bn?.runningInvStd),
  };
}

/** One conv block as a packed ConvLayer on image [H, W, C] (convLevels checked): ±1 weights
 *  packed along (i, j, c), BN + HardTanh + the next layer's sign folded per filter. */
export async function compileConv(b: ConvBlock, i: number, image: [number, number, number], inL: Levels, nextL: Levels, scale: PixelScale): Promise<ConvLayer> {
  const { conv } = b, at = where(i, conv), first = i === 0, wL = conv.kernelQuantizer.levels!;
  if (!isSignCode(nextL)) throw new DeployError(`${at}: the next layer takes ${nextL.bits}-bit inputs; the packed engine runs ±1 conv activations only (steSign)`);
  const [height, width, channels] = image;
  if (channels !== conv.inChannels) throw new DeployError(`${at}: takes ${conv.inChannels} channels, the layer before gives [${image}]`);
  let g: ConvShape, pool: PoolShape | null = null;
  try {
    const { batch: _batch, ...shape } = convGeometry(at, [1, height, width, channels], conv.kh, conv.kw, conv.stride, conv.padding);
    g = shape;
    if (b.pool) {
      const p = convGeometry(`${at} max-pool`, [1, g.outH, g.outW, conv.outChannels], b.pool.size, b.pool.size, b.pool.stride, 'valid');
      pool = { size: b.pool.size, stride: b.pool.stride, outH: p.outH, outW: p.outW };
    }
  } catch (e) { if (e instanceof LowbitError) throw new DeployError(e.message); throw e; }
  const v = await values(b), n = conv.outChannels, k = conv.kh * conv.kw * channels;
  if (!v.weight.every(Number.isFinite)) throw new DeployError(`${at}: weights hold NaN or infinity`);
  const weights = packWeights(v.weight, wL, n, k), range = dotRange(inL.bits, wL.bits, k);
  const { thresholds, directions } = foldUnits({
    params: unitParams(n, b.bn, at, v), sums: planeSums(weights, n, 1, k), inL, wL, nextL,
    activation: b.activation, pixels: first ? scale : null, range,
  });
  const [outH, outW] = [pool?.outH ?? g.outH, pool?.outW ?? g.outW];
  return {
    kind: 'conv', input: first ? 'pixels8' : 'bits', inFeatures: height * width * channels, outFeatures: outH * outW * n,
    inputLevels: inL, weightLevels: wL, weights, conv: g, filters: n, pool, thresholds, directions,
  };
}
