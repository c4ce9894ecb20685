import type { ConvGeometry } from '../backends/kernels.js';
import type { PixelScale } from '../data/batches.js';
import { DeployError } from './deploy-error.js';
import { dotRange, isSignCode, levelsProblem, pixelLevels, type Levels } from './levels.js';

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

/** Where a conv layer's window moves over its input image: Kernels' ConvGeometry without the batch. */
export type ConvShape = Omit<ConvGeometry, 'batch'>;
/** Max-pool of size × size windows moved by stride, inside the image (MaxPool2d), outH × outW windows. */
export interface PoolShape { size: number; stride: number; outH: number; outW: number }

/** A convolution over NHWC images (DESIGN.md "Graphs beyond the MLP"), ±1 weights [filters, kh,
 *  kw, C] as `filters` rows of ceil(kh·kw·C/32) words packed along (i, j, c), C fastest (as
 *  QuantConv2d stores them). Per output pixel and filter the engine computes the integer v of a
 *  dense layer over that pixel's window: the XNOR dot product on ±1 inputs (padding +1, as in
 *  training), D of pixel-dot.ts on raw pixels (padding byte 0, which is x = 0 for 'unit' pixels
 *  only). `pool` max-pools the pre-activations before BN (as the float model does): per window
 *  the largest v on ±1 inputs, the smallest D on pixels (D falls as the pre-activation rises).
 *  Then BN + sign as one threshold per filter (ThresholdLayer's rule). Output: ±1 NHWC [outH,
 *  outW, filters] (the pool's, else the conv's), a pixel's filters packed in ceil(filters/32)
 *  words; a dense layer after it reads them in Flatten's NHWC order.
 *  inFeatures = height·width·channels, outFeatures = outH·outW·filters. */
export interface ConvLayer extends LayerBase {
  kind: 'conv';
  conv: ConvShape;
  filters: number;
  pool: PoolShape | null;
  thresholds: Int32Array;
  directions: Uint8Array;
}

export type PackedLayer = ThresholdLayer | ScoreLayer | ConvLayer;

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
/** The length of a layer's weight rows: a conv's window, a dense layer's inputs. */
export const rowLength = (l: PackedLayer): number => (l.kind === 'conv' ? l.conv.kh * l.conv.kw * l.conv.channels : l.inFeatures);
/** Weight rows of a layer: one per filter and weight plane. */
export const weightRows = (l: PackedLayer): number => (l.kind === 'conv' ? l.filters : l.outFeatures) * l.weightLevels.bits;
/** A conv's output image [outH, outW, filters] (after its pool). */
export const convOutput = (l: ConvLayer): [number, number, number] =>
  [l.pool?.outH ?? l.conv.outH, l.pool?.outW ?? l.conv.outW, l.filters];
/** Does some window of the conv reach outside its input image? */
export const convPads = (c: ConvShape): boolean =>
  c.padTop > 0 || c.padLeft > 0 || (c.outH - 1) * c.stride + c.kh - c.padTop > c.height || (c.outW - 1) * c.stride + c.kw - c.padLeft > c.width;
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
    const last = i === g.layers.length - 1, before = g.layers[i - 1];
    if ((l.kind === 'scores') !== last) fail(`${name}: only the last layer gives scores, every other one thresholds`);
    if (l.kind === 'conv' && before && before.kind !== 'conv') fail(`${name}: a conv layer must follow the pixels or another conv layer, not a dense one`);
    if (l.kind === 'conv') checkConv(l, before?.kind === 'conv' ? convOutput(before) : null, i === 0, (what) => fail(`${name}: ${what}`));
    const inL = l.inputLevels, wL = l.weightLevels;
    const levelsBad = levelsProblem(inL, `${name}: inputLevels`, false) ?? levelsProblem(wL, `${name}: weightLevels`, true);
    if (levelsBad) fail(levelsBad);
    if (i === 0) {
      const px = pixelLevels(g.scale);
      if (inL.bits !== px.bits || inL.lo !== px.lo || inL.hi !== px.hi) fail(`${name}: inputLevels must be the ${g.scale} pixel levels ${JSON.stringify(px)}`);
    }
    const k = rowLength(l);
    if (dotRange(inL.bits, wL.bits, k) >= 2 ** 31 - 1) fail(`${name}: ${inL.bits}-bit inputs × ${wL.bits}-bit weights over ${k} inputs overflow int32`);
    const words = wordsFor(k), rows = weightRows(l);
    if (l.weights.length !== rows * words) fail(`${name}: weights hold ${l.weights.length} words, ${rows}×${words} expected`);
    const tail = k % 32 === 0 ? 0 : ~0 << (k % 32);
    for (let r = 0; r < rows; r++) {
      if (tail !== 0 && (l.weights[r * words + words - 1]! & tail) !== 0) fail(`${name}: weight row ${r} has bits set past inFeatures (tail bits must be 0)`);
    }
    if (l.kind === 'threshold' || l.kind === 'conv') {
      const units = l.kind === 'conv' ? l.filters : l.outFeatures, nextL = g.layers[i + 1]?.inputLevels;
      if (l.kind === 'conv' && nextL && !isSignCode(nextL)) fail(`${name}: a conv layer gives ±1 outputs, but the next layer takes ${nextL.bits}-bit inputs (k-bit conv activations are not supported by the packed engine)`);
      const next = nextL?.bits ?? 1, count = units * thresholdsPerUnit(next);
      if (l.thresholds.length !== count || l.directions.length !== count) fail(`${name}: needs ${count} thresholds and directions (${units} units × ${thresholdsPerUnit(next)} for the next layer's ${next}-bit input)`);
      if (l.directions.some((d) => d > 1)) fail(`${name}: directions must be 0 or 1`);
    } else {
      if (l.affine.length !== AFFINE_ROWS * l.outFeatures) fail(`${name}: affine holds ${l.affine.length} values, ${AFFINE_ROWS}×${l.outFeatures} expected`);
      if (!l.affine.every(Number.isFinite)) fail(`${name}: affine parameters must be finite`);
    }
    features = l.outFeatures;
  });
  if (g.classes !== features) fail(`classes is ${g.classes} but the last layer gives ${features}`);
}

