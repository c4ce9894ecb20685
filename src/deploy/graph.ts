import type { PixelScale } from '../data/batches.js';
import { DeployError } from './deploy-error.js';

/** What a layer reads: raw 8-bit pixels (dot products through the 8 bit-planes, QNN-SPEC §5.1),
 *  or the packed ±1 activations of the layer before it (DESIGN.md bit layout). */
export type LayerInput = 'pixels8' | 'bits';

/** A hidden layer: XNOR-popcount product then one integer threshold per output unit (BN + sign
 *  folded, QNN-SPEC §9.1). The integer v it thresholds is the XNOR dot product s for 'bits'
 *  input, and D = Σ_n 2^n·xnorDot(plane_n, w) for 'pixels8' input (see pixel-dot.ts).
 *  Output unit j is +1 when v >= t[j] (direction 0) or v <= t[j] (direction 1). */
export interface ThresholdLayer {
  kind: 'threshold';
  input: LayerInput;
  inFeatures: number;
  outFeatures: number;
  /** outFeatures rows of ceil(inFeatures/32) words, packed along the input axis. */
  weights: Uint32Array;
  thresholds: Int32Array;
  directions: Uint8Array;
}

/** The last layer: XNOR-popcount product, then float scores per class evaluated exactly as the
 *  float model's bias add and eval-mode BN do (QNN-SPEC §5.3, §9.1 "Output layer"). */
export interface ScoreLayer {
  kind: 'scores';
  input: LayerInput;
  inFeatures: number;
  outFeatures: number;
  weights: Uint32Array;
  /** 5 rows of outFeatures float32: bias, γ, running mean, running inverse std, β. */
  affine: Float32Array;
}

export type PackedLayer = ThresholdLayer | ScoreLayer;

/** A compiled network: no float matrix math inside, 1 bit per weight. */
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
    const words = wordsFor(l.inFeatures);
    if (l.weights.length !== l.outFeatures * words) fail(`${name}: weights hold ${l.weights.length} words, ${l.outFeatures}×${words} expected`);
    const tail = l.inFeatures % 32 === 0 ? 0 : ~0 << (l.inFeatures % 32);
    for (let r = 0; r < l.outFeatures; r++) {
      if (tail !== 0 && (l.weights[r * words + words - 1]! & tail) !== 0) fail(`${name}: weight row ${r} has bits set past inFeatures (tail bits must be 0)`);
    }
    if (l.kind === 'threshold') {
      if (l.thresholds.length !== l.outFeatures || l.directions.length !== l.outFeatures) fail(`${name}: needs ${l.outFeatures} thresholds and directions`);
      if (l.directions.some((d) => d > 1)) fail(`${name}: directions must be 0 or 1`);
    } else {
      if (l.affine.length !== AFFINE_ROWS * l.outFeatures) fail(`${name}: affine holds ${l.affine.length} values, ${AFFINE_ROWS}×${l.outFeatures} expected`);
      if (!l.affine.every(Number.isFinite)) fail(`${name}: affine parameters must be finite`);
    }
    features = l.outFeatures;
  });
  if (g.classes !== features) fail(`classes is ${g.classes} but the last layer gives ${features}`);
}
