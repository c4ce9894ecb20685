import type { PixelScale } from '../data/batches.js';
import { DeployError } from './deploy-error.js';
import { dotRange, levelsProblem, pixelLevels, type Levels } from './levels.js';

/** What a layer reads: raw 8-bit pixels (dot products through the 8 bit-planes, QNN-SPEC §5.1),
 *  or the packed ±1 activations of the layer before it (DESIGN.md bit layout). */
export type LayerInput = 'pixels8' | 'bits';

/** What every layer holds: its input and weight levels (levels.ts) and the weight planes.
 *  The integer v a layer computes per unit is T = Σ_{n,q} 2^{n+q}·xnorDot(input plane n, weight
 *  plane q): the XNOR dot product s for ±1 × ±1, D of pixel-dot.ts for pixels × ±1. */
interface LayerBase {
  input: LayerInput;
  inFeatures: number;
  outFeatures: number;
  /** Levels of the input: pixelLevels(scale) for 'pixels8', else the layer's input quantizer. */
  inputLevels: Levels;
  /** Levels of the weights (symmetric); SIGN_LEVELS for ±1. */
  weightLevels: Levels;
  /** outFeatures × weightLevels.bits rows (row j·Q + q: plane q of unit j) of ceil(inFeatures/32)
   *  words, packed along the input axis. */
  weights: Uint32Array;
}

/** A hidden layer: product, then BN and the next layer's input quantizer folded into
 *  2^b − 1 integer thresholds per unit (QNN-SPEC §9.1, b = the next layer's inputLevels.bits).
 *  Threshold i of unit j (index j·(2^b − 1) + i) holds when v >= t (direction 0) or v <= t
 *  (direction 1); the unit's output code is the number that hold (for ±1: 1 = −1). */
export interface ThresholdLayer extends LayerBase {
  kind: 'threshold';
  thresholds: Int32Array;
  directions: Uint8Array;
}

/** The last layer: XNOR-popcount product, then float scores per class evaluated exactly as the
 *  float model's bias add and eval-mode BN do (QNN-SPEC §5.3, §9.1 "Output layer"). */
export interface ScoreLayer extends LayerBase {
  kind: 'scores';
  /** 5 rows of outFeatures float32: bias, γ, running mean, running inverse std, β. */
  affine: Float32Array;
}

export type PackedLayer = ThresholdLayer | ScoreLayer;

/** A compiled network: no float matrix math inside, 1 to 8 bits per weight. */
export interface PackedGraph {
  /** How the float model scaled pixels: 'symmetric' x = 2p/255 − 1, 'unit' x = p/255. */
  scale: PixelScale;
  inputs: number;
  classes: number;
  layers: PackedLayer[];
}

/** Largest layer width: keeps every pixel-layer sum |D| <= 255·k inside int32. */
export const MAX_FEATURES = 1 << 22;
export const AFFINE_ROWS = 5;

export const wordsFor = (features: number): number => Math.ceil(features / 32);
/** Thresholds per unit of a layer whose output feeds `bits`-bit codes. */
export const thresholdsPerUnit = (bits: number): number => 2 ** bits - 1;

/** Check a graph's structure and sizes (compile's output and every decoded file pass here), so
 *  the engine can trust them: layer chain, array lengths, zero tail bits, finite affines. */
export function checkGraph(g: PackedGraph, where = 'graph'): void {
  const fail = (what: string): never => { throw new DeployError(`${where}: ${what}`); };
  if (g.scale !== 'symmetric' && g.scale !== 'unit') fail(`scale must be 'symmetric' or 'unit', got ${JSON.stringify(g.scale)}`);
  if (g.layers.length < 1) fail('has no layers');
  let features = g.inputs;
  g.layers.forEach((l, i) => {
    const name = `layer ${i} (${l.kind})`;
    for (const [k, v] of [['inFeatures', l.inFeatures], ['outFeatures', l.outFeatures]] as const) {
      if (!Number.isInteger(v) || v < 1 || v > MAX_FEATURES) fail(`${name}: ${k} must be an integer in 1..${MAX_FEATURES}, got ${v}`);
    }
    if (l.inFeatures !== features) fail(`${name}: takes ${l.inFeatures} inputs but the layer before gives ${features}`);
    if (l.input !== (i === 0 ? 'pixels8' : 'bits')) fail(`${name}: input must be '${i === 0 ? 'pixels8' : 'bits'}', got '${l.input}'`);
    if (l.kind !== (i === g.layers.length - 1 ? 'scores' : 'threshold')) fail(`${name}: only the last layer gives scores, every other one thresholds`);
    const inL = l.inputLevels, wL = l.weightLevels;
    const levelsBad = levelsProblem(inL, `${name}: inputLevels`, false) ?? levelsProblem(wL, `${name}: weightLevels`, true);
    if (levelsBad) fail(levelsBad);
    if (i === 0) {
      const px = pixelLevels(g.scale);
      if (inL.bits !== px.bits || inL.lo !== px.lo || inL.hi !== px.hi) fail(`${name}: inputLevels must be the ${g.scale} pixel levels ${JSON.stringify(px)}`);
    }
    if (dotRange(inL.bits, wL.bits, l.inFeatures) >= 2 ** 31 - 1) fail(`${name}: ${inL.bits}-bit inputs × ${wL.bits}-bit weights over ${l.inFeatures} inputs overflow int32`);
    const words = wordsFor(l.inFeatures), rows = l.outFeatures * wL.bits;
    if (l.weights.length !== rows * words) fail(`${name}: weights hold ${l.weights.length} words, ${rows}×${words} expected`);
    const tail = l.inFeatures % 32 === 0 ? 0 : ~0 << (l.inFeatures % 32);
    for (let r = 0; r < rows; r++) {
      if (tail !== 0 && (l.weights[r * words + words - 1]! & tail) !== 0) fail(`${name}: weight row ${r} has bits set past inFeatures (tail bits must be 0)`);
    }
    if (l.kind === 'threshold') {
      const next = g.layers[i + 1]?.inputLevels?.bits ?? 1, count = l.outFeatures * thresholdsPerUnit(next);
      if (l.thresholds.length !== count || l.directions.length !== count) fail(`${name}: needs ${count} thresholds and directions (${l.outFeatures} units × ${thresholdsPerUnit(next)} for the next layer's ${next}-bit input)`);
      if (l.directions.some((d) => d > 1)) fail(`${name}: directions must be 0 or 1`);
    } else {
      if (l.affine.length !== AFFINE_ROWS * l.outFeatures) fail(`${name}: affine holds ${l.affine.length} values, ${AFFINE_ROWS}×${l.outFeatures} expected`);
      if (!l.affine.every(Number.isFinite)) fail(`${name}: affine parameters must be finite`);
    }
    features = l.outFeatures;
  });
  if (g.classes !== features) fail(`classes is ${g.classes} but the last layer gives ${features}`);
}
