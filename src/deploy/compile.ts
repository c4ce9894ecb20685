import type { PixelScale } from '../data/batches.js';
import type { Module } from '../nn/module.js';
import type { QuantDense } from '../nn/quant-dense.js';
import { blockValues, bnParams, denseBlocks, type Block, type BlockValues } from './dense-blocks.js';
import { DeployError } from './deploy-error.js';
import { compileConv, convLevels, splitConvNet } from './conv-layers.js';
import { foldUnits, packWeights } from './fold-layer.js';
import { AFFINE_ROWS, checkGraph, convOutput, type PackedGraph, type PackedLayer } from './graph.js';
import { dotRange, levelsProblem, pixelLevels, SIGN_LEVELS, type Levels } from './levels.js';
import { planeSums } from './pixel-dot.js';

export interface CompileOptions {
  /** The input scaling the model was trained with (checkpoint `meta.config.scale`). */
  scale: PixelScale;
}

/** Compile a trained quantized MLP (QuantDense → [BatchNorm] → [HardTanh], Dropout anywhere) into
 *  a packed graph that reproduces its eval-mode outputs: weights (±1 or k-bit linear) as bit-planes
 *  packed along the input axis, BN + the next layer's input quantizer (sign, or m-bit linear)
 *  folded into 2^m − 1 integer thresholds per unit (QNN-SPEC §9.1), k·m binary products per layer
 *  shifted and added (§3.3), the first layer on raw 8-bit pixels through bit-planes with the input
 *  scaling folded in (§5.1), the last layer's BN kept as scores (§5.3). A conv net (conv-layers.ts:
 *  Unflatten, binary conv blocks with max-pool before BN, Flatten, then dense blocks) compiles
 *  to ConvLayers (±1 weights and activations, the first on raw pixels) ahead of the dense ones.
 *  @example const graph = await compile(model, { scale: 'symmetric' }); await new PackedEngine(graph).predict(pixels, n) */
export async function compile(model: Module, opts: CompileOptions): Promise<PackedGraph> {
  const net = splitConvNet(model);
  const blocks = denseBlocks(net ? net.tail : model);
  net?.blocks.forEach((b, i) => convLevels(b, i, i === 0));
  const inputs = blocks.map((b, i) => {
    const where = `compile: dense layer ${i} (${b.dense.inFeatures}→${b.dense.outFeatures})`;
    weightLevels(b.dense, where); // refuse unpackable weights first, layer by layer
    return i === 0 && !net ? pixelLevels(opts.scale) : inputLevels(b.dense, where);
  });
  const layers: PackedLayer[] = [];
  if (net) {
    let image = net.image;
    for (const [i, b] of net.blocks.entries()) {
      const next = i + 1 < net.blocks.length ? SIGN_LEVELS : inputs[0]!;
      const layer = await compileConv(b, i, image, i === 0 ? pixelLevels(opts.scale) : SIGN_LEVELS, next, opts.scale);
      layers.push(layer);
      image = convOutput(layer);
    }
    const flat = image[0] * image[1] * image[2];
    if (blocks[0]!.dense.inFeatures !== flat) throw new DeployError(`compile: dense layer 0 takes ${blocks[0]!.dense.inFeatures} inputs, but Flatten gives [${image}] = ${flat}`);
  }
  const values = await Promise.all(blocks.map(blockValues));
  layers.push(...blocks.map((b, i) => compileBlock(b, values[i]!, i, !net && i === 0, inputs[i]!, inputs[i + 1] ?? null, opts.scale)));
  const graph: PackedGraph = { scale: opts.scale, inputs: layers[0]!.inFeatures, classes: layers.at(-1)!.outFeatures, layers };
  checkGraph(graph, 'compile');
  return graph;
}

const SUPPORTED = "supported: steSign (±1) or steLinear with 1..8 bits (weights on a range symmetric about 0)";

/** The levels a quantizer gives at run time, as it states them (Quantizer.levels), checked. */
function inputLevels(dense: QuantDense, where: string): Levels {
  const q = dense.inputQuantizer, l = q.levels;
  if (!l) throw new DeployError(`${where}: its input quantizer '${q.name}' cannot be packed (${SUPPORTED.replace(' (weights on a range symmetric about 0)', '')})`);
  const bad = levelsProblem(l, `${where}: input quantizer ${q.name}`, false);
  if (bad) throw new DeployError(bad);
  return l;
}

function weightLevels(dense: QuantDense, where: string): Levels {
  const q = dense.kernelQuantizer, l = q.levels;
  if (!l) throw new DeployError(`${where}: its weights are not binarized or linearly quantized (kernelQuantizer '${q.name}'; ${SUPPORTED})`);
  const bad = levelsProblem(l, `${where}: kernelQuantizer ${q.name}`, true);
  if (bad) throw new DeployError(`${bad}; ${SUPPORTED}`);
  return l;
}

function compileBlock({ dense, bn, activation }: Block, values: BlockValues, index: number, pixels: boolean, inL: Levels, nextL: Levels | null, scale: PixelScale): PackedLayer {
  const where = `compile: dense layer ${index} (${dense.inFeatures}→${dense.outFeatures})`;
  // the pixels go in as they are: only a quantizer that passes float values (bits 32) may sit there
  if (pixels && dense.inputQuantizer.bits < 32) throw new DeployError(`${where}: the first layer must take the pixels as they are (inputQuantizer 'identity', got '${dense.inputQuantizer.name}')`);
  const wL = weightLevels(dense, where);
  const k = dense.inFeatures, n = dense.outFeatures, w = values.weight;
  if (!w.every(Number.isFinite)) throw new DeployError(`${where}: weights hold NaN or infinity`);
  const range = dotRange(inL.bits, wL.bits, k);
  if (range >= 2 ** 31 - 1) throw new DeployError(`${where}: ${inL.bits}-bit inputs × ${wL.bits}-bit weights over ${k} inputs overflow the engine's int32 sums`);
  const weights = packWeights(w, wL, n, k);
  const base = { input: pixels ? 'pixels8' as const : 'bits' as const, inFeatures: k, outFeatures: n, inputLevels: inL, weightLevels: wL, weights };
  const params = bnParams(dense, bn, where, values);
  if (!nextL) {
    const affine = new Float32Array(AFFINE_ROWS * n);
    params.forEach((p, j) => [p.bias, p.gamma, p.mean, p.invStd, p.beta].forEach((v, r) => { affine[r * n + j] = v; }));
    return { kind: 'scores', ...base, affine };
  }
  const sums = planeSums(weights, n, wL.bits, k);
  const { thresholds, directions } = foldUnits({ params, sums, inL, wL, nextL, activation, pixels: pixels ? scale : null, range });
  return { kind: 'threshold', ...base, thresholds, directions };
}