/** A conv layer's shapes: integers in range, every window touching the image, its input the
 *  previous conv's output (or any image for the first layer), the sizes it states consistent. */
function checkConv(l: ConvLayer, input: [number, number, number] | null, first: boolean, fail: (what: string) => never): void {
  const c = l.conv, p = l.pool;
  const ints: [string, unknown, number][] = [['filters', l.filters, 1], ...(['height', 'width', 'channels', 'kh', 'kw', 'stride', 'outH', 'outW'] as const).map((key): [string, unknown, number] => [`conv.${key}`, c?.[key], 1]),
    ['conv.padTop', c?.padTop, 0], ['conv.padLeft', c?.padLeft, 0]];
  if (p) ints.push(...(['size', 'stride', 'outH', 'outW'] as const).map((key): [string, unknown, number] => [`pool.${key}`, p[key], 1]));
  for (const [what, v, min] of ints) if (!Number.isInteger(v) || (v as number) < min || (v as number) > MAX_FEATURES) fail(`${what} must be an integer in ${min}..${MAX_FEATURES}, got ${String(v)}`);
  if (c.padTop >= c.kh || c.padLeft >= c.kw) fail(`padding ${c.padTop},${c.padLeft} must be smaller than the ${c.kh}×${c.kw} window`);
  if ((c.outH - 1) * c.stride - c.padTop >= c.height || (c.outW - 1) * c.stride - c.padLeft >= c.width) fail(`${c.outH}×${c.outW} windows by stride ${c.stride} run past the ${c.height}×${c.width} image`);
  if (c.kh * c.kw * c.channels > MAX_FEATURES || c.height * c.width * c.channels !== l.inFeatures) fail(`inFeatures must be height·width·channels = ${c.height}·${c.width}·${c.channels} (window at most ${MAX_FEATURES} values)`);
  if (p && (p.outH !== Math.floor((c.outH - p.size) / p.stride) + 1 || p.outW !== Math.floor((c.outW - p.size) / p.stride) + 1 || p.size > c.outH || p.size > c.outW)) {
    fail(`pool ${p.size}×${p.size} by ${p.stride} over ${c.outH}×${c.outW} gives ${Math.floor((c.outH - p.size) / p.stride) + 1}×${Math.floor((c.outW - p.size) / p.stride) + 1} windows, not ${p.outH}×${p.outW}`);
  }
  const [h, w, f] = convOutput(l);
  if (h * w * f !== l.outFeatures) fail(`outFeatures must be outH·outW·filters = ${h}·${w}·${f}`);
  if (input && (input[0] !== c.height || input[1] !== c.width || input[2] !== c.channels)) fail(`takes [${c.height}, ${c.width}, ${c.channels}] images but the conv before gives [${input}]`);
  if (!isSignCode(l.weightLevels)) fail('conv weights must be ±1 (k-bit conv weights are not supported by the packed engine)');
  if (!first && !isSignCode(l.inputLevels)) fail('conv inputs must be ±1 (k-bit conv activations are not supported by the packed engine)');
}
