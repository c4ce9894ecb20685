import { kernels } from '../backends/registry.js';
import type { PixelScale } from '../data/batches.js';
import type { Module } from '../nn/module.js';
import { bnParams, denseBlocks, type Block } from './dense-blocks.js';
import { DeployError } from './deploy-error.js';
import { bnValue, foldThreshold, isPlus } from './fold-threshold.js';
import { AFFINE_ROWS, checkGraph, wordsFor, type PackedGraph, type PackedLayer } from './graph.js';
import { pixelSum, rowSums, scaledDot } from './pixel-dot.js';

export interface CompileOptions {
  /** The input scaling the model was trained with (checkpoint `meta.config.scale`). */
  scale: PixelScale;
}

/** Compile a trained binarized MLP (QuantDense → [BatchNorm] → [HardTanh], Dropout anywhere) into
 *  a packed graph that reproduces its eval-mode outputs: 1-bit weights packed along the input axis,
 *  BN + sign folded into integer thresholds (QNN-SPEC §9.1), the first layer on raw 8-bit pixels
 *  through bit-planes with the input scaling folded in (§5.1), the last layer's BN kept as scores
 *  (§5.3). Weights are packed by the active backend's `packRows`.
 *  @example const graph = compile(model, { scale: 'symmetric' }); new PackedEngine(graph).predict(pixels, n) */
export function compile(model: Module, opts: CompileOptions): PackedGraph {
  const blocks = denseBlocks(model);
  const layers = blocks.map((b, i) => compileBlock(b, i, i === blocks.length - 1, opts.scale));
  const graph: PackedGraph = { scale: opts.scale, inputs: blocks[0]!.dense.inFeatures, classes: layers.at(-1)!.outFeatures, layers };
  checkGraph(graph, 'compile');
  return graph;
}

function compileBlock({ dense, bn }: Block, index: number, last: boolean, scale: PixelScale): PackedLayer {
  const where = `compile: dense layer ${index} (${dense.inFeatures}→${dense.outFeatures})`;
  if (!dense.kernelQuantizer.binary) throw new DeployError(`${where}: its weights are not binarized (kernelQuantizer '${dense.kernelQuantizer.name}')`);
  const pixels = index === 0;
  if (pixels && dense.inputQuantizer.name !== 'identity') throw new DeployError(`${where}: the first layer must take the pixels as they are (inputQuantizer 'identity')`);
  if (!pixels && !dense.inputQuantizer.binary) throw new DeployError(`${where}: its input quantizer '${dense.inputQuantizer.name}' is not binary`);
  const k = dense.inFeatures, n = dense.outFeatures, w = dense.weight.data as Float32Array;
  if (!w.every(Number.isFinite)) throw new DeployError(`${where}: weights hold NaN or infinity`);
  const weights = new Uint32Array(n * wordsFor(k));
  kernels().packRows(w, weights, n, k);
  const params = bnParams(dense, bn, where);
  if (last) {
    const affine = new Float32Array(AFFINE_ROWS * n);
    params.forEach((p, j) => [p.bias, p.gamma, p.mean, p.invStd, p.beta].forEach((v, r) => { affine[r * n + j] = v; }));
    return { kind: 'scores', input: pixels ? 'pixels8' : 'bits', inFeatures: k, outFeatures: n, weights, affine };
  }
  const thresholds = new Int32Array(n), directions = new Uint8Array(n);
  const sums = pixels ? rowSums(weights, n, k) : null;
  params.forEach((p, j) => {
    // the float model's pre-activation for the integer the engine computes: s itself, or on the
    // first layer the scaled pixel product x·w as a float32 (its gemm output)
    const x = sums ? (d: number) => Math.fround(scaledDot(scale, pixelSum(d, sums[j]!), sums[j]!)) : (s: number) => s;
    const range = pixels ? 255 * k : k;
    const t = foldThreshold((v) => isPlus(bnValue(x(v), p)), -range, range);
    thresholds[j] = t.threshold; directions[j] = t.direction;
  });
  return { kind: 'threshold', input: pixels ? 'pixels8' : 'bits', inFeatures: k, outFeatures: n, weights, thresholds, directions };
}
