import type { PixelScale } from '../data/batches.js';
import type { Module } from '../nn/module.js';
import type { QuantDense } from '../nn/quant-dense.js';
import { blockValues, bnParams, denseBlocks, type Block, type BlockValues } from './dense-blocks.js';
import { DeployError } from './deploy-error.js';
import { bnValue, foldThreshold } from './fold-threshold.js';
import { AFFINE_ROWS, checkGraph, thresholdsPerUnit, wordsFor, type PackedGraph, type PackedLayer } from './graph.js';
import { codeOf, dotRange, dotValue, levelsProblem, pixelLevels, type Levels } from './levels.js';
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
 *  scaling folded in (§5.1), the last layer's BN kept as scores (§5.3).
 *  @example const graph = await compile(model, { scale: 'symmetric' }); await new PackedEngine(graph).predict(pixels, n) */
export async function compile(model: Module, opts: CompileOptions): Promise<PackedGraph> {
  const blocks = denseBlocks(model);
  const inputs = blocks.map((b, i) => {
    const where = `compile: dense layer ${i} (${b.dense.inFeatures}→${b.dense.outFeatures})`;
    weightLevels(b.dense, where); // refuse unpackable weights first, layer by layer
    return i === 0 ? pixelLevels(opts.scale) : inputLevels(b.dense, where);
  });
  const values = await Promise.all(blocks.map(blockValues));
  const layers = blocks.map((b, i) => compileBlock(b, values[i]!, i, inputs[i]!, inputs[i + 1] ?? null, opts.scale));
  const graph: PackedGraph = { scale: opts.scale, inputs: blocks[0]!.dense.inFeatures, classes: layers.at(-1)!.outFeatures, layers };
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

/** Weight codes as planes: row j·Q + q holds bit q of unit j's codes (bit 1 = code bit set; for
 *  ±1 that is the sign bit, as packRows makes it). */
function packWeights(w: Float32Array, levels: Levels, n: number, k: number): Uint32Array {
  const q = levels.bits, words = wordsFor(k), out = new Uint32Array(n * q * words);
  for (let j = 0; j < n; j++) for (let i = 0; i < k; i++) {
    const code = codeOf(levels, w[j * k + i]!);
    for (let b = 0; b < q; b++) if ((code >>> b) & 1) out[(j * q + b) * words + (i >>> 5)]! |= 1 << (i & 31);
  }
  return out;
}

function compileBlock({ dense, bn, activation }: Block, values: BlockValues, index: number, inL: Levels, nextL: Levels | null, scale: PixelScale): PackedLayer {
  const where = `compile: dense layer ${index} (${dense.inFeatures}→${dense.outFeatures})`;
  const pixels = index === 0;
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
  const per = thresholdsPerUnit(nextL.bits), thresholds = new Int32Array(n * per), directions = new Uint8Array(n * per);
  const sums = planeSums(weights, n, wL.bits, k);
  params.forEach((p, j) => {
    // the next layer's input code for the integer the engine computes: the float model's
    // pre-activation as a float32 (its product's output), bias + BN, HardTanh, then the quantizer.
    // On raw pixels that is the exact value of the integer: the float model's own sum of rounded
    // pixels is no function of it, and lies within pixel-dot.ts pixelRoundingBound of it
    const code = (v: number): number => {
      const y = bnValue(Math.fround(dotValue(inL, wL, v, sums[j]!, pixels ? scale : null)), p);
      return codeOf(nextL, activation ? (y < -1 ? -1 : y > 1 ? 1 : y) : y);
    };
    for (let t = 0; t < per; t++) {
      const f = foldThreshold((v) => code(v) >= t + 1, -range, range);
      thresholds[j * per + t] = f.threshold; directions[j * per + t] = f.direction;
    }
  });
  return { kind: 'threshold', ...base, thresholds, directions };
}
