import { LowbitError } from '../errors/lowbit-error.js';
import { compile } from '../deploy/compile.js';
import { DeployError } from '../deploy/deploy-error.js';
import { exportOnnx } from '../deploy/onnx/export-onnx.js';
import { convOnnxGraph, hasConv } from '../deploy/onnx/export-onnx-conv.js';
import { buildModel } from '../models/registry.js';
import type { Recipe } from '../train/experiment.js';

/** Why a recipe's trained net could not be exported, or [] when both exports take it: asks the
 *  exporters themselves, on the untrained net (they accept or refuse it by its layers and
 *  quantizers, which training does not change). */
export async function exportProblems(recipe: Recipe): Promise<string[]> {
  const net = buildModel(recipe.model.name, recipe.model).eval();
  // ONNX export writes every float weight (40 MB for the default net): ask it of a narrow twin,
  // whose messages name no sizes; the width does not change which layers it takes
  // (nets whose widths are fixed refuse a width: ask it of the net itself then)
  let twin = net;
  try { twin = buildModel(recipe.model.name, { ...recipe.model, width: 2 }).eval(); } catch (e) { if (!(e instanceof LowbitError)) throw e; }
  const problems: string[] = [];
  for (const [what, run] of [
    ['lowbit export -o (.lbit)', () => compile(net, { scale: recipe.train.scale })],
    // a conv net's widths are fixed (56 MB of ONNX for BinaryNet): only walk its layers
    ['lowbit export --onnx', () => (hasConv(net) ? convOnnxGraph(net) : exportOnnx(twin, { scale: recipe.train.scale }))],
  ] as const) {
    try { await run(); } catch (e) {
      if (!(e instanceof DeployError)) throw e;
      problems.push(`${what} will refuse it: ${e.message}`);
    }
  }
  return problems;
}
